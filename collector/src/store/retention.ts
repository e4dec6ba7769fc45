import { Limits } from '@model';
import { groupBy } from '../groupBy';
import { expireImports, KEPT_BY_SAVE_OR_IMPORT } from './imports';
import { DAY_MS, PARTITIONED_TABLES } from './partitions';
import { refreshSessionTotals } from './sessionTotals';
import type { Store } from './store';

export interface PurgeOptions {
  now: number;
  retentionDays: number;
  savedRetentionMonths?: number;
}

export interface PurgeResult {
  droppedPartitions: string[];
  keptRowsOfSavedSessions: number;
  expiredSavedSessions: number;
  /** Imported sessions whose import is older than the retention (their rows are deleted). */
  expiredImports: number;
}

const MONTH_MS = 30 * DAY_MS;

/**
 * Retention (I10): drops every daily partition whose whole day is older than the retention, so
 * a purge costs a DROP TABLE, not a DELETE. Rows of saved sessions are first copied to the
 * kept tables (outside the purge path), where they stay inspectable until the saved-session
 * retention (24 months) ends. Imported dumps live in the kept tables from the start and go when
 * their import is older than the retention (store/imports.ts).
 */
export async function purge(store: Store, o: PurgeOptions): Promise<PurgeResult> {
  const cutoff = o.now - o.retentionDays * DAY_MS;
  const result: PurgeResult = {
    droppedPartitions: [],
    keptRowsOfSavedSessions: 0,
    expiredSavedSessions: 0,
    expiredImports: 0,
  };
  for (const table of PARTITIONED_TABLES) {
    const parts = await store.query<{ name: string; upper: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS upper
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
       WHERE p.relname = $1 AND n.nspname = current_schema()`,
      [table]
    );
    for (const part of parts) {
      const upper = Number(/TO \('?(\d+)'?\)/.exec(part.upper)?.[1]);
      if (!Number.isFinite(upper) || upper > cutoff) {
        continue;
      }
      await store.tx(async (q) => {
        const kept = await q.query(
          `INSERT INTO saved_${table} SELECT x.* FROM ${part.name} x
           JOIN saved_sessions s ON s.project = x.project AND s.session_id = x.session_id
           ON CONFLICT DO NOTHING RETURNING 1`
        );
        result.keptRowsOfSavedSessions += kept.length;
        await q.query(`DROP TABLE ${part.name}`);
      });
      result.droppedPartitions.push(part.name);
    }
  }
  const savedCutoff = o.now - (o.savedRetentionMonths ?? Limits.savedRetentionMonths) * MONTH_MS;
  await store.tx(async (q) => {
    const expired = await q.query<{ project: string; session_id: string }>(
      'DELETE FROM saved_sessions WHERE updated_at < $1::bigint RETURNING project, session_id',
      [savedCutoff]
    );
    result.expiredSavedSessions = expired.length;
    const expiredImports = await expireImports(q, cutoff);
    result.expiredImports = expiredImports.length;
    for (const t of ['saved_events', 'saved_quality_samples', 'saved_quality_minutes']) {
      await q.query(`DELETE FROM ${t} x WHERE NOT ${KEPT_BY_SAVE_OR_IMPORT}`);
    }
    // Sessions that lost events: those with some in a dropped day, and the expired saves and imports.
    const cut =
      result.droppedPartitions.length > 0
        ? await q.query<{ project: string; session_id: string }>(
            'SELECT project, session_id FROM session_totals WHERE first_ts < $1::bigint',
            [cutoff]
          )
        : [];
    const lost = groupBy(
      [...cut, ...expired, ...expiredImports],
      (r) => r.project,
      (r) => r.session_id
    );
    for (const [project, sessionIds] of lost) {
      await refreshSessionTotals(q, project, sessionIds);
    }
    await q.query(
      `DELETE FROM users u WHERE NOT EXISTS (SELECT 1 FROM all_events e WHERE e.project = u.project AND e.session_id = u.session_id)`
    );
    await q.query(
      `DELETE FROM session_days d WHERE NOT EXISTS (SELECT 1 FROM all_events e WHERE e.project = d.project AND e.session_id = d.session_id)
       AND NOT EXISTS (SELECT 1 FROM all_quality_samples x WHERE x.project = d.project AND x.session_id = d.session_id)`
    );
  });
  return result;
}

/** One purge now with the collector's configured retentions (schedule, CLI and admin endpoint). */
export function purgeConfigured(
  store: Store,
  config: { retentionDays: number; savedRetentionMonths: number }
): Promise<PurgeResult> {
  return purge(store, {
    now: Date.now(),
    retentionDays: config.retentionDays,
    savedRetentionMonths: config.savedRetentionMonths,
  });
}

/**
 * Runs the purge now and then every `intervalMs` (0: never) with the configured retentions;
 * one purge at a time. Returns the function that stops it.
 */
export function schedulePurge(
  store: Store,
  config: { retentionDays: number; savedRetentionMonths: number; purgeIntervalMs: number },
  log: (message: string) => void = console.error
): () => void {
  if (config.purgeIntervalMs <= 0) {
    return () => undefined;
  }
  let running = false;
  const run = async () => {
    if (running) {
      return;
    }
    running = true;
    try {
      const r = await purgeConfigured(store, config);
      if (r.droppedPartitions.length || r.expiredSavedSessions || r.expiredImports) {
        log(
          `retention: dropped ${r.droppedPartitions.join(', ') || 'no partitions'}; kept ${r.keptRowsOfSavedSessions} rows of saved sessions; ${r.expiredSavedSessions} saved sessions and ${r.expiredImports} imported sessions expired`
        );
      }
    } catch (err) {
      log(`retention: purge failed: ${(err as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(run, config.purgeIntervalMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
