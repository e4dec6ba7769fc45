import React, { useState } from 'react';
import { cx } from '@emotion/css';
import { Link } from 'react-router-dom';
import { useStyles2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { getTableStyles } from '../../components/Table/tableStyles';
import { formatTime } from '../../components/format';
import { inspectorUrl } from '../../state/inspectorState';
import { recentSessions } from '../../state/recentSessions';
import { TableHead } from '../../components/Table/TableHead';

/** I1: the sessions this Grafana user opened in the Inspector, from this browser. */
export function RecentSessions() {
  const t = useStyles2(getTableStyles);
  const [recent] = useState(recentSessions);
  if (recent.length === 0) {
    return (
      <p data-testid={testIds.sessions.recent} role="status">
        No session inspected yet from this browser.
      </p>
    );
  }
  return (
    <table className={cx(t.table, t.compact)} data-testid={testIds.sessions.recent}>
      <caption>
        {recent.length === 1
          ? 'The last session opened in the Inspector from this browser'
          : `The last ${recent.length} sessions opened in the Inspector from this browser`}
      </caption>
      <TableHead columns={['Session id', 'Project', 'Inspected']} />
      <tbody>
        {recent.map((r) => (
          <tr key={`${r.project}/${r.sessionId}`}>
            <td className={t.mono}>
              <Link to={inspectorUrl(r.sessionId, { project: r.project })}>{r.sessionId}</Link>
            </td>
            <td>{r.project ?? ''}</td>
            <td>{formatTime(r.at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
