import type { DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import { streamIdLinks, userIdLinks } from '../frames/links';
import { matchesTextFilter, parseTextFilter } from '../model/eventFilter';
import type { QueryContext } from './context';
import { scopedSession } from './scope';

const capital = (s: string | null) => (s ? s[0].toUpperCase() + s.slice(1) : '');

/**
 * What the text filter reads of an event: its name, reason, error code and ids. Not the free-text
 * error message, so that `+connect` means connect events, not a publish error saying "not
 * connected"; search errors by code instead (`+1006`).
 */
export function eventText(e: {
  action: string;
  variation: string | null;
  reason: string | null;
  code: string | null;
  clientId: string;
  connectionId: string | null;
  streamId: string | null;
}): string {
  return [capital(e.action), capital(e.variation), e.reason, e.code, e.clientId, e.connectionId, e.streamId]
    .filter(Boolean)
    .join(' ');
}

/** I7: the event log in time order, with the stacked + / - text filter and a user filter. */
export async function eventsQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const { events } = await scopedSession(ctx);
  const filter = parseTextFilter(ctx.query.textFilter);
  const rows = events.filter((e) => matchesTextFilter(eventText(e), filter));
  return [
    frame(
      [
        { name: 'time', kind: 'time', values: rows.map((e) => e.ts) },
        {
          name: 'event',
          kind: 'string',
          values: rows.map((e) => `${capital(e.action)}${e.variation ? ` ${capital(e.variation)}` : ''}`),
        },
        { name: 'userId', kind: 'string', values: rows.map((e) => e.clientId), config: userIdLinks(ctx) },
        { name: 'connectionId', kind: 'nullableString', values: rows.map((e) => e.connectionId) },
        { name: 'streamId', kind: 'nullableString', values: rows.map((e) => e.streamId), config: streamIdLinks(ctx) },
        { name: 'reason', kind: 'nullableString', values: rows.map((e) => e.reason) },
        { name: 'code', kind: 'nullableString', values: rows.map((e) => e.code) },
        { name: 'message', kind: 'nullableString', values: rows.map((e) => e.message) },
        { name: 'meetingId', kind: 'string', values: rows.map((e) => e.meetingId) },
        { name: 'source', kind: 'string', values: rows.map((e) => e.source) },
      ],
      { name: 'events', refId: ctx.refId }
    ),
  ];
}
