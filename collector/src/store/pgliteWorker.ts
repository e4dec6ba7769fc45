// The embedded store's own thread (pgliteStore.ts): PGlite's WebAssembly runs here, so the
// collector's event loop keeps accepting connections, admitting and refusing requests and
// answering queries while a write runs.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { SqlParam } from './store';

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

export type PgliteCall =
  { op: 'query'; sql: string; params?: SqlParam[] } | { op: 'exec'; sql: string } | { op: 'close' };

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
  port.on('message', async (req: PgliteRequest) => {
    try {
      if (req.op === 'query') {
        const { rows } = await db.query(req.sql, req.params);
        port.postMessage({ id: req.id, rows } satisfies PgliteReply);
      } else if (req.op === 'exec') {
        await db.exec(req.sql);
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
