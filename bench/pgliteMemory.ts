// PGlite memory (issue 9, finding 12): the fuzz suite's requests (collector/test/fuzz, seeded)
// sent to `collector serve` on a PGlite directory, one at a time. The collector's resident
// memory must stay under the bounds docs/security.md states ("PGlite memory"), while the
// requests run and once it is idle again. Rewrites its section of docs/benchmarks.md and exits
// 1 past a bound.
//   TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/pgliteMemory.ts [cases per route, default 770: the long fuzz run's 10,010]
import fc from 'fast-check';
import { FUZZ_ROUTES, type FuzzRequest } from '../collector/test/fuzz/routes';
import { writeBenchSection } from './benchDoc';
import { machine, scratchStore, startCollector, type CollectorProcess } from './collectorProcess';

/** The bounds docs/security.md promises, MiB. */
const PEAK_BOUND_MIB = 384;
const IDLE_BOUND_MIB = 352;
const SEED = 20261130;
const IDLE_AFTER_MS = 10_000;

/** The fuzz routes' tokens (collector/test/helpers.ts), for a collector run as its own process. */
const FUZZ_TOKENS = [
  { token: 'ingest-a', kind: 'ingest', project: 'proj-a', origins: ['https://app-a.example'] },
  { token: 'ingest-b', kind: 'ingest', project: 'proj-b', origins: ['https://app-b.example'] },
  { token: 'read-a', kind: 'read', projects: ['proj-a'], grafanaBackend: true },
  { token: 'read-ab', kind: 'read', projects: ['proj-a', 'proj-b'] },
  { token: 'alerts-a', kind: 'alert', projects: ['proj-a'] },
  { token: 'admin-1', kind: 'admin' },
];

async function send(c: CollectorProcess, r: FuzzRequest): Promise<number> {
  const headers: Record<string, string> = { ...r.headers };
  if (r.token !== undefined) {
    headers.authorization = `Bearer ${r.token.replace(/[^\x20-\x7e]/g, '?')}`;
  }
  if (r.body !== undefined) {
    headers['content-type'] = r.contentType ?? 'application/json';
  }
  const res = await fetch(`${c.url}${r.path}`, { method: r.method, headers, body: r.body });
  await res.arrayBuffer();
  return res.status;
}

async function main() {
  const perRoute = Number(process.argv[2] ?? 770);
  const scratch = await scratchStore('PGlite');
  const env = { ...scratch.env, COLLECTOR_TOKENS: JSON.stringify(FUZZ_TOKENS) };
  // A new directory is initialised once, with a one-time peak of its own: measure a restart.
  await (await startCollector(env)).stop();
  const c = await startCollector(env);
  const started = performance.now();
  try {
    const startMb = c.rssMb();
    let peakMb = startMb;
    const sample = () => (peakMb = Math.max(peakMb, c.rssMb()));
    const timer = setInterval(sample, 100);
    const statuses = new Map<number, number>();
    for (const [, requests] of FUZZ_ROUTES) {
      for (const r of fc.sample(requests, { numRuns: perRoute, seed: SEED })) {
        const status = await send(c, r);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        sample();
      }
    }
    clearInterval(timer);
    const seconds = (performance.now() - started) / 1000;
    const endMb = c.rssMb();
    await new Promise((r) => setTimeout(r, IDLE_AFTER_MS));
    const idleMb = c.rssMb();
    const cases = perRoute * FUZZ_ROUTES.length;
    const n = (v: number) => Math.round(v).toLocaleString('en-US');
    const met = peakMb <= PEAK_BOUND_MIB && idleMb <= IDLE_BOUND_MIB;
    const section = writeBenchSection('pgliteMemory', [
      '## PGlite memory under the fuzz suite (issue 9, finding 12)',
      '',
      `Measured by \`TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/pgliteMemory.ts ${perRoute}\` ${machine()}: \`collector serve\` on a PGlite directory (default settings, restarted once the directory is initialised), sent the fuzz suite's requests one at a time (seed ${SEED}, ${perRoute} per route).`,
      '',
      '| | PGlite |',
      '| --- | ---: |',
      `| requests (${FUZZ_ROUTES.length} routes) | ${n(cases)} in ${n(seconds)} s |`,
      `| answers | ${[...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, k]) => `${s}: ${n(k)}`)
        .join(', ')} |`,
      `| collector RSS after start / peak / at the end / ${IDLE_AFTER_MS / 1000} s idle | ${n(startMb)} / ${n(peakMb)} / ${n(endMb)} / ${n(idleMb)} MiB |`,
      `| bounds (docs/security.md): peak ≤ ${PEAK_BOUND_MIB} MiB, idle ≤ ${IDLE_BOUND_MIB} MiB | ${met ? 'met' : 'missed'} |`,
    ]);
    console.log(section);
    process.exitCode = met ? 0 : 1;
  } finally {
    await c.stop();
    await scratch.drop();
  }
}

void main();
