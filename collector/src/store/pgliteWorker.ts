// The embedded store's own thread (pgliteStore.ts): PGlite's WebAssembly runs here, so the
// collector's event loop keeps accepting connections, admitting and refusing requests and
// answering queries while a write runs.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { writeBatch } from '../ingest/writeBatch';
import type { WriteOptions } from '../ingest/writeTypes';
import type { IngestRecord } from '../model/records';
import { preparedQueries } from './pglitePrepared';
import type { Queryable, SqlParam, Store } from './store';

export interface PgliteWorkerInit {
  dataDir: string;
  schema?: string;
  sharedBuffers: string;
  /** `-c name=value` settings passed to the backend at start. */
  settings: string[];
  /** PGlite's WebAssembly, compiled once per process and shared by every store opened. */
  pgliteWasmModule: WebAssembly.Module;
  initdbWasmModule: WebAssembly.Module;
}

/**
 * `begin` opens a transaction before the statement and `commit` ends it here, on this thread: a
 * transaction then costs the collector's event loop two messages fewer, and a group of callbacks
 * waits that much less for its answer.
 */
export type PgliteCall =
  | { op: 'query'; sql: string; params?: SqlParam[]; begin?: boolean }
  | { op: 'commit' }
  | { op: 'writeBatch'; project: string; records: IngestRecord[]; options: WriteOptions }
  | { op: 'close' };

export type PgliteRequest = PgliteCall & { id: number };

/** A database error's fields (`code`, `detail`, `constraint`...) survive the thread boundary. */
export type PgliteError = { message: string } & Record<string, string | number>;

/** Id 0 answers the start (`rows` empty once the store is open); the others answer their request. */
export type PgliteReply = { id: number; rows: unknown[] } | { id: number; error: PgliteError };

function plainError(err: unknown): PgliteError {
  const fields: PgliteError = { message: err instanceof Error ? err.message : String(err) };
  if (err && typeof err === 'object') {
    for (const [k, v] of Object.entries(err)) {
      if (typeof v === 'string' || typeof v === 'number') {
        fields[k] = v;
      }
    }
  }
  return fields;
}

/**
 * PGlite has no checkpointer (see PGLITE_SETTINGS in pgliteStore.ts): the store checkpoints
 * itself once the log holds CHECKPOINT_AFTER_BYTES since the last checkpoint.
 */
const CHECKPOINT_AFTER_BYTES = 32 * 1024 * 1024;
/** The log is measured after every this many commits: the measure costs a query. */
const CHECK_EVERY_TX = 10;

async function serve(port: NonNullable<typeof parentPort>, init: PgliteWorkerInit): Promise<void> {
  let db: PGlite;
  try {
    db = await PGlite.create(init.dataDir === 'memory://' ? undefined : init.dataDir, {
      postgresqlconf: `shared_buffers = '${init.sharedBuffers}'`,
      pgliteWasmModule: init.pgliteWasmModule,
      initdbWasmModule: init.initdbWasmModule,
      startParams: [...PGlite.defaultStartParams, ...init.settings.flatMap((s) => ['-c', s])],
    });
    if (init.schema) {
      await db.exec(`CREATE SCHEMA IF NOT EXISTS "${init.schema}"; SET search_path TO "${init.schema}"`);
    }
  } catch (err) {
    port.postMessage({ id: 0, error: plainError(err) } satisfies PgliteReply);
    return;
  }
  let commitsSinceCheck = 0;
  const checkpointIfDue = async () => {
    if (++commitsSinceCheck < CHECK_EVERY_TX) {
      return;
    }
    commitsSinceCheck = 0;
    const { rows } = await db.query<{ since: number }>(
      'SELECT (pg_current_wal_insert_lsn() - redo_lsn)::float8 AS since FROM pg_control_checkpoint()'
    );
    if (rows[0].since > CHECKPOINT_AFTER_BYTES) {
      await db.exec('CHECKPOINT');
    }
  };
  const commit = async () => {
    await db.exec('COMMIT');
    await checkpointIfDue();
  };
  const q: Queryable = {
    query: preparedQueries(db),
    // PGlite reads COPY's data from a blob it is given.
    copyCsv: async (table, columns, csv) =>
      (
        await db.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
          blob: new Blob([csv]),
        })
      ).affectedRows ?? 0,
  };
  // The store a batch write sees here: its statements go to PGlite directly (prepared), with no
  // message between them; the collector's thread sends the records and waits for the one answer.
  const here: Store = {
    kind: 'pglite',
    query: q.query,
    tx: async (fn) => {
      await db.exec('BEGIN');
      let result;
      try {
        result = await fn(q);
      } catch (err) {
        await db.exec('ROLLBACK');
        throw err;
      }
      await commit();
      return result;
    },
    close: () => db.close(),
  };
  port.on('message', async (req: PgliteRequest) => {
    try {
      if (req.op === 'writeBatch') {
        const result = await writeBatch(here, req.project, req.records, req.options);
        port.postMessage({ id: req.id, rows: [result] } satisfies PgliteReply);
      } else if (req.op === 'query') {
        if (req.begin) {
          await db.exec('BEGIN');
        }
        const { rows } = await db.query(req.sql, req.params);
        port.postMessage({ id: req.id, rows } satisfies PgliteReply);
      } else if (req.op === 'commit') {
        // The answer waits for the checkpoint check: the next transaction must not start under it.
        await commit();
        port.postMessage({ id: req.id, rows: [] } satisfies PgliteReply);
      } else {
        await db.close();
        port.postMessage({ id: req.id, rows: [] } satisfies PgliteReply);
        port.close();
      }
    } catch (err) {
      port.postMessage({ id: req.id, error: plainError(err) } satisfies PgliteReply);
    }
  });
  port.postMessage({ id: 0, rows: [] } satisfies PgliteReply);
}

if (parentPort) {
  void serve(parentPort, workerData as PgliteWorkerInit);
}
