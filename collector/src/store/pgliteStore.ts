import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Limits } from '@model';
import { lockDirectory } from './directoryLock';
import type { Queryable, SqlParam, Store } from './store';

/** Reads may pass this many waiting writes in a row before a write gets its turn. */
const READS_BEFORE_A_WRITE = 8;

/**
 * Runs jobs one at a time, reads (plain queries) before writes (transactions: ingest, saves,
 * purges), so a query waits for at most the write in progress, not for the ingest queue; a
 * write still runs after at most `READS_BEFORE_A_WRITE` reads.
 */
function oneAtATime() {
  const lanes: Record<'read' | 'write', Array<() => Promise<void>>> = { read: [], write: [] };
  let running = false;
  let readsInARow = 0;
  const pump = async () => {
    running = true;
    for (;;) {
      const takeRead = lanes.read.length > 0 && (lanes.write.length === 0 || readsInARow < READS_BEFORE_A_WRITE);
      const job = takeRead ? lanes.read.shift() : lanes.write.shift();
      if (!job) {
        break;
      }
      readsInARow = takeRead ? readsInARow + 1 : 0;
      await job();
    }
    running = false;
  };
  return <T>(fn: () => Promise<T>, lane: 'read' | 'write'): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      lanes[lane].push(() => fn().then(resolve, reject));
      if (!running) {
        void pump();
      }
    });
}

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
export async function openPglite(
  dataDir: string,
  schema?: string,
  sharedBuffers: string = Limits.pgliteSharedBuffers
): Promise<Store> {
  let unlock = () => undefined as void;
  if (dataDir !== 'memory://') {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDirectory(dataDir);
  }
  let db: PGlite;
  try {
    // WebAssembly memory only grows: PostgreSQL's 128 MB of shared buffers would stay resident
    // for good. A smaller buffer pool bounds the embedded store's memory (docs/collector.md).
    db = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir, {
      postgresqlconf: `shared_buffers = '${sharedBuffers}'`,
      startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ['-c', s])],
    });
  } catch (err) {
    unlock();
    throw err;
  }
  if (schema) {
    await db.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"; SET search_path TO "${schema}"`);
  }
  // PGlite has one connection: transactions must not interleave with other statements.
  const serial = oneAtATime();
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
    query: (sql, params) => serial(() => run(db, sql, params), 'read'),
    tx: (fn) =>
      serial(async () => {
        const result = await db.transaction(async (t) => {
          const q: Queryable = { query: (sql, params) => run(t, sql, params) };
          return fn(q);
        });
        await checkpointIfDue();
        return result;
      }, 'write'),
    close: () =>
      serial(async () => {
        await db.close();
        unlock();
      }, 'write'),
  };
}
