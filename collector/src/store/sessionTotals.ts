import { errorEventSql } from '@model';
import type { Queryable } from './store';

/**
 * Per-session rollups of the events (issue 12): what the sessions search lists, one row per
 * session, so a search reads a row per session instead of aggregating a week of events.
 * Every write that adds, moves or removes events recomputes the totals of the sessions it
 * touched, in its own transaction (`refreshSessionTotals`); the rows cover live and kept
 * events alike (`all_events`), so a saved or imported session keeps its row.
 */
export const SESSION_TOTALS_TABLE_SQL = `
  CREATE TABLE session_totals (
    project text NOT NULL,
    session_id text NOT NULL,
    first_ts bigint NOT NULL,
    last_ts bigint NOT NULL,
    connections integer NOT NULL,
    users integer NOT NULL,
    publishers integer NOT NULL,
    streams integer NOT NULL,
    subscribers integer NOT NULL,
    errors integer NOT NULL,
    rating double precision,
    remote_streams integer NOT NULL,
    remote_publishers integer NOT NULL,
    PRIMARY KEY (project, session_id)
  )`;

const COLUMNS =
  'project, session_id, first_ts, last_ts, connections, users, publishers, streams, subscribers, errors, rating, remote_streams, remote_publishers';

/**
 * The totals of the sessions whose events `where` selects (a condition on `all_events`). Streams
 * received but published outside the recording count as remote streams and publishers
 * (remotePublisherCount in model/sessionStats.ts).
 */
export function totalsOf(where: string): string {
  return `
  WITH ev AS (SELECT * FROM all_events WHERE ${where}),
  base AS (
    SELECT project, session_id, min(ts) AS first_ts, max(ts) AS last_ts,
      count(DISTINCT connection_id) FILTER (WHERE action = 'connect' AND variation = 'success') AS connections,
      count(DISTINCT client_id) FILTER (WHERE action = 'connect' AND variation = 'success') AS users,
      count(DISTINCT client_id) FILTER (WHERE action = 'publish' AND variation = 'success') AS publishers,
      count(DISTINCT stream_id) FILTER (WHERE action = 'publish' AND variation = 'success') AS streams,
      count(DISTINCT subscriber_id) FILTER (WHERE action = 'subscribe' AND variation = 'success') AS subscribers,
      count(*) FILTER (WHERE ${errorEventSql()}) AS errors,
      min((detail->>'score')::float8) FILTER (WHERE action = 'rating') AS rating
    FROM ev GROUP BY project, session_id),
  received AS (
    SELECT project, session_id, stream_id,
      bool_or(action = 'publish') AS published,
      bool_or(action = 'subscribe' AND coalesce((stream->>'hasAudio')::boolean, stream->>'hasVideo' IS NULL)) AS audio,
      bool_or(action = 'subscribe' AND coalesce((stream->>'hasVideo')::boolean, stream->>'hasAudio' IS NULL)) AS video
    FROM ev
    WHERE stream_id IS NOT NULL AND variation = 'success' AND action IN ('publish', 'subscribe')
    GROUP BY project, session_id, stream_id),
  remote AS (
    SELECT project, session_id, count(*) AS streams,
      greatest(count(*) FILTER (WHERE audio), count(*) FILTER (WHERE video)) AS publishers
    FROM received WHERE NOT published GROUP BY project, session_id)
  SELECT b.project, b.session_id, b.first_ts, b.last_ts, b.connections, b.users, b.publishers, b.streams,
    b.subscribers, b.errors, b.rating, coalesce(r.streams, 0) AS remote_streams, coalesce(r.publishers, 0) AS remote_publishers
  FROM base b LEFT JOIN remote r ON r.project = b.project AND r.session_id = b.session_id`;
}

/** Totals of every session with events: the migration that made the table fills it. */
export const FILL_SESSION_TOTALS = `INSERT INTO session_totals (${COLUMNS}) ${totalsOf('true')}`;

const UPSERT = `
  WITH totals AS (${totalsOf('project = $1 AND session_id = ANY($2::text[])')}),
    gone AS (
      DELETE FROM session_totals t WHERE t.project = $1 AND t.session_id = ANY($2::text[])
        AND NOT EXISTS (SELECT 1 FROM totals x WHERE x.session_id = t.session_id))
  INSERT INTO session_totals (${COLUMNS}) SELECT ${COLUMNS} FROM totals ORDER BY session_id
  ON CONFLICT (project, session_id) DO UPDATE SET ${COLUMNS.split(', ')
    .slice(2)
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ')}`;

/**
 * Recomputes the totals of some sessions of a project from their events, in the caller's
 * transaction; a session left without events loses its row. The sessions are locked first, in
 * one order: a concurrent batch of the same session then waits for this one to commit, and its
 * recount (a new snapshot, on PostgreSQL's read committed) sees both batches' events.
 */
export async function refreshSessionTotals(q: Queryable, project: string, sessionIds: Iterable<string>) {
  const ids = [...new Set(sessionIds)].sort();
  if (ids.length === 0) {
    return;
  }
  await q.query(
    `SELECT pg_advisory_xact_lock(hashtext('session_totals' || chr(31) || $1 || chr(31) || s)) FROM unnest($2::text[]) AS s`,
    [project, ids]
  );
  await q.query(UPSERT, [project, ids]);
}
