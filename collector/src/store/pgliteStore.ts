import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Queryable, SqlParam, Store } from './store';

/**
 * Write-ahead log of the embedded store (docs/collector.md, "Disk"). PGlite runs PostgreSQL as a
 * single-user backend: no checkpointer runs and a full log never asks for a checkpoint, so the
 * log would grow for as long as the collector writes. The store checkpoints itself once the log
 * holds CHECKPOINT_AFTER_BYTES since the last checkpoint; a checkpoint then keeps at most
 * max_wal_size of old segments for reuse (PostgreSQL's default would keep 1 GB).
 */
const PGLITE_SETTINGS = ['max_wal_size=64MB', 'min_wal_size=32MB'];
const CHECKPOINT_AFTER_BYTES = 48 * 1024 * 1024;
/** The log is measured after every this many transactions: the measure costs a query. */
const CHECK_EVERY_TX = 10;

/** Embedded PostgreSQL (WebAssembly), persisted to a directory or kept in memory. */
export async function openPglite(dataDir: string, schema?: string): Promise<Store> {
  if (dataDir !== 'memory://') {
    mkdirSync(dataDir, { recursive: true });
  }
  const db = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir, {
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ['-c', s])],
  });
  if (schema) {
    await db.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"; SET search_path TO "${schema}"`);
  }
  // PGlite has one connection: transactions must not interleave with other statements.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const run = async <T>(q: Pick<PGlite, 'query'>, sql: string, params?: SqlParam[]): Promise<T[]> =>
    (await q.query<T>(sql, params)).rows;
  let txSinceCheck = 0;
  const checkpointIfDue = async () => {
    if (++txSinceCheck < CHECK_EVERY_TX) {
      return;
    }
    txSinceCheck = 0;
    const [{ since }] = await run<{ since: number }>(
      db,
      'SELECT (pg_current_wal_insert_lsn() - redo_lsn)::float8 AS since FROM pg_control_checkpoint()'
    );
    if (since > CHECKPOINT_AFTER_BYTES) {
      await db.exec('CHECKPOINT');
    }
  };
  return {
    kind: 'pglite',
    query: (sql, params) => serial(() => run(db, sql, params)),
    tx: (fn) =>
      serial(async () => {
        const result = await db.transaction(async (t) => {
          const q: Queryable = { query: (sql, params) => run(t, sql, params) };
          return fn(q);
        });
        await checkpointIfDue();
        return result;
      }),
    close: () => serial(() => db.close()),
  };
}
