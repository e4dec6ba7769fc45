// Dump import against jitsi's rtcstats-server extractor (issue 12, goal 6): the same rtcstats dumps
// parsed and derived by its DumpFileProcessor and by our import's first pass (`checkDump`: parse,
// derive the records, validate them), and our whole import into each store. Each side runs in a
// child process of its own, in turns, three rounds; each dump once untimed, then RUNS times.
// Rewrites its own section of docs/benchmarks.md.
//   JITSI_RTCSTATS_SERVER=<dir> TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/importAnchor.ts
// <dir> is jitsi/rtcstats-server, its dependencies installed with `npm install --ignore-scripts`
// (docs/benchmarks.md says how). With TEST_DATABASE_URL set, the import into PostgreSQL is
// measured beside PGlite.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { checkDump, importDump } from '../collector/src/importers/importDump';
import { openStore } from '../collector/src/store/openStore';
import { dropSchemas, throwawaySchema } from '../collector/test/schemas';
import { SHARED_DATA } from '../collector/test/sharedData';
import { writeBenchSection } from './benchDoc';
import { machine } from './collectorProcess';

const RUNS = 5;
const ROUNDS = 3;
const DUMPS = join(SHARED_DATA, 'rtcstats/dumps');

type Side = 'jitsi' | 'parse' | 'PGlite' | 'PostgreSQL';
/** Per dump, the timed runs' ms. */
type Times = Record<string, number[]>;

/** The dumps both read: the rtcstats JSON-lines ones (the extractor does not read v3's `RTCStatsDump`). */
function dumps(): string[] {
  return readdirSync(DUMPS)
    .filter((f) => f.endsWith('.jsonl') && !readFileSync(join(DUMPS, f), 'utf8').startsWith('RTCStatsDump'))
    .sort()
    .map((f) => join(DUMPS, f));
}

// The extractor's side, run as plain CommonJS in its own directory (its `config` reads from there).
const JITSI_CHILD = `
const DumpFileProcessor = require('./src/worker-pool/DumpFileProcessor');
const [files, runs] = [JSON.parse(process.argv[1]), Number(process.argv[2])];
(async () => {
  const out = {};
  for (const dumpPath of files) {
    out[dumpPath] = [];
    for (let i = 0; i <= runs; i++) {
      const t = performance.now();
      await new DumpFileProcessor({ dumpPath, clientId: 'bench-' + i }).processStatsFile();
      if (i > 0) out[dumpPath].push(performance.now() - t);
    }
  }
  process.stderr.write('\\nTIMES ' + JSON.stringify(out) + '\\n');
})();`;

