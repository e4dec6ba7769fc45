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
  return {
    kind: 'pglite',
    query: (sql, params) => serial(() => run(db, sql, params), 'read'),
    tx: (fn) =>
      serial(
        () =>
          db.transaction(async (t) => {
            const q: Queryable = { query: (sql, params) => run(t, sql, params) };
            return fn(q);
          }),
        'write'
      ),
    close: () =>
      serial(async () => {
        await db.close();
        unlock();
      }, 'write'),
  };
}
