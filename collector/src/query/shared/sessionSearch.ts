import { classifyCallType, poorNetworkSql, QUERY_DESCRIPTORS, type SessionQueryModel, type SessionRow } from '@model';
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
  where.add(`t.project = ANY(${where.param(s.projects)}::text[])`);
  const from = where.param(s.from);
  const to = where.param(s.to);
  if (s.sessionIdPrefix) {
    where.add(`t.session_id LIKE ${where.param(s.sessionIdPrefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%')}`);
  }
  // Filters the totals can answer narrow the read; the call type, saves and tags are derived here.
  if (s.hasErrors) {
    where.add('t.errors > 0');
  }
  if (s.minSize !== undefined) {
    where.add(`t.connections >= ${where.param(s.minSize)}::float8`);
  }
  if (s.maxRating !== undefined) {
    where.add(`t.rating <= ${where.param(s.maxRating)}::float8`);
  }
  const tag = s.tag?.trim().toLowerCase();
  const derivedFilter = Boolean(s.callType) || s.saved !== undefined || Boolean(tag);
  const rows = await store.query<CountedRow>(
    `SELECT t.project, t.session_id AS "sessionId", t.first_ts::float8 AS start, t.last_ts::float8 AS "end",
       t.connections::float8 AS connections, (t.users + t.remote_publishers)::float8 AS users,
       (t.publishers + t.remote_publishers)::float8 AS publishers, (t.streams + t.remote_streams)::float8 AS streams,
       t.subscribers::float8 AS subscribers, t.errors::float8 AS errors, t.rating, i.imported_at::float8 AS "importedAt"
     FROM session_totals t
     LEFT JOIN imports i ON i.project = t.project AND i.session_id = t.session_id
     WHERE ${where} AND ((t.first_ts <= ${to}::bigint AND t.last_ts >= ${from}::bigint)
       OR i.imported_at BETWEEN ${from}::bigint AND ${to}::bigint)
     ORDER BY greatest(t.last_ts, coalesce(i.imported_at, 0)) DESC, t.session_id
     ${derivedFilter ? '' : `LIMIT ${where.param(limit)}`}`,
    where.params
  );
  const saved = new Map(
    (await listSaved(store, s.projects)).map((x) => [`${x.project}\u0000${x.sessionId}`, x] as const)
  );
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
        (!s.callType || r.callType === s.callType) &&
        (s.saved === undefined || (r.savedName !== null) === s.saved) &&
        (!tag || r.tags.some((t) => t.toLowerCase() === tag))
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
