// Dump import throughput and memory (C5): the largest real dump, and 100 MB dumps made of real
// captures repeated (new peer connection ids per copy), each imported in a fresh process so its
// peak memory is its own. Rewrites its own section of docs/benchmarks.md.
//   TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/import.ts
// (with TEST_DATABASE_URL set it measures PostgreSQL too)
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { importDump, type ImportProgress } from '../collector/src/importers/importDump';
import { openStore } from '../collector/src/store/openStore';
import { dropSchemas, throwawaySchema } from '../collector/test/schemas';
import { SHARED_DATA } from '../collector/test/sharedData';

const DOC = 'docs/benchmarks.md';
const BEGIN = '<!-- bench:import:begin -->';
const END = '<!-- bench:import:end -->';
const DATA = SHARED_DATA;
const REAL = join(DATA, 'rtcstats/dumps/google-standard-stats-p2p.jsonl');
const INTERNALS = join(DATA, 'chromium/chromium156-two-calls.webrtc-internals.json.gz');
const TARGET = 100 * 1024 * 1024;
const MB = 1024 * 1024;
const HEAP_LIMIT_MB = 64;

interface Figures {
  bytes: number;
  records: number;
  samples: number;
  checkMs: number;
  totalMs: number;
  peakRssMb: number;
  peakHeapMb: number;
}

async function write(path: string, parts: () => Generator<string>) {
  const out = createWriteStream(path);
  for (const part of parts()) {
    if (!out.write(part)) {
      await new Promise<void>((r) => out.once('drain', () => r()));
    }
  }
  await new Promise<void>((r) => out.end(r));
}

/** The real rtcstats dump again and again, each copy's peer connections renamed, up to 100 MB. */
function* bigRtcstats(): Generator<string> {
  const lines = readFileSync(REAL, 'utf8').split('\n').filter(Boolean);
  let size = 0;
  for (let k = 0; size < TARGET; k++) {
    const copy =
      (k === 0 ? lines : lines.slice(1)).map((l) => l.replace(/^(\["[^"]+",)"PC_/, `$1"PC_${k}_`)).join('\n') + '\n';
    size += copy.length;
    yield copy;
  }
}

/** The Chromium webrtc-internals capture with its peer connections repeated, up to 100 MB. */
function* bigInternals(): Generator<string> {
  const d = JSON.parse(gunzipSync(readFileSync(INTERNALS)).toString('utf8')) as {
    getUserMedia: unknown[];
    PeerConnections: Record<string, unknown>;
    UserAgent: string;
  };
  const pcs = Object.entries(d.PeerConnections).map(([id, pc]) => [id, JSON.stringify(pc)] as const);
  yield `{"getUserMedia":${JSON.stringify(d.getUserMedia)},"PeerConnections":{`;
  let size = 0;
  for (let k = 0; size < TARGET; k++) {
    for (const [id, pc] of pcs) {
      const part = `${size === 0 ? '' : ','}"${k}-${id}":${pc}`;
      size += part.length;
      yield part;
    }
  }
  yield `},"UserAgent":${JSON.stringify(d.UserAgent)}}`;
}

/** Child mode: import one file into a fresh store, sampling memory, and print the figures. */
async function one(path: string, store: 'PGlite' | 'PostgreSQL') {
  const databaseUrl = store === 'PostgreSQL' ? process.env.TEST_DATABASE_URL : undefined;
  const schema = databaseUrl ? throwawaySchema('si_test_bench') : undefined;
  const s = await openStore({ databaseUrl, dataDir: 'memory://', schema });
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const t0 = performance.now();
  let checkMs = 0;
  const r = await importDump(
    s,
    { path, name: basename(path), size: statSync(path).size },
    {
      project: 'bench',
      sessionId: 'bench',
      onProgress: (p: ImportProgress) => {
        if (p.phase === 'write' && checkMs === 0) {
          checkMs = performance.now() - t0;
        }
      },
    }
  );
  const totalMs = performance.now() - t0;
  sample();
  clearInterval(timer);
  await s.close();
  if (databaseUrl && schema) {
    await dropSchemas(databaseUrl, [schema]);
  }
  const figures: Figures = {
    bytes: statSync(path).size,
    records: r.events + r.samples,
    samples: r.samples,
    checkMs,
    totalMs,
    peakRssMb: peakRss / MB,
    peakHeapMb: peakHeap / MB,
  };
  console.log(JSON.stringify(figures));
}

async function measure(path: string, store: 'PGlite' | 'PostgreSQL'): Promise<Figures> {
  // A 64 MB old space: a 100 MB dump that were held whole could not import at all.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [`--max-old-space-size=${HEAP_LIMIT_MB}`, ...process.execArgv, __filename, '--one', path, store],
    { maxBuffer: 1 << 20 }
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Figures;
}

async function main() {
  const dir = mkdtempSync(join(os.tmpdir(), 'si-bench-import-'));
  try {
    const bigRtc = join(dir, 'rtcstats-100mb.jsonl');
    const bigInt = join(dir, 'webrtc-internals-100mb.json');
    await write(bigRtc, bigRtcstats);
    await write(bigInt, bigInternals);
    const dumps: Array<[string, string]> = [
      [`${basename(REAL)} (largest real dump)`, REAL],
      ['rtcstats, 100 MB (the real dump repeated)', bigRtc],
      ['webrtc-internals, 100 MB (the Chromium 156 capture repeated)', bigInt],
    ];
    const stores: Array<'PGlite' | 'PostgreSQL'> = process.env.TEST_DATABASE_URL
      ? ['PGlite', 'PostgreSQL']
      : ['PGlite'];
    const rows: string[] = [];
    for (const [label, path] of dumps) {
      for (const store of stores) {
        console.error(`measuring ${label} on ${store}...`);
        const f = await measure(path, store);
        const mb = f.bytes / MB;
        rows.push(
          `| ${label} | ${store} | ${mb.toFixed(1)} MB | ${f.records} | ${(mb / (f.checkMs / 1000)).toFixed(1)} MB/s | ${(mb / (f.totalMs / 1000)).toFixed(1)} MB/s | ${Math.round(f.samples / (f.totalMs / 1000))} | ${f.peakHeapMb.toFixed(0)} MB | ${f.peakRssMb.toFixed(0)} MB |`
        );
      }
    }
    const section = [
      BEGIN,
      '## Dump import (C5): throughput and peak memory',
      '',
      `Measured by \`TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/import.ts\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}.`,
      `Each import runs in a fresh process limited to a ${HEAP_LIMIT_MB} MB V8 old space (\`--max-old-space-size=${HEAP_LIMIT_MB}\`), peak memory sampled every 20 ms.`,
      '"Check" is the first pass (parse and validate the whole dump, nothing written);',
      '"import" is both passes and the writes, end to end. The 100 MB dumps are real captures repeated with new peer connection ids per copy.',
      'With PGlite the database lives in the same process, so its resident memory grows with what is stored; the heap of the importer is the flat figure.',
      '',
      '| dump | store | size | records | check | import | samples/s | peak heap | peak RSS |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      END,
    ].join('\n');
    let doc = '';
    try {
      doc = readFileSync(DOC, 'utf8');
    } catch {
      doc = '# Benchmarks\n';
    }
    doc = doc.includes(BEGIN)
      ? doc.replace(new RegExp(`${BEGIN}[\\s\\S]*?${END}`), section)
      : `${doc.trimEnd()}\n\n${section}\n`;
    writeFileSync(DOC, doc);
    console.log(section);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--one') {
  one(process.argv[3], process.argv[4] as 'PGlite' | 'PostgreSQL').catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
