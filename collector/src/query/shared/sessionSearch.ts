import {
  classifyCallType,
  errorEventSql,
  poorNetworkSql,
  QUERY_DESCRIPTORS,
  type SessionQueryModel,
  type SessionRow,
} from '@model';
import { listSaved } from '../../store/savedSessions';
import type { Store } from '../../store/store';
import { SqlWhere } from './where';

/** The sessions query's filters, over the granted projects and [from, to]. */
export type SessionSearch = Pick<
  SessionQueryModel,
  'sessionIdPrefix' | 'hasErrors' | 'callType' | 'minSize' | 'saved' | 'tag' | 'maxRating' | 'limit'
> & { projects: string[]; from: number; to: number };

/** Samples a little before a session's first event and after its last (stats polls around them). */
const SAMPLE_SLACK_MS = 60_000;

/** What the search reads from the events; the rest of a row is derived. */
type CountedRow = Pick<
  SessionRow,
  | 'project'
  | 'sessionId'
  | 'start'
  | 'end'
  | 'connections'
  | 'users'
  | 'publishers'
  | 'streams'
  | 'subscribers'
  | 'errors'
  | 'importedAt'
  | 'rating'
>;

/**
 * Sessions with activity in [from, to], or imported in it (a dump keeps its recorded dates,
 * which may be long ago), newest first, with their counts and call type. Callers
 * check the search with the sessions query's descriptor (`checkQuery`) first.
 */
export async function searchSessions(store: Store, s: SessionSearch): Promise<SessionRow[]> {
  const limit = s.limit ?? QUERY_DESCRIPTORS.sessions.defaults.limit;
  if (s.projects.length === 0) {
    return [];
  }
  const where = new SqlWhere();
  where.add(`project = ANY(${where.param(s.projects)}::text[])`);
  const from = where.param(s.from);
  const to = where.param(s.to);
  if (s.sessionIdPrefix) {
    where.add(`session_id LIKE ${where.param(s.sessionIdPrefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%')}`);
  }
  const rows = await store.query<CountedRow>(
    `WITH base AS (SELECT project, session_id, min(ts) AS start, max(ts) AS "end",
       count(DISTINCT connection_id) FILTER (WHERE action = 'connect' AND variation = 'success')::float8 AS connections,
       count(DISTINCT client_id) FILTER (WHERE action = 'connect' AND variation = 'success')::float8 AS users,
       count(DISTINCT client_id) FILTER (WHERE action = 'publish' AND variation = 'success')::float8 AS publishers,
       count(DISTINCT stream_id) FILTER (WHERE action = 'publish' AND variation = 'success')::float8 AS streams,
       count(DISTINCT subscriber_id) FILTER (WHERE action = 'subscribe' AND variation = 'success')::float8 AS subscribers,
       count(*) FILTER (WHERE ${errorEventSql()})::float8 AS errors,
       min((detail->>'score')::float8) FILTER (WHERE action = 'rating') AS rating
     FROM all_events
     WHERE ${where}
     GROUP BY project, session_id),
     -- Streams received but published outside the recording (remotePublisherCount in sessionStats.ts).
     received AS (
       SELECT project, session_id, stream_id,
         bool_or(action = 'publish') AS published,
         bool_or(action = 'subscribe' AND coalesce((stream->>'hasAudio')::boolean, stream->>'hasVideo' IS NULL)) AS audio,
         bool_or(action = 'subscribe' AND coalesce((stream->>'hasVideo')::boolean, stream->>'hasAudio' IS NULL)) AS video
       FROM all_events
       WHERE ${where} AND stream_id IS NOT NULL AND variation = 'success' AND action IN ('publish', 'subscribe')
       GROUP BY project, session_id, stream_id
     ),
     remote AS (
       SELECT project, session_id, count(*)::float8 AS streams,
         greatest(count(*) FILTER (WHERE audio), count(*) FILTER (WHERE video))::float8 AS publishers
       FROM received WHERE NOT published GROUP BY project, session_id
     )
     SELECT b.project, b.session_id AS "sessionId", b.start::float8 AS start, b."end"::float8 AS "end", b.connections,
       b.users + coalesce(r.publishers, 0) AS users, b.publishers + coalesce(r.publishers, 0) AS publishers,
       b.streams + coalesce(r.streams, 0) AS streams, b.subscribers, b.errors, b.rating, i.imported_at::float8 AS "importedAt"
     FROM base b
     LEFT JOIN remote r ON r.project = b.project AND r.session_id = b.session_id
     LEFT JOIN imports i ON i.project = b.project AND i.session_id = b.session_id
     WHERE (b.start <= ${to}::bigint AND b."end" >= ${from}::bigint) OR i.imported_at BETWEEN ${from}::bigint AND ${to}::bigint
     ORDER BY greatest(b."end", coalesce(i.imported_at, 0)) DESC, b.session_id`,
    where.params
  );
  const saved = new Map(
    (await listSaved(store, s.projects)).map((x) => [`${x.project}\u0000${x.sessionId}`, x] as const)
  );
  const tag = s.tag?.trim().toLowerCase();
  const page = rows
    .map((r): Omit<SessionRow, 'poorPct'> => {
      const mark = saved.get(`${r.project}\u0000${r.sessionId}`);
      return {
        ...r,
        durationS: Math.round((r.end - r.start) / 1000),
        callType: classifyCallType(r.users, r.publishers),
        savedName: mark?.name ?? null,
        tags: mark?.tags ?? [],
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
  const poor = await poorNetworkShares(store, page, s.to);
  return page.map((r) => ({ ...r, poorPct: poor.get(`${r.project}\u0000${r.sessionId}`) ?? null }));
}

/**
 * The share (%) of each listed session's quality samples with a poor network, read only for the
 * page of results and only from each session's start, by the (project, session, ts) index.
 */
async function poorNetworkShares(
  store: Store,
  page: Array<Pick<SessionRow, 'project' | 'sessionId' | 'start' | 'end'>>,
  to: number
): Promise<Map<string, number>> {
  if (page.length === 0) {
    return new Map();
  }
  const rows = await store.query<{ project: string; sessionId: string; poorPct: number }>(
    `SELECT s.project, s.session_id AS "sessionId",
       100 * avg(CASE WHEN ${poorNetworkSql('q')} THEN 1 ELSE 0 END)::float8 AS "poorPct"
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS s(project, session_id, first, last)
     JOIN all_quality_samples q ON q.project = s.project AND q.session_id = s.session_id
       AND q.ts BETWEEN s.first AND s.last
     GROUP BY s.project, s.session_id`,
    [
      page.map((r) => r.project),
      page.map((r) => r.sessionId),
      page.map((r) => r.start - SAMPLE_SLACK_MS),
      // A call still going on (or whose last event came early) keeps sending samples after it.
      page.map((r) => Math.max(r.end + SAMPLE_SLACK_MS, to)),
    ]
  );
  return new Map(rows.map((r) => [`${r.project}\u0000${r.sessionId}`, r.poorPct]));
}
