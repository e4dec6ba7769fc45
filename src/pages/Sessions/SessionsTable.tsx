import React from 'react';
import { Link } from 'react-router-dom';
import { dateTimeFormat } from '@grafana/data';
import { Badge, useStyles2 } from '@grafana/ui';
import { sessionQualityBand, Thresholds, type SessionRow } from '../../model';
import { testIds } from '../../components/testIds';
import { getTableStyles } from '../../components/Table/tableStyles';
import { formatDuration } from '../../components/format';
import { inspectorUrl } from '../../state/inspectorState';
import { TableHead } from '../../components/Table/TableHead';

/** What the table shows of a session (the panel builds it from a sessions frame). */
export type SessionTableRow = Pick<
  SessionRow,
  | 'project'
  | 'sessionId'
  | 'callType'
  | 'start'
  | 'end'
  | 'durationS'
  | 'users'
  | 'connections'
  | 'streams'
  | 'subscribers'
  | 'errors'
  | 'importedAt'
  | 'rating'
  | 'poorPct'
>;

/** A session whose last event is this recent is still going on. */
const LIVE_WITHIN_MS = 2 * 60_000;

/** Sessions, newest first; each id opens the Inspector. */
export function SessionsTable({
  sessions,
  asOf,
  testId = testIds.sessions.table,
}: {
  sessions: SessionTableRow[];
  /** When the search ran: a session with an event this close to it is live. */
  asOf: number;
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
          'Ended',
          'Duration',
          'Users',
          'Connections',
          'Streams',
          'Subscribers',
          'Errors',
          'Rating',
          'Network',
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
            <td className={t.nowrap}>
              {dateTimeFormat(x.start)}
              {x.importedAt !== null && (
                <>
                  {' '}
                  <Badge
                    color="purple"
                    icon="import"
                    text="imported"
                    tooltip={`Imported ${dateTimeFormat(x.importedAt)}; kept from then for the retention period`}
                  />
                </>
              )}
            </td>
            <td className={t.nowrap}>
              {asOf - x.end < LIVE_WITHIN_MS ? (
                <Badge color="green" icon="circle" text="live" tooltip="An event arrived in the last two minutes" />
              ) : (
                dateTimeFormat(x.end)
              )}
            </td>
            <td>{formatDuration(x.durationS)}</td>
            <td>{x.users}</td>
            <td>{x.connections}</td>
            <td>{x.streams}</td>
            <td>{x.subscribers}</td>
            <td>{x.errors > 0 ? <Badge color="red" text={String(x.errors)} /> : 0}</td>
            <td>{x.rating === null ? '' : `${x.rating}/5`}</td>
            <td className={t.nowrap}>
              <NetworkBadge poorPct={x.poorPct} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const BAND_COLORS = { good: 'green', fair: 'orange', poor: 'red' } as const;

/** The share of the session's quality samples with a poor network, as a band a glance can read. */
function NetworkBadge({ poorPct }: { poorPct: number | null }) {
  if (poorPct === null) {
    return <span title="No quality sample">—</span>;
  }
  const band = sessionQualityBand(poorPct);
  const shown = poorPct > 0 && poorPct < 1 ? '< 1' : String(Math.round(poorPct));
  return (
    <Badge
      color={BAND_COLORS[band]}
      text={band === 'good' ? 'good' : `${band} ${shown} %`}
      tooltip={`${shown} % of quality samples had packet loss over ${Thresholds.lossBadPct} % or a round trip over ${Thresholds.latencyHighMs} ms`}
    />
  );
}
