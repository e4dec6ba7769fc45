// A collector run as its own process (`collector serve`), as in production: for the crash test
// (kill -9) and the overload bench (its RSS apart from the load generator's).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';

const BIN = join(__dirname, '../collector/bin/collector.mjs');

export const BENCH_TOKENS = [
  { token: 'bench-ingest', kind: 'ingest', project: 'bench' },
  { token: 'bench-read', kind: 'read', projects: ['bench'] },
];

export interface CollectorProcess {
  url: string;
  child: ChildProcess;
  /** Resident memory of the collector process, MiB (Linux /proc). */
  rssMb(): number;
  /** SIGKILL, and wait until the process is gone. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** The PostgreSQL URL with every connection's search_path set to `schema`. */
export function inSchema(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** Starts `collector serve` on a free port with `env` (DATA_DIR or DATABASE_URL...). */
export function startCollector(env: Record<string, string>): Promise<CollectorProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      PURGE_INTERVAL_MS: '0',
      DATABASE_URL: '',
      COLLECTOR_TOKENS: JSON.stringify(BENCH_TOKENS),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      log += d;
      const url = /collector listening on (http:\/\/\S+)/.exec(log)?.[1];
      if (url) {
        child.stdout!.off('data', onData);
        resolve({
          url,
          child,
          rssMb: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024,
          async kill9() {
            child.kill('SIGKILL');
            await exited;
          },
          async stop() {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (log += d));
    child.once('exit', (code) => reject(new Error(`the collector exited (${code}) before listening:\n${log}`)));
  });
}

export type BenchStore = 'PGlite' | 'PostgreSQL';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL names one. */
export const benchStores = (): BenchStore[] => (process.env.TEST_DATABASE_URL ? ['PGlite', 'PostgreSQL'] : ['PGlite']);

/**
 * An empty store for one bench run: a PGlite directory, or a PostgreSQL schema of its own
 * (TEST_DATABASE_URL). `env` points a collector at it; `drop` removes it.
 */
export async function scratchStore(store: BenchStore) {
  const dir = mkdtempSync(join(os.tmpdir(), 'si-bench-'));
  const schema = `si_bench_${randomBytes(4).toString('hex')}`;
  const url = process.env.TEST_DATABASE_URL ?? '';
  const admin = store === 'PostgreSQL' ? new Pool({ connectionString: url }) : undefined;
  await admin?.query(`CREATE SCHEMA "${schema}"`);
  return {
    env: (store === 'PGlite' ? { DATA_DIR: dir } : { DATABASE_URL: inSchema(url, schema) }) as Record<string, string>,
    /** What `openStore` takes to read the same store directly. */
    direct: store === 'PGlite' ? { dataDir: dir } : { databaseUrl: url, dataDir: '', schema },
    async drop() {
      await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin?.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** "on 2026-11-30, 2 × AMD EPYC, Node v20..., load average 3.1 at the end" for a section's first line (other work on the machine skews the times). */
export const machine = () =>
  `on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at the end`;

/** A markdown table: one column per store. */
export function storeTable<F>(results: Array<[string, F]>, rows: Array<[string, (f: F) => string]>): string[] {
  return [
    `| | ${results.map(([s]) => s).join(' | ')} |`,
    `| --- | ${results.map(() => '---:').join(' | ')} |`,
    ...rows.map(([label, get]) => `| ${label} | ${results.map(([, f]) => get(f)).join(' | ')} |`),
  ];
}
