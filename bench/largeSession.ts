// Large-session benchmark (I8, issue acceptance "1,000 subscribers for 60 minutes"): ingests one
// simulated broadcast into a real collector on each available store and times every Inspector
// query over HTTP, then rewrites its own section of docs/benchmarks.md.
//   TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/largeSession.ts [sample interval, s]
// One sample per minute by default (I8's section); `5` is issue 12's goal 1, real clients'
// sampling (~1.45 M samples), in a section of its own. With TEST_DATABASE_URL set, PostgreSQL is
// measured beside PGlite in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Limits, type WireQuery } from '@model';
import { generateSession } from '../collector/src/simulator/generate';
import { writeRecords } from '../collector/src/simulator/writer';
import type { Store } from '../collector/src/store/store';
import { startBenchCollector } from './benchCollector';
import { writeBenchSection } from './benchDoc';

const SUBSCRIBERS = 1000;
const MINUTES = 60;
const SAMPLE_MS = Number(process.argv[2] ?? 60) * 1000;
const START = Date.UTC(2026, 10, 24, 10, 0, 0);
const RUNS = 3;

const QUERIES: Array<[string, Record<string, unknown>, number]> = [
  ['summary', { queryType: 'summary' }, 1000],
  ['meetings', { queryType: 'meetings' }, 1000],
  ['errors', { queryType: 'errors' }, 1000],
  ['users (with drilldown frames)', { queryType: 'users' }, 1000],
  ['largeSession timelines', { queryType: 'largeSession' }, 1000],
  ['events', { queryType: 'events' }, 1000],
  ['quality, all subscribers, maxDataPoints 1000', { queryType: 'quality', role: 'subscriber' }, 1000],
  ['quality, all subscribers, maxDataPoints 100', { queryType: 'quality', role: 'subscriber' }, 100],
  ['quality, publisher only', { queryType: 'quality', role: 'publisher' }, 1000],
  // Not in goal 1's list, but on the Inspector page: its users' scores (24 buckets) and the diagnosis.
  ['scores (the Inspector page: maxDataPoints 24)', { queryType: 'scores' }, 24],
  ['baseline', { queryType: 'baseline' }, 1000],
  ['issues', { queryType: 'issues' }, 1000],
  ['attribution', { queryType: 'attribution' }, 1000],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * How long after the load the embedded store's own analysis had run over it: the samples' day
 * analysed after the last write (a longer load is also analysed during it).
 */
async function untilAnalysed(store: Store): Promise<number> {
  const t = performance.now();
  const loaded = Date.now();
  for (;;) {
    const [{ at }] = await store.query<{ at: number | null }>(
      `SELECT (extract(epoch FROM max(last_analyze)) * 1000)::float8 AS at FROM pg_stat_user_tables
       WHERE schemaname = current_schema() AND relname LIKE 'quality\\_samples\\_d%'`
    );
    if (at !== null && at >= loaded) {
      return performance.now() - t;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

let analysedAfterMs = 0;

async function measure(store: 'PGlite' | 'PostgreSQL', records: ReturnType<typeof generateSession>['records']) {
  const databaseUrl = store === 'PostgreSQL' ? process.env.TEST_DATABASE_URL : undefined;
  // PGlite on a directory, as the collector runs it (in memory it ingested 1.4 M samples in 11 minutes).
  const dir = mkdtempSync(join(os.tmpdir(), 'si-bench-large-'));
  const c = await startBenchCollector(databaseUrl, dir);
  try {
    const t0 = performance.now();
    await writeRecords({ url: c.url, token: 'bench-ingest' }, records);
    const ingestMs = performance.now() - t0;
    if (store === 'PostgreSQL') {
      // What autovacuum does after a bulk load, done now so that no query races it on 2 cores.
      await c.store.query('VACUUM ANALYZE');
    } else {
      // The embedded store analyses the load itself once writes pause (store/pgliteAnalyze.ts).
      analysedAfterMs = await untilAnalysed(c.store);
    }
    const rows: Array<[string, number, number, number]> = [];
    for (const [name, q, maxDataPoints] of QUERIES) {
      const times: number[] = [];
      let frames = 0;
      let bytes = 0;
      for (let i = 0; i < RUNS; i++) {
        const wire: WireQuery = {
          refId: 'A',
          timeRange: { from: START - 60_000, to: START + (MINUTES + 1) * 60_000 },
          maxDataPoints,
          intervalMs: 1000,
          query: { ...q, sessionId: 'broadcast-1k' } as WireQuery['query'],
        };
        const t = performance.now();
        const res = await fetch(`${c.url}/api/v1/query`, {
          method: 'POST',
          headers: { authorization: 'Bearer bench-read', 'content-type': 'application/json' },
          body: JSON.stringify({ queries: [wire] }),
        });
        const text = await res.text();
        times.push(performance.now() - t);
        bytes = Buffer.byteLength(text);
        const body = JSON.parse(text) as { results: { A: { status: number; error?: string; frames?: unknown[] } } };
        if (body.results.A.status !== 200) {
          throw new Error(`${name}: ${body.results.A.error}`);
        }
        frames = body.results.A.frames?.length ?? 0;
      }
      rows.push([name, median(times), frames, bytes]);
    }
    return { ingestMs, rows };
  } finally {
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const g = generateSession(
    {
      sessionId: 'broadcast-1k',
      shape: 'broadcast',
      start: START,
      meetings: 1,
      reuseGapMs: 0,
      minutes: MINUTES,
      users: SUBSCRIBERS + 1,
      sampleIntervalMs: SAMPLE_MS,
      trouble: 0,
    },
    1
  );
  const samples = g.records.filter((r) => r.kind === 'quality').length;
  const stores: Array<'PGlite' | 'PostgreSQL'> = process.env.TEST_DATABASE_URL ? ['PGlite', 'PostgreSQL'] : ['PGlite'];
  const results: Array<{ store: string } & Awaited<ReturnType<typeof measure>>> = [];
  for (const s of stores) {
    console.error(`measuring ${s}...`);
    results.push({ store: s, ...(await measure(s, g.records)) });
  }
  const every = SAMPLE_MS === 60_000 ? 'one per minute' : `one every ${SAMPLE_MS / 1000} s`;
  const command = `TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/largeSession.ts${SAMPLE_MS === 60_000 ? '' : ` ${SAMPLE_MS / 1000}`}`;
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const lines = [
    SAMPLE_MS === 60_000
      ? '## Large session: a broadcast of 1,000 subscribers for 60 minutes (I8)'
      : `## Large session at real sampling: 1,000 subscribers, 60 minutes, a sample every ${SAMPLE_MS / 1000} s (issue 12, goal 1)`,
    '',
    `Measured by \`${command}\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at the end.`,
    `One simulated broadcast: ${g.truth.users.length} users, ${g.truth.subscribers.length} subscribers, ${g.records.length - samples} events and ${samples.toLocaleString('en-US')} quality samples (${every} per stream and subscriber, audio and video).`,
    `PGlite on a data directory, queried once its own analysis of the load has run (it has no autovacuum; the store analyses what writes changed once they pause for ${Limits.pgliteAnalyzeIdleMs / 1000} s, and during a longer load every ${Limits.pgliteAnalyzeMaxWaitMs / 1000} s: the last analysis came ${(analysedAfterMs / 1000).toFixed(1)} s after the last write); PostgreSQL after a \`VACUUM ANALYZE\`, as autovacuum does after a bulk load. Times are through the collector over HTTP on loopback (the path the Go backend takes), median of 3 runs; size is the JSON answer.`,
    ...(SAMPLE_MS === 60_000
      ? []
      : [
          'Goal 1: every query of its list under 1 s on PostgreSQL and under 2 s on PGlite, every answer under 5 MB; the last four rows are not in that list, but the Inspector page sends them too.',
        ]),
    '',
    `| step | ${results.map((r) => r.store).join(' | ')} | size |`,
    `| --- | ${results.map(() => '---:').join(' | ')} | ---: |`,
    `| ingest (batched through \`POST /api/v1/ingest\`) | ${results.map((r) => `${(r.ingestMs / 1000).toFixed(1)} s`).join(' | ')} | |`,
    ...QUERIES.map(
      ([name], i) =>
        `| ${name} (${results[0].rows[i][2]} frames) | ${results.map((r) => `${Math.round(r.rows[i][1])} ms`).join(' | ')} | ${mb(results[0].rows[i][3])} |`
    ),
  ];
  const section = writeBenchSection(SAMPLE_MS === 60_000 ? 'largeSession' : `largeSession${SAMPLE_MS / 1000}s`, lines);
  console.log(section);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
