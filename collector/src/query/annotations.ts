import { errorEventSql, isErrorEvent, matchesFilter, parseFilter, type DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import type { QueryContext } from './context';
import { scopedSession } from './shared/scope';
import { storedEventText } from './shared/eventText';
import { SqlWhere } from './shared/where';

const FLEET_LIMIT = 500;

/**
 * G3: with a session, its events (errors tagged `error`), narrowed by the text filter and to
 * errors or other events (`annotationKind`); without one, failures across the fleet in the range
 * (at most 500, newest first).
 */
export async function annotationsQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const kind = ctx.query.annotationKind;
  let rows: Array<{
    ts: number;
    sessionId: string;
    action: string;
    variation: string | null;
    clientId: string;
    connectionId: string | null;
    streamId: string | null;
    reason: string | null;
    code: string | null;
    message: string | null;
  }>;
  if (ctx.query.sessionId) {
    const { data, events } = await scopedSession(ctx);
    rows = events.map((e) => ({ ...e, sessionId: data!.sessionId }));
  } else {
    if (ctx.projects.length === 0) {
      return [];
    }
    const where = new SqlWhere().scope(ctx.projects, ctx.from, ctx.to).add(errorEventSql());
    const found = await ctx.store.query<{
      ts: number;
      session_id: string;
      action: string;
      variation: string | null;
      client_id: string;
      connection_id: string | null;
      stream_id: string | null;
      reason: string | null;
      code: string | null;
      message: string | null;
    }>(
      `SELECT ts::float8 AS ts, session_id, action, variation, client_id, connection_id, stream_id, reason, code, message
       FROM all_events WHERE ${where}
       ORDER BY ts DESC LIMIT ${FLEET_LIMIT}`,
      where.params
    );
    rows = found
      .map((r) => ({
        ts: r.ts,
        sessionId: r.session_id,
        action: r.action,
        variation: r.variation,
        clientId: r.client_id,
        connectionId: r.connection_id,
        streamId: r.stream_id,
        reason: r.reason,
        code: r.code,
        message: r.message,
      }))
      .reverse();
  }
  const terms = parseFilter(ctx.query.textFilter);
  const kept = rows.filter(
    (e) => matchesFilter(storedEventText(e), terms) && (kind === undefined || (kind === 'errors') === isErrorEvent(e))
  );
  const title = (e: (typeof kept)[number]) =>
    `${e.action}${e.variation ? ` ${e.variation}` : ''}${e.code ? ` (${e.code})` : ''}`;
  return [
    frame(
      [
        { name: 'time', kind: 'time', values: kept.map((e) => e.ts) },
        { name: 'timeEnd', kind: 'time', values: kept.map((e) => e.ts) },
        { name: 'title', kind: 'string', values: kept.map(title) },
        {
          name: 'text',
          kind: 'string',
          values: kept.map((e) =>
            [e.message, e.reason, `user ${e.clientId}`, `session ${e.sessionId}`].filter(Boolean).join(' · ')
          ),
        },
        {
          name: 'tags',
          kind: 'string',
          values: kept.map((e) => [e.action, ...(isErrorEvent(e) ? ['error'] : []), e.sessionId].join(',')),
        },
      ],
      { name: 'annotations', refId: ctx.refId }
    ),
  ];
}
