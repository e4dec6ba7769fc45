import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { lockDirectory } from './directoryLock';
import type { Queryable, SqlParam, Store } from './store';

/** Embedded PostgreSQL (WebAssembly), persisted to a directory or kept in memory. */
export async function openPglite(dataDir: string, schema?: string): Promise<Store> {
  let unlock = () => undefined as void;
  if (dataDir !== 'memory://') {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDirectory(dataDir);
  }
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
  } catch (err) {
    unlock();
    throw err;
  }
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
  return {
    kind: 'pglite',
    query: (sql, params) => serial(() => run(db, sql, params)),
    tx: (fn) =>
      serial(() =>
        db.transaction(async (t) => {
          const q: Queryable = { query: (sql, params) => run(t, sql, params) };
          return fn(q);
        })
      ),
    close: () =>
      serial(async () => {
        await db.close();
        unlock();
      }),
  };
}
