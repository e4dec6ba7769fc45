import { DAY_MS } from '../../store/partitions';
import type { Queryable } from '../../store/store';

/** The time span [from, to) of the days a session has rows in (epoch ms). */
export interface SessionSpan {
  from: number;
  to: number;
}

/**
 * Where a session's rows can be: every per-session read bounds `ts` with it, so the planner
 * reads only those days' partitions (and, on Citus, one shard of each). Undefined when the
 * session has no rows in the granted projects.
 */
export async function sessionSpan(
  q: Queryable,
  projects: string[],
  sessionId: string
): Promise<SessionSpan | undefined> {
  const [row] = await q.query<{ first: number | null; last: number | null }>(
    `SELECT min(day)::float8 AS first, max(day)::float8 AS last FROM session_days
     WHERE project = ANY($1::text[]) AND session_id = $2`,
    [projects, sessionId]
  );
  return row?.first == null || row.last == null ? undefined : { from: row.first, to: row.last + DAY_MS };
}
