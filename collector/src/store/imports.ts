import type { Queryable } from './store';

/**
 * Imported dumps (C5) are written to the kept tables, outside the daily partitions: importing is
 * a deliberate act, so an imported session's retention counts from its (last) import, not from
 * the days it was recorded, and a dump recorded a year ago is not dropped by the next purge.
 */
export async function recordImport(q: Queryable, project: string, sessionId: string, now: number): Promise<void> {
  await q.query(
    `INSERT INTO imports (project, session_id, imported_at) VALUES ($1, $2, $3)
     ON CONFLICT (project, session_id) DO UPDATE SET imported_at = EXCLUDED.imported_at`,
    [project, sessionId, now]
  );
}

/** Forgets imports older than `cutoff` and answers their sessions; their kept rows go with the purge's clean-up. */
export async function expireImports(
  q: Queryable,
  cutoff: number
): Promise<Array<{ project: string; session_id: string }>> {
  return q.query('DELETE FROM imports WHERE imported_at < $1::bigint RETURNING project, session_id', [cutoff]);
}

/** SQL condition: the kept row `x` belongs to a saved or an imported session (not to be purged). */
export const KEPT_BY_SAVE_OR_IMPORT = `(EXISTS (SELECT 1 FROM saved_sessions s WHERE s.project = x.project AND s.session_id = x.session_id)
  OR EXISTS (SELECT 1 FROM imports i WHERE i.project = x.project AND i.session_id = x.session_id))`;
