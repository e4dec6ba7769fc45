import { classifyCallType, DEFAULT_SESSIONS_LIMIT, Fields, type CallType } from '@model';
import { frame } from '../frames/frame';
import { sessionIdLinks } from '../frames/links';
import { listSaved } from '../store/savedSessions';
import type { Store } from '../store/store';
import { QueryInputError, type QueryContext } from './context';

export interface SessionRow {
  project: string;
  sessionId: string;
  start: number;
  end: number;
  durationS: number;
  connections: number;
  users: number;
  publishers: number;
  streams: number;
  subscribers: number;
  errors: number;
  callType: CallType;
  /** The saved session's name and tags, when it is saved (I9). */
  savedName: string | null;
  tags: string[];
  /** The lowest rating a user gave the call (1-5, U1), or null when nobody rated it. */
  rating: number | null;
}

export interface SessionSearch {
  projects: string[];
  from: number;
  to: number;
  sessionId?: string;
  sessionIdPrefix?: string;
  hasErrors?: boolean;
  callType?: CallType;
  minSize?: number;
  /** Only saved sessions (true) or only unsaved ones (false). */
  saved?: boolean;
  /** Only saved sessions carrying this tag (case-insensitive). */
  tag?: string;
  /** Only sessions some user rated at most this (1-5): the low-rated calls. */
  maxRating?: number;
  limit?: number;
}

const MAX_LIMIT = 5000;

/** Sessions with activity in [from, to], newest first, with their counts and call type. */
export async function searchSessions(store: Store, s: SessionSearch): Promise<SessionRow[]> {
  const limit = s.limit ?? DEFAULT_SESSIONS_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new QueryInputError(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  if (s.maxRating !== undefined && !(Number.isInteger(s.maxRating) && s.maxRating >= 1 && s.maxRating <= 5)) {
    throw new QueryInputError('maxRating must be an integer from 1 to 5');
  }
  if (s.projects.length === 0) {
    return [];
  }
  const params: Array<string | number | string[]> = [s.projects, s.from, s.to];
  const where: string[] = ['project = ANY($1::text[])'];
  if (s.sessionId) {
    params.push(s.sessionId);
    where.push(`session_id = $${params.length}`);
  }
  if (s.sessionIdPrefix) {
    params.push(s.sessionIdPrefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%');
    where.push(`session_id LIKE $${params.length}`);
  }
  const rows = await store.query<{
    project: string;
    session_id: string;
    start: number;
    end: number;
    connections: number;
    users: number;
    publishers: number;
    streams: number;
    subscribers: number;
    errors: number;
    rating: number | null;
  }>(
    `SELECT project, session_id, min(ts)::float8 AS start, max(ts)::float8 AS "end",
       count(DISTINCT connection_id) FILTER (WHERE action = 'connect' AND variation = 'success')::float8 AS connections,
       count(DISTINCT client_id) FILTER (WHERE action = 'connect' AND variation = 'success')::float8 AS users,
       count(DISTINCT client_id) FILTER (WHERE action = 'publish' AND variation = 'success')::float8 AS publishers,
       count(DISTINCT stream_id) FILTER (WHERE action = 'publish' AND variation = 'success')::float8 AS streams,
       count(DISTINCT subscriber_id) FILTER (WHERE action = 'subscribe' AND variation = 'success')::float8 AS subscribers,
       count(*) FILTER (WHERE variation = 'failure' OR action = 'exception')::float8 AS errors,
       min((detail->>'score')::float8) FILTER (WHERE action = 'rating') AS rating
     FROM all_events
     WHERE ${where.join(' AND ')}
     GROUP BY project, session_id
     HAVING min(ts) <= $3::bigint AND max(ts) >= $2::bigint
     ORDER BY max(ts) DESC, session_id`,
    params
  );
  const saved = new Map(
    (await listSaved(store, s.projects)).map((x) => [`${x.project}\u0000${x.sessionId}`, x] as const)
  );
  const tag = s.tag?.trim().toLowerCase();
  return rows
    .map((r): SessionRow => {
      const mark = saved.get(`${r.project}\u0000${r.session_id}`);
      return {
        project: r.project,
        sessionId: r.session_id,
        start: r.start,
        end: r.end,
        durationS: Math.round((r.end - r.start) / 1000),
        connections: r.connections,
        users: r.users,
        publishers: r.publishers,
        streams: r.streams,
        subscribers: r.subscribers,
        errors: r.errors,
        callType: classifyCallType(r.users, r.publishers),
        savedName: mark?.name ?? null,
        tags: mark?.tags ?? [],
        rating: r.rating,
      };
    })
    .filter(
      (r) =>
        (!s.hasErrors || r.errors > 0) &&
        (!s.callType || r.callType === s.callType) &&
        (s.minSize === undefined || r.connections >= s.minSize) &&
        (s.saved === undefined || (r.savedName !== null) === s.saved) &&
        (!tag || r.tags.some((t) => t.toLowerCase() === tag)) &&
        (s.maxRating === undefined || (r.rating !== null && r.rating <= s.maxRating))
    )
    .slice(0, limit);
}

export async function sessionsQuery(ctx: QueryContext) {
  const q = ctx.query;
  const rows = await searchSessions(ctx.store, {
    projects: ctx.projects,
    from: ctx.from,
    to: ctx.to,
    sessionIdPrefix: q.sessionIdPrefix,
    hasErrors: q.hasErrors,
    callType: q.callType,
    minSize: q.minSize,
    saved: q.saved,
    tag: q.tag,
    maxRating: q.maxRating,
    limit: q.limit,
  });
  const col = <K extends keyof SessionRow>(k: K) => rows.map((r) => r[k]);
  return [
    frame(
      [
        { name: Fields.sessionId, kind: 'string', values: col('sessionId'), config: sessionIdLinks() },
        { name: Fields.project, kind: 'string', values: col('project') },
        { name: Fields.callType, kind: 'string', values: col('callType') },
        { name: Fields.start, kind: 'time', values: col('start') },
        { name: Fields.end, kind: 'time', values: col('end') },
        { name: Fields.durationS, kind: 'number', values: col('durationS'), config: { unit: 's' } },
        { name: Fields.users, kind: 'number', values: col('users') },
        { name: Fields.connections, kind: 'number', values: col('connections') },
        { name: Fields.streams, kind: 'number', values: col('streams') },
        { name: Fields.subscribers, kind: 'number', values: col('subscribers') },
        { name: Fields.errors, kind: 'number', values: col('errors') },
        { name: Fields.savedName, kind: 'string', values: col('savedName') },
        { name: Fields.tags, kind: 'string', values: rows.map((r) => r.tags.join(', ')) },
        { name: Fields.rating, kind: 'nullableNumber', values: col('rating') },
      ],
      { name: 'sessions', refId: ctx.refId, meta: { preferredVisualisationType: 'table' } }
    ),
  ];
}
