import React from 'react';
import { Link } from 'react-router-dom';
import { dateTimeFormat } from '@grafana/data';
import { Badge, useStyles2 } from '@grafana/ui';
import type { SessionSearchResult } from '../../datasource/datasource';
import { testIds } from '../../components/testIds';
import { getTableStyles } from '../../components/Table/tableStyles';
import { formatDuration } from '../../utils/format';
import { inspectorUrl } from '../../utils/inspectorState';
import { TableHead } from '../../components/Table/TableHead';

export type SessionRow = SessionSearchResult['sessions'][number];

/** Sessions, newest first; each id opens the Inspector. */
export function SessionsTable({
  sessions,
  testId = testIds.sessions.table,
}: {
  sessions: SessionRow[];
  testId?: string;
}) {
  const t = useStyles2(getTableStyles);
  return (
    <table className={t.table} data-testid={testId}>
      <TableHead
        columns={[
          'Session id',
          'Project',
          'Call type',
          'Started',
          'Duration',
          'Users',
          'Connections',
          'Streams',
          'Subscribers',
          'Errors',
          'Rating',
        ]}
      />
      <tbody>
        {sessions.map((x) => (
          <tr key={`${x.project}/${x.sessionId}`}>
            <td className={t.mono}>
              <Link to={inspectorUrl(x.sessionId, { project: x.project })}>{x.sessionId}</Link>
            </td>
            <td>{x.project}</td>
            <td>{x.callType}</td>
            <td>{dateTimeFormat(x.start)}</td>
            <td>{formatDuration(x.durationS)}</td>
            <td>{x.users}</td>
            <td>{x.connections}</td>
            <td>{x.streams}</td>
            <td>{x.subscribers}</td>
            <td>{x.errors > 0 ? <Badge color="red" text={String(x.errors)} /> : 0}</td>
            <td>{x.rating === null ? '' : `${x.rating}/5`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
