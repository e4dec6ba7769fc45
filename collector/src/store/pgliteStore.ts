import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Limits } from '@model';
import { lockDirectory } from './directoryLock';
import { afterWritesPause, analyzeDue, type AnalyzeTiming } from './pgliteAnalyze';
import type { IngestResult } from '../ingest/writeTypes';
import type { PgliteCall, PgliteReply, PgliteWorkerInit } from './pgliteWorker';
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
 * log would grow for as long as the collector writes. The worker checkpoints once the log has
 * grown enough (pgliteWorker.ts); a checkpoint then keeps at most max_wal_size of old segments
 * for reuse (PostgreSQL's default would keep 1 GB).
 */
const PGLITE_SETTINGS = ['max_wal_size=48MB', 'min_wal_size=32MB'];

let compiled: Promise<Pick<PgliteWorkerInit, 'pgliteWasmModule' | 'initdbWasmModule'>> | undefined;

/** PGlite's WebAssembly, compiled on first use: every store's worker then starts from it. */
export function wasmModules() {
  const dist = dirname(require.resolve('@electric-sql/pglite'));
  compiled ??= Promise.all(
    ['pglite.wasm', 'initdb.wasm'].map((f) => WebAssembly.compile(readFileSync(join(dist, f))))
  ).then(([pgliteWasmModule, initdbWasmModule]) => ({ pgliteWasmModule, initdbWasmModule }));
  return compiled;
}

/**
 * The embedded store's thread died under a running collector: every request would fail from now
 * on, so the collector says why and exits for its supervisor (Compose's restart policy, systemd)
 * to start it again; PGlite recovers from its write-ahead log.
 */
function exitOnStoreLoss(err: Error): void {
  console.error(`collector: ${err.message}; exiting so that it can be restarted`);
  process.exit(1);
}

/**
 * Starts PGlite on its own thread (pgliteWorker.ts). The worker loads TypeScript through tsx
 * like the collector itself (bin/collector.mjs), whether or not the process was started with it.
 * `onStopped` hears of the thread ending after it opened, unless `stop()` ended it.
 */
export function startWorker(init: PgliteWorkerInit, onStopped: (err: Error) => void) {
  // The batch write it runs (writeBatch.ts) imports @model, an alias of the collector's tsconfig.
  const tsconfig = join(__dirname, '../../tsconfig.json');
  const boot = `process.env.TSX_TSCONFIG_PATH ??= ${JSON.stringify(tsconfig)}; require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(join(__dirname, 'pgliteWorker.ts'))});`;
  const worker = new Worker(boot, { eval: true, workerData: init });
  const waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let opened = false;
  let stopping = false;
  let stopped: Error | undefined;
  const fail = (err: Error) => {
    stopped ??= err;
    for (const w of waiting.values()) {
      w.reject(err);
    }
    waiting.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: PgliteReply) => {
      if (reply.id === 0) {
        opened = !('error' in reply);
        return 'error' in reply ? reject(Object.assign(new Error(reply.error.message), reply.error)) : resolve();
      }
      const w = waiting.get(reply.id);
      waiting.delete(reply.id);
      if ('error' in reply) {
        // A new error with the database's fields (code, detail...), thrown from this thread.
        w?.reject(Object.assign(new Error(reply.error.message), reply.error));
      } else {
        w?.resolve(reply.rows);
      }
    });
    worker.on('error', (err) => {
      reject(err);
      fail(new Error(`the embedded store stopped: ${err.message}`));
    });
    worker.on('exit', (code) => {
      reject(new Error(`the embedded store exited (${code}) before it opened`));
      const err = new Error(`the embedded store has stopped (exit ${code})`);
      fail(err);
      if (opened && !stopping) {
        onStopped(err);
      }
    });
  });
  const call = (req: PgliteCall): Promise<unknown[]> =>
    stopped
      ? Promise.reject(stopped)
      : new Promise((resolve, reject) => {
          const id = nextId++;
          waiting.set(id, { resolve, reject });
          // A closed store's thread ends by itself: that is no loss.
          stopping ||= req.op === 'close';
          worker.postMessage({ ...req, id });
        });
  const stop = async () => {
    stopping = true;
    await worker.terminate();
  };
  return { worker, ready, call, stop };
}

/**
 * Embedded PostgreSQL (WebAssembly), persisted to a directory or kept in memory. PGlite runs on
 * a worker thread: its statements take the CPU for as long as they run, and on the collector's
 * own thread they kept it from accepting connections, refusing with 429 or answering queries.
 */
export async function openPglite(
  dataDir: string,
  schema?: string,
  sharedBuffers: string = Limits.pgliteSharedBuffers,
  onStopped: (err: Error) => void = exitOnStoreLoss,
  analyzeTiming: AnalyzeTiming = { idleMs: Limits.pgliteAnalyzeIdleMs, maxWaitMs: Limits.pgliteAnalyzeMaxWaitMs }
): Promise<Store> {
  let unlock = () => undefined as void;
  if (dataDir !== 'memory://') {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDirectory(dataDir);
  }
  // WebAssembly memory only grows: PostgreSQL's 128 MB of shared buffers would stay resident
  // for good. A smaller buffer pool bounds the embedded store's memory (docs/collector.md).
  const { ready, call, stop } = startWorker(
    { dataDir, schema, sharedBuffers, settings: PGLITE_SETTINGS, ...(await wasmModules()) },
    onStopped
  );
  try {
    await ready;
  } catch (err) {
    await stop();
    unlock();
    throw err;
  }
  // PGlite has one connection: transactions must not interleave with other statements.
  const serial = oneAtATime();
  const run = async <T>(sql: string, params?: SqlParam[]): Promise<T[]> =>
    (await call({ op: 'query', sql, params })) as T[];
  // Statistics, as autovacuum keeps them on PostgreSQL, once writes pause (pgliteAnalyze.ts).
  let closed = false;
  const analysis = afterWritesPause(analyzeTiming, () =>
    // Due before the store closed, its turn may come after: then there is nothing to analyse.
    serial(async () => (closed ? [] : analyzeDue(run)), 'write')
  );
  const write = async <T>(job: () => Promise<T>): Promise<T> => {
    try {
      return await serial(job, 'write');
    } finally {
      analysis.wrote();
    }
  };
  return {
    kind: 'pglite',
    query: (sql, params) => serial(() => run(sql, params), 'read'),
    tx: (fn) =>
      write(async () => {
        // BEGIN goes with the transaction's first statement (pgliteWorker.ts).
        let begun = false;
        const inTx: Queryable = {
          query: async <T>(sql: string, params?: SqlParam[]) => {
            const begin = !begun;
            begun = true;
            return (await call({ op: 'query', sql, params, begin })) as T[];
          },
        };
        let result;
        try {
          result = await fn(inTx);
        } catch (err) {
          if (begun) {
            await run('ROLLBACK');
          }
          throw err;
        }
        if (begun) {
          await call({ op: 'commit' });
        }
        return result;
      }),
    writeBatch: (project, records, options) =>
      write(async () => (await call({ op: 'writeBatch', project, records, options }))[0] as IngestResult),
    close: () =>
      serial(async () => {
        closed = true;
        analysis.stop();
        await call({ op: 'close' });
        await stop();
        unlock();
      }, 'write'),
  };
}
