import { eventName, matchesFilter, parseFilter, type DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import { streamIdLinks, userIdLinks } from '../frames/links';
import type { QueryContext } from './context';
import { scopedSession } from './shared/scope';
import { storedEventText } from './shared/eventText';

/** I7: the event log in time order, with the stacked + / - text filter and a user filter. */
export async function eventsQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const { events } = await scopedSession(ctx);
  const terms = parseFilter(ctx.query.textFilter);
  const rows = events.filter((e) => matchesFilter(storedEventText(e), terms));
  return [
    frame(
      [
        { name: 'time', kind: 'time', values: rows.map((e) => e.ts) },
        {
          name: 'event',
          kind: 'string',
          values: rows.map((e) => eventName(e.action, e.variation)),
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
