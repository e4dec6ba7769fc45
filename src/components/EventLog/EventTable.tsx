import React from 'react';
import { useStyles2 } from '@grafana/ui';
import { str, num, type Row } from '../../dataAccess/frames';
import { formatTime } from '../format';
import { getTableStyles } from '../Table/tableStyles';
import { testIds } from '../testIds';
import { TableHead } from '../Table/TableHead';

/** The rows of an `events` frame, in time order. */
export function EventTable({ rows, maxRows = 500 }: { rows: Row[]; maxRows?: number }) {
  const t = useStyles2(getTableStyles);
  const shown = rows.slice(0, maxRows);
  const failures = rows.filter(isFailure).length;
  return (
    <div className={t.scroll}>
      <table className={t.table} aria-label="Event log">
        <caption data-testid={testIds.inspector.eventCount}>
          {rows.length} event{rows.length === 1 ? '' : 's'}
          {failures > 0 ? `, ${failures} failed` : ''}
          {rows.length > shown.length ? ` (the first ${shown.length} shown)` : ''}
        </caption>
        <TableHead columns={['Time', 'Event', 'User', 'Connection', 'Stream', 'Reason / code', 'Source']} />
        <tbody>
          {shown.map((e, i) => (
            <tr
              key={i}
              data-testid={testIds.inspector.eventRow}
              data-time={num(e.time)}
              data-failed={isFailure(e) || undefined}
              className={isFailure(e) ? t.failed : undefined}
            >
              <td>{formatTime(num(e.time))}</td>
              <td>{str(e.event)}</td>
              <td className={t.mono}>{str(e.userId)}</td>
              <td className={t.mono}>{str(e.connectionId)}</td>
              <td className={t.mono}>{str(e.streamId)}</td>
              <td>{[str(e.reason), str(e.code), str(e.message)].filter(Boolean).join(' · ')}</td>
              <td>{str(e.source)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown.length && (
        <p role="status">
          Showing the first {shown.length} of {rows.length} events: narrow with a filter, a user or a zoom.
        </p>
      )}
    </div>
  );
}

/** A failed connect, publish or subscribe (and exceptions): what an on-call engineer looks for. */
function isFailure(e: Row): boolean {
  return /failure|exception/i.test(str(e.event));
}
