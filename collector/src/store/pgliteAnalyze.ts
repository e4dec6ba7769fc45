import { storeUnavailable } from '../errors';
import type { SqlParam } from './store';

type Run = <T>(sql: string, params?: SqlParam[]) => Promise<T[]>;

/**
 * The tables of the store's schema that autovacuum would analyse now: more rows changed since
 * their last ANALYZE than 50 plus a tenth of the rows it counted (PostgreSQL's default
 * `autovacuum_analyze_threshold` and `autovacuum_analyze_scale_factor`), with the partitioned
 * tables they belong to, which autovacuum never analyses and the planner reads for joins.
 */
const DUE = `
  WITH due AS (
    SELECT s.relid FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
    WHERE s.schemaname = current_schema() AND s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
  )
  SELECT DISTINCT r.oid::regclass::text AS name
  FROM due, LATERAL (SELECT relid AS oid UNION SELECT pg_partition_root(relid)) r
  WHERE r.oid IS NOT NULL`;

/**
 * Analyses what is due (see DUE), as autovacuum would on PostgreSQL: without statistics the
 * planner guesses, and on a large session it guessed badly (issue detection twice as slow).
 * `pg_stat_force_next_flush` first, so the counts include the last writes. The tables analysed.
 */
export async function analyzeDue(run: Run): Promise<string[]> {
  await run('SELECT pg_stat_force_next_flush()');
  const due = (await run<{ name: string }>(DUE)).map((r) => r.name);
  if (due.length > 0) {
    await run(`ANALYZE ${due.join(', ')}`);
  }
  return due;
}

/** When the store analyses: `idleMs` after the last write, at most `maxWaitMs` after the first one not analysed. */
export interface AnalyzeTiming {
  idleMs: number;
  maxWaitMs: number;
}

/**
 * Calls `analyze` once writes have paused for `idleMs`: each write pushes it back, so a bulk
 * load is analysed once at its end rather than batch by batch; but never later than `maxWaitMs`
 * after the first write it has not seen, so a store under constant ingest is analysed too.
 * ANALYZE runs on PGlite's only connection, between other statements.
 */
export function afterWritesPause({ idleMs, maxWaitMs }: AnalyzeTiming, analyze: () => Promise<unknown>) {
  let timer: NodeJS.Timeout | undefined;
  let firstWrite: number | undefined;
  let stopped = false;
  const run = () => {
    firstWrite = undefined;
    // A full disk fails it each time, like every write: said once a minute (errors.ts).
    void analyze().catch((err: Error) => {
      if (!storeUnavailable(err, "the embedded store's analysis")) {
        console.error(`collector: analysing the embedded store failed: ${err.message}`);
      }
    });
  };
  return {
    wrote() {
      clearTimeout(timer);
      if (stopped) {
        return; // a write that ended as the store closed
      }
      const now = Date.now();
      firstWrite ??= now;
      timer = setTimeout(run, Math.max(0, Math.min(idleMs, firstWrite + maxWaitMs - now)));
      // A pending analysis never keeps the process alive.
      timer.unref();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
