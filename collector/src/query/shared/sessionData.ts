import { sourceName } from '@model';
import { deriveMeetings, meetingAt, type ConnectionSpan, type Meeting } from '../../model/meetings';
import type { StoredEvent } from '../../model/sessionStats';
import { invalidField } from '../../errors';
import { once, type QueryContext } from '../context';
import { sessionSpan, type SessionSpan } from './sessionDays';

export interface SessionData {
  sessionId: string;
  project: string;
  /** The days the session has rows in: the bound of every further read of it. */
  span: SessionSpan;
  meetings: Meeting[];
  /** Every event of the session in time order, with the meeting it belongs to. */
  events: Array<StoredEvent & { meetingId: string }>;
}

interface Row {
  project: string;
  id: string;
  ts: number;
  action: StoredEvent['action'];
  variation: StoredEvent['variation'];
  client_id: string;
  connection_id: string | null;
  stream_id: string | null;
  subscriber_id: string | null;
  code: string | null;
  message: string | null;
  reason: string | null;
  source: number;
  stream: StoredEvent['stream'];
}

/**
 * Loads one session's events (all of them: meetings are derived over the whole session, then
 * narrowed to the query's meeting if it names one).
 */
export function loadSession(ctx: QueryContext): Promise<SessionData | undefined> {
  // Only query types whose descriptor needs a session load one; checkQuery ran before dispatch.
  const sessionId = ctx.query.sessionId!;
  // Shared by the request's queries, which read it and never change it.
  return once(ctx, ['session', ctx.projects, sessionId], () => readSession(ctx, sessionId));
}

async function readSession(ctx: QueryContext, sessionId: string): Promise<SessionData | undefined> {
  if (ctx.projects.length === 0) {
    return undefined;
  }
  const span = await sessionSpan(ctx.store, ctx.projects, sessionId);
  if (!span) {
    return undefined;
  }
  const rows = await ctx.store.query<Row>(
    `SELECT project, id, ts::float8 AS ts, action, variation, client_id, connection_id, stream_id, subscriber_id, code, message, reason, source, stream
     FROM all_events WHERE project = ANY($1::text[]) AND session_id = $2 AND ts >= $3::bigint AND ts < $4::bigint
     ORDER BY ts, id`,
    [ctx.projects, sessionId, span.from, span.to]
  );
  if (rows.length === 0) {
    return undefined;
  }
  const spans = new Map<string, ConnectionSpan>();
  for (const r of rows) {
    if (!r.connection_id) {
      continue;
    }
    const s = spans.get(r.connection_id);
    if (s) {
      s.end = r.ts;
    } else {
      spans.set(r.connection_id, { connectionId: r.connection_id, start: r.ts, end: r.ts });
    }
  }
  const meetings = deriveMeetings([...spans.values()], ctx.config.meetingIdleGapMs);
  const events = rows.map((r) => ({
    id: r.id,
    ts: r.ts,
    action: r.action,
    variation: r.variation,
    clientId: r.client_id,
    connectionId: r.connection_id,
    streamId: r.stream_id,
    subscriberId: r.subscriber_id,
    code: r.code,
    message: r.message,
    reason: r.reason,
    source: sourceName(r.source),
    stream: r.stream,
    meetingId: meetingAt(meetings, r.ts)?.meetingId ?? 'm1',
  }));
  return { sessionId, project: rows[0].project, span, meetings, events };
}

/** The named meeting of the session; an unknown id is the caller's mistake. */
export function findMeeting(data: SessionData, meetingId: string): Meeting {
  const meeting = data.meetings.find((m) => m.meetingId === meetingId);
  if (!meeting) {
    throw invalidField(
      'query.meetingId',
      `meeting '${meetingId}' is not in session ${data.sessionId} (it has ${data.meetings.map((m) => m.meetingId).join(', ')})`
    );
  }
  return meeting;
}

/** The session's events, narrowed to the query's meeting when it names one. */
export function scopedEvents(data: SessionData, meetingId: string | undefined) {
  if (!meetingId) {
    return data.events;
  }
  findMeeting(data, meetingId);
  return data.events.filter((e) => e.meetingId === meetingId);
}
