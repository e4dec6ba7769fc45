// Diagnosis benchmark (issue 16, B1 / B2 / B3 on injected degradations): simulates routed
// multiparty calls, each with one degradation of every side (publisher uplink, media server,
// subscriber downlink) at known times, ingests them into a real collector, and checks every
// issue tag, attribution and score against the simulator's manifest; then rewrites its own
// section of docs/benchmarks.md.
//   TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/diagnosis.ts [sessions]
// With TEST_DATABASE_URL set the store is PostgreSQL, otherwise PGlite.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { DataFrameJSON, Issue } from '@model';
import { checkAttribution, checkIssues, checkScores } from '../collector/test/injectedCases';
import { rowsOf } from '../collector/test/helpers';
import { DEGRADED_SIDES } from '../collector/src/simulator/manifest';
import { generateSession } from '../collector/src/simulator/generate';
import { planInjected } from '../collector/src/simulator/plan';
import { writeRecords } from '../collector/src/simulator/writer';
import { benchQuery, startBenchCollector } from './benchCollector';

const SESSIONS = Number(process.argv[2] ?? 70);
const SAMPLE_MS = 10_000;
const DOC = 'docs/benchmarks.md';
const BEGIN = '<!-- bench:diagnosis:begin -->';
const END = '<!-- bench:diagnosis:end -->';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const specs = planInjected({
    seed: 16,
    sessions: SESSIONS,
    start: Date.UTC(2026, 10, 10, 0),
    sampleIntervalMs: SAMPLE_MS,
  });
  const sessions = specs.map((spec, i) => generateSession(spec, 1600 + i));
  const databaseUrl = process.env.TEST_DATABASE_URL || undefined;
  const c = await startBenchCollector(databaseUrl);
  const ask = (q: Record<string, unknown>, range: { from: number; to: number }, maxDataPoints = 2000) =>
    benchQuery(c, q, range, { intervalMs: SAMPLE_MS, maxDataPoints });
  const b2 = { expected: 0, found: 0, extra: 0, events: 0, eventIssues: 0 };
  const b3 = { cases: 0, streams: 0, correct: 0, wrong: [] as string[] };
  const bySide = Object.fromEntries(DEGRADED_SIDES.map((s) => [s, { streams: 0, correct: 0 }]));
  const b1 = { loss: 0, latency: 0, bitrate: 0, clean: 0, reasons: 0, wrong: [] as string[] };
  const times: Record<'issues' | 'attribution' | 'scores', number[]> = { issues: [], attribution: [], scores: [] };
  let records = 0;
  try {
    const t0 = performance.now();
    for (const g of sessions) {
      await writeRecords({ url: c.url, token: 'bench-ingest' }, g.records);
      records += g.records.length;
    }
    const ingestMs = performance.now() - t0;
    for (const g of sessions) {
      const range = { from: g.truth.start, to: g.truth.end };
      const [issues, ti] = await ask({ queryType: 'issues', sessionId: g.truth.sessionId }, range);
      const i2 = checkIssues(g, rowsOf((issues.frames as DataFrameJSON[])[0]) as unknown as Issue[], SAMPLE_MS);
      b2.expected += i2.expected;
      b2.found += i2.found;
      b2.extra += i2.extra.length;
      b2.events += i2.events;
      b2.eventIssues += i2.eventIssues;
      const [attribution, ta] = await ask({ queryType: 'attribution', sessionId: g.truth.sessionId }, range);
      const rows = rowsOf((attribution.frames as DataFrameJSON[])[0]) as Array<{
        subscriberId: string;
        start: number;
        end: number;
        verdict: string;
      }>;
      const a3 = checkAttribution(g, rows, SAMPLE_MS);
      b3.cases += a3.cases;
      b3.streams += a3.streams;
      b3.correct += a3.correct;
      b3.wrong.push(...a3.wrong);
      for (const side of DEGRADED_SIDES) {
        const one = checkAttribution(
          { ...g, truth: { ...g.truth, degradations: g.truth.degradations.filter((w) => w.side === side) } },
          rows,
          SAMPLE_MS
        );
        bySide[side].streams += one.streams;
        bySide[side].correct += one.correct;
      }
      const [scores, ts] = await ask({ queryType: 'scores', sessionId: g.truth.sessionId }, range, 100_000);
      const s1 = checkScores(g, scores.frames as DataFrameJSON[], SAMPLE_MS);
      for (const k of ['loss', 'latency', 'bitrate', 'clean'] as const) {
        b1[k] += s1.checked[k];
      }
      b1.reasons += s1.reasons;
      b1.wrong.push(...s1.wrong);
      times.issues.push(ti);
      times.attribution.push(ta);
      times.scores.push(ts);
    }
    const pct = (a: number, b: number) => `${((100 * a) / Math.max(b, 1)).toFixed(1)} %`;
    const lines = [
      BEGIN,
      '## Diagnosis on injected degradations (B1, B2, B3)',
      '',
      `Measured by \`TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/diagnosis.ts ${SESSIONS}\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, ${databaseUrl ? 'PostgreSQL' : 'PGlite'}.`,
      `${SESSIONS} simulated routed multiparty calls of 4-6 users (16 minutes, a sample every 10 s; ${records} records ingested in ${(ingestMs / 1000).toFixed(0)} s), each with one degradation of each side at separate times: ${b3.cases} injected cases (loss 6-15 %, RTT 400-900 ms or video at 70-120 kbps, 2-3 minutes each). Every answer is checked against the simulator's manifest (\`collector/test/injectedCases.ts\`).`,
      '',
      '| check | result |',
      '| --- | ---: |',
      `| B2: injected (series, issue kind) pairs found with start and end within one sample interval | ${b2.found} of ${b2.expected} (${pct(b2.found, b2.expected)}) |`,
      `| B2: quality issues outside the injected windows | ${b2.extra} |`,
      `| B2: failure and reconnect issues / failures and reconnects the simulator made | ${b2.eventIssues} / ${b2.events} |`,
      `| B3: degraded subscriber streams attributed to the injected side | ${b3.correct} of ${b3.streams} (${pct(b3.correct, b3.streams)}) |`,
      ...DEGRADED_SIDES.map(
        (s) =>
          `| B3: ... of them degraded by the ${s} | ${bySide[s].correct} of ${bySide[s].streams} (${pct(bySide[s].correct, bySide[s].streams)}) |`
      ),
      `| B1: samples in the band the thresholds give (loss ${b1.loss}, latency ${b1.latency}, bitrate ${b1.bitrate}, clean ${b1.clean}) | ${b1.loss + b1.latency + b1.bitrate + b1.clean - b1.wrong.filter((w) => !w.startsWith('no ')).length} of ${b1.loss + b1.latency + b1.bitrate + b1.clean} |`,
      `| B1: degraded series whose reasons name the injected factor | ${b1.reasons - b1.wrong.filter((w) => w.startsWith('no ')).length} of ${b1.reasons} |`,
      `| median query time per session: issues / attribution / scores | ${Math.round(median(times.issues))} / ${Math.round(median(times.attribution))} / ${Math.round(median(times.scores))} ms |`,
      END,
    ];
    console.log(lines.slice(2, -1).join('\n'));
    if (b3.wrong.length > 0) {
      console.error(`B3 misattributed: ${b3.wrong.slice(0, 20).join('\n')}`);
    }
    if (b1.wrong.length > 0) {
      console.error(`B1 off: ${b1.wrong.slice(0, 20).join('\n')}`);
    }
    let doc = readFileSync(DOC, 'utf8');
    const section = lines.join('\n');
    doc = doc.includes(BEGIN)
      ? doc.slice(0, doc.indexOf(BEGIN)) + section + doc.slice(doc.indexOf(END) + END.length)
      : `${doc.trimEnd()}\n\n${section}\n`;
    writeFileSync(DOC, doc);
  } finally {
    await c.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
