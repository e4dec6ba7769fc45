import {
  classifyCallType,
  errorEventSql,
  poorNetworkSql,
  QUERY_DESCRIPTORS,
  type SessionQueryModel,
  type SessionRow,
} from '@model';
import { MINUTE_MS, TROUBLE_SAMPLE } from '../../store/qualityMinutes';
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
 * page of results, from each session's start. The samples are counted from the rollups (whole
 * minutes) and the samples of the partial minutes at the edges; the poor ones through the
 * partial index of the samples that may break a threshold (`TROUBLE_SAMPLE`), which holds every
 * sample with a poor network. A week of a fleet's page of 50 sessions read every one of their
 * samples before: 1.0 s of the search's 1.2 s on 50 M samples.
 */
async function poorNetworkShares(
  store: Store,
  page: Array<Pick<SessionRow, 'project' | 'sessionId' | 'start' | 'end'>>,
  to: number
): Promise<Map<string, number>> {
  if (page.length === 0) {
    return new Map();
  }
  const rows = await store.query<{ project: string; sessionId: string; samples: number; poor: number }>(
    `WITH w AS (
       SELECT s.project, s.session_id, s.first, s.last,
         ceil(s.first / ${MINUTE_MS}.0)::bigint * ${MINUTE_MS} AS whole_from,
         floor((s.last + 1) / ${MINUTE_MS}.0)::bigint * ${MINUTE_MS} AS whole_to
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS s(project, session_id, first, last)
     ),
     counted AS (
       SELECT w.project, w.session_id, m.samples::bigint AS samples, 0::bigint AS poor
       FROM w JOIN all_quality_minutes m ON m.project = w.project AND m.session_id = w.session_id
         AND m.minute >= w.whole_from AND m.minute < w.whole_to
       UNION ALL
       SELECT w.project, w.session_id, 1, 0
       FROM w JOIN all_quality_samples q ON q.project = w.project AND q.session_id = w.session_id
         AND q.ts >= w.first AND q.ts <= least(w.last, w.whole_from - 1)
       UNION ALL
       SELECT w.project, w.session_id, 1, 0
       FROM w JOIN all_quality_samples q ON q.project = w.project AND q.session_id = w.session_id
         AND q.ts >= greatest(w.whole_from, w.whole_to) AND q.ts <= w.last
       UNION ALL
       SELECT w.project, w.session_id, 0, 1
       FROM w JOIN all_quality_samples q ON q.project = w.project AND q.session_id = w.session_id
         AND q.ts >= w.first AND q.ts <= w.last AND ${TROUBLE_SAMPLE} AND ${poorNetworkSql('q')}
     )
     SELECT project, session_id AS "sessionId", sum(samples)::float8 AS samples, sum(poor)::float8 AS poor
     FROM counted GROUP BY project, session_id`,
    [
      page.map((r) => r.project),
      page.map((r) => r.sessionId),
      page.map((r) => r.start - SAMPLE_SLACK_MS),
      // A call still going on (or whose last event came early) keeps sending samples after it.
      page.map((r) => Math.max(r.end + SAMPLE_SLACK_MS, to)),
    ]
  );
  return new Map(
    rows.filter((r) => r.samples > 0).map((r) => [`${r.project}\u0000${r.sessionId}`, (100 * r.poor) / r.samples])
  );
}
