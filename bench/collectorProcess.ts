// A collector run as its own process (`collector serve`), as in production: for the crash test
// (kill -9) and the overload bench (its RSS apart from the load generator's).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