async function ours(side: Exclude<Side, 'jitsi'>, files: string[]): Promise<Times> {
  const databaseUrl = side === 'PostgreSQL' ? process.env.TEST_DATABASE_URL : undefined;
  const schema = databaseUrl ? throwawaySchema('si_bench') : undefined;
  const dir = mkdtempSync(join(os.tmpdir(), 'si-bench-anchor-'));
  const store = side === 'parse' ? undefined : await openStore({ databaseUrl, dataDir: dir, schema });
  const out: Times = {};
  try {
    for (const path of files) {
      const file = { path, name: basename(path), size: statSync(path).size };
      out[path] = [];
      for (let i = 0; i <= RUNS; i++) {
        const sessionId = `anchor-${i}-${file.name}`;
        const t = performance.now();
        if (store) {
          await importDump(store, file, { project: 'bench', sessionId });
        } else {
          await checkDump(file, sessionId);
        }
        if (i > 0) {
          out[path].push(performance.now() - t);
        }
      }
    }
  } finally {
    await store?.close();
    if (databaseUrl && schema) {
      await dropSchemas(databaseUrl, [schema]);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

async function child(side: Side, files: string[], jitsiDir: string): Promise<Times> {
  const run = promisify(execFile);
  const { stderr } =
    side === 'jitsi'
      ? await run(process.execPath, ['-e', JITSI_CHILD, JSON.stringify(files), String(RUNS)], {
          cwd: jitsiDir,
          maxBuffer: 64 * 1024 * 1024,
        })
      : await run(process.execPath, ['--import', 'tsx', __filename, '--side', side, JSON.stringify(files)], {
          maxBuffer: 64 * 1024 * 1024,
          env: process.env,
        });
  const line = stderr.split('\n').find((l) => l.startsWith('TIMES '));
  if (!line) {
    throw new Error(`${side}: no times in its output:\n${stderr.slice(-2000)}`);
  }
  return JSON.parse(line.slice(6)) as Times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (process.argv[2] === '--side') {
    const times = await ours(process.argv[3] as Exclude<Side, 'jitsi'>, JSON.parse(process.argv[4]) as string[]);
    process.stderr.write(`\nTIMES ${JSON.stringify(times)}\n`);
    return;
  }
  const jitsiDir = process.env.JITSI_RTCSTATS_SERVER;
  if (!jitsiDir) {
    console.error('JITSI_RTCSTATS_SERVER must name a jitsi/rtcstats-server checkout with its dependencies installed');
    process.exitCode = 2;
    return;
  }
  const files = dumps();
  const sides: Side[] = ['jitsi', 'parse', 'PGlite', ...(process.env.TEST_DATABASE_URL ? ['PostgreSQL' as const] : [])];
  // Per side and dump, every timed run of every round.
  const all = new Map<Side, Times>(sides.map((s) => [s, Object.fromEntries(files.map((f) => [f, []]))]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of sides) {
      process.stderr.write(`round ${round + 1}: ${side}...\n`);
      const times = await child(side, files, jitsiDir);
      for (const f of files) {
        all.get(side)![f].push(...times[f]);
      }
    }
  }
  const perDump = (side: Side, f: string) => median(all.get(side)![f]);
  const total = (side: Side) => files.reduce((sum, f) => sum + perDump(side, f), 0);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const ratio = (side: Side) => (total('jitsi') / total(side)).toFixed(2);
  const section = writeBenchSection('importAnchor', [
    "## Dump import against jitsi's rtcstats-server extractor (issue 12, goal 6)",
    '',
    `Measured by \`JITSI_RTCSTATS_SERVER=<dir> TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/importAnchor.ts\` ${machine()}.`,
    `The ${files.length} rtcstats dumps of \`shared/data/rtcstats/dumps\` that both read (the extractor does not read the v3 format). "jitsi": its \`DumpFileProcessor.processStatsFile()\` (parse and feature extraction), as its \`bin/extract.js\` calls it. "parse": our import's first pass, \`checkDump\` (parse, derive every record, validate each). "PGlite" / "PostgreSQL": our whole import (\`importDump\`: both passes and the write into the kept tables of a PGlite directory / the shared PostgreSQL server). Each side in a child process of its own, in turns, ${ROUNDS} rounds; each dump once untimed, then ${RUNS} times; the median of the ${ROUNDS * RUNS} runs per dump.`,
    '<dir>: `jitsi/rtcstats-server` (fetched at 7d87ae2, the folder `src/test` left out), its dependencies installed with `npm install --ignore-scripts`.',
    '',
    `| dump | bytes | ${sides.join(' | ')} |`,
    `| --- | ---: | ${sides.map(() => '---:').join(' | ')} |`,
    ...files.map(
      (f) =>
        `| ${basename(f)} | ${statSync(f).size.toLocaleString('en-US')} | ${sides.map((s) => ms(perDump(s, f))).join(' | ')} |`
    ),
    `| all | | ${sides.map((s) => ms(total(s))).join(' | ')} |`,
    `| speed against jitsi (its time ÷ ours) | | ${sides.map((s) => (s === 'jitsi' ? '1.00' : ratio(s))).join(' | ')} |`,
    '',
    'Goal 6: parse and derive at least as fast as the extractor (speed at least 1.00), the whole import into PostgreSQL at least half as fast (at least 0.50).',
  ]);
  console.log(section);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
