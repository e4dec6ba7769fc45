import React from 'react';
import { css } from '@emotion/css';
import type { DataFrame, GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { getTableStyles } from '../../components/Table/tableStyles';
import { frameNamed, frameRows, num, str } from '../../dataAccess/frames';
import { TableHead } from '../../components/Table/TableHead';

const STATS: Array<{ field: string; label: string }> = [
  { field: 'callType', label: 'Call type' },
  { field: 'meetings', label: 'Meetings' },
  { field: 'users', label: 'Users' },
  { field: 'connections', label: 'Connections' },
  { field: 'streams', label: 'Published streams' },
  { field: 'subscribers', label: 'Subscribers' },
  { field: 'sipUsers', label: 'SIP users' },
  { field: 'streamedMinutes', label: 'Streamed minutes' },
  { field: 'issues', label: 'Issues' },
  { field: 'errors', label: 'Errors' },
  { field: 'reconnects', label: 'Reconnects' },
  { field: 'sources', label: 'Sources' },
];

function Breakdown({ title, frame, keyField }: { title: string; frame: DataFrame | undefined; keyField: string }) {
  const t = useStyles2(getTableStyles);
  const rows = frameRows(frame);
  return (
    <details>
      <summary>
        {title} ({rows.length})
      </summary>
      <table className={t.table}>
        <TableHead columns={[keyField === 'sdk' ? 'SDK' : 'Endpoint', 'Users']} />
        <tbody>
          {rows.map((r) => (
            <tr key={str(r[keyField])}>
              <td>{str(r[keyField])}</td>
              <td>{num(r.users)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** I3: call type, counts, streamed minutes and issues; SDK and endpoint breakdowns on expand. */
export function SummaryModule({ frames }: { frames: DataFrame[] }) {
  const s = useStyles2(getStyles);
  const summary = frameRows(frameNamed(frames, 'summary'))[0] ?? {};
  const recording = str(summary.recording);
  return (
    <div data-testid={testIds.inspector.summary}>
      <dl className={s.grid}>
        {STATS.map(({ field, label }) => (
          <div key={field} className={s.stat}>
            <dt>{label}</dt>
            <dd data-testid={testIds.inspector.stat(field)}>{str(summary[field])}</dd>
          </div>
        ))}
      </dl>
      {recording && recording !== 'complete' && (
        <p className={s.note} data-testid={testIds.inspector.recording}>
          {`${recording[0].toUpperCase()}${recording.slice(1)}: the others are counted from the streams received (${num(summary.recordedUsers)} of ${num(summary.users)} users recorded).`}
        </p>
      )}
      <div className={s.breakdowns} data-testid={testIds.inspector.breakdowns}>
        <Breakdown title="SDKs" frame={frameNamed(frames, 'sdks')} keyField="sdk" />
        <Breakdown title="Endpoints" frame={frameNamed(frames, 'endpoints')} keyField="endpoint" />
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))',
    gap: theme.spacing(1),
    margin: 0,
  }),
  stat: css({
    padding: theme.spacing(1),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    dt: { color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize },
    dd: { margin: 0, fontSize: theme.typography.h4.fontSize },
  }),
  note: css({
    margin: theme.spacing(1, 0, 0),
    color: theme.colors.text.secondary,
  }),
  breakdowns: css({
    display: 'grid',
    gridTemplateColumns: '1fr 1fr',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
  }),
});
