import type { DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import { statsOf } from '../model/sessionStats';
import type { QueryContext } from './context';
import { loadSession } from './shared/sessionData';

/** I2: the meetings of a session, with each meeting's counts. */
export async function meetingsQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const data = await loadSession(ctx);
  const rows = (data?.meetings ?? []).map((m) => ({
    m,
    s: statsOf(data!.events.filter((e) => e.meetingId === m.meetingId)),
  }));
  return [
    frame(
      [
        { name: 'meetingId', kind: 'string', values: rows.map((r) => r.m.meetingId) },
        { name: 'start', kind: 'time', values: rows.map((r) => r.m.start) },
        { name: 'end', kind: 'time', values: rows.map((r) => r.m.end) },
        {
          name: 'durationS',
          kind: 'number',
          values: rows.map((r) => Math.round((r.m.end - r.m.start) / 1000)),
          config: { unit: 's' },
        },
        { name: 'callType', kind: 'string', values: rows.map((r) => r.s.callType) },
        { name: 'users', kind: 'number', values: rows.map((r) => r.s.users) },
        { name: 'connections', kind: 'number', values: rows.map((r) => r.s.connections) },
        { name: 'streams', kind: 'number', values: rows.map((r) => r.s.streams) },
        { name: 'subscribers', kind: 'number', values: rows.map((r) => r.s.subscribers) },
        { name: 'errors', kind: 'number', values: rows.map((r) => r.s.errors) },
      ],
      { name: 'meetings', refId: ctx.refId, meta: { preferredVisualisationType: 'table' } }
    ),
  ];
}
