// Freshness under load (issue 12, goal 5): with ingest running at 2,000 quality samples/s, how
// long from the moment ingest acknowledges a sample until a `quality` query shows it, and until
// a fleet query over the last hour (which reads the per-minute rollups) does. The
// collector runs as its own process (`collector serve`); the senders and the prober run here.
// Rewrites its own section of docs/benchmarks.md.
//   TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/freshness.ts [seconds]
// With TEST_DATABASE_URL set, PostgreSQL is measured beside PGlite in the same run.
import { randomBytes } from 'node:crypto';
import type { QualitySampleRecord } from '../collector/src/model/records';
import { benchQuery } from './benchCollector';
import { writeBenchSection } from './benchDoc';
import {
  benchStores,
  machine,
  scratchStore,
  startCollector,
  storeTable,
  type BenchStore,
  type CollectorProcess,
} from './collectorProcess';

const SAMPLES_PER_SECOND = 2000;
/** SDK-like clients, each posting one batch a second: a call's publisher and subscribers. */
const CLIENTS = 20;
const PER_BATCH = SAMPLES_PER_SECOND / CLIENTS;
/** Streams each client reports (audio and video of 50 streams): a batch is one poll of them all, twice. */
const STREAMS = PER_BATCH / 2;
/** Every this many batches, the prober asks for the batch's newest sample right after the answer. */
const PROBE_EVERY = 4;

/** How fast one kind of query showed the acknowledged batches. */
interface Freshness {
  probes: number;
  p50: number;
  p99: number;
  max: number;
  /** Probes whose first query did not show the sample yet. */
  notAtOnce: number;
}

interface Run {
  samples: number;
  seconds: number;
  ingestP99: number;
  refused: number;
  quality: Freshness;
  fleet: Freshness;
}

/** A batch's marker in the fleet rollups: a stream of its own whose one sample has this video bitrate. */
const marker = (seq: number) => 100_000 + seq;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** One poll of a client's streams: audio and video of each, the video bitrate marking the batch. */
function batch(run: string, client: number, seq: number, now: number): QualitySampleRecord[] {
  const records: QualitySampleRecord[] = [];
  for (let s = 0; s < STREAMS; s++) {
    for (const media of ['audio', 'video'] as const) {
      // The last stream's video is the batch's marker for the fleet probe: a stream per batch, so
      // its minute's mean is its one sample, and the session's maximum is the newest marker.
      const marks = s === STREAMS - 1 && media === 'video';
      records.push({
        kind: 'quality',
        id: `${run}-${client}-${seq}-${s}-${media}`,
        sessionId: `fresh-${run}-${client}`,
        ts: now,
        clientId: `user-${client}`,
        connectionId: `conn-${client}`,
        streamId: marks ? `mark-${client}-${seq}` : `stream-${client}-${s}`,
        role: s === 0 ? 'publisher' : 'subscriber',
        ...(s === 0 ? {} : { subscriberId: `sub-${client}-${s}` }),
        media,
        // A value of its own per batch: the prober looks for it.
        bitrateKbps: marks ? marker(seq) : media === 'video' ? 1000 + seq : 32,
        lossPct: 0.5,
        rttMs: 40,
      });
    }
  }
  return records;
}

async function post(c: CollectorProcess, records: QualitySampleRecord[]): Promise<number> {
  const res = await fetch(`${c.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: 'Bearer bench-ingest', 'content-type': 'application/json' },
    body: JSON.stringify({ records }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Whether a `quality` query of the publisher's video (the Go backend's call) shows `bitrate` at `ts`. */
async function shows(c: CollectorProcess, sessionId: string, ts: number, bitrate: number): Promise<boolean> {
  const [r] = await benchQuery(
    c,
    { queryType: 'quality', sessionId, role: 'publisher', media: 'video', metrics: ['bitrateKbps'] },
    { from: ts - 60_000, to: ts + 1000 },
    { intervalMs: 1000, maxDataPoints: 1000 }
  );
  return (r.frames ?? []).some((f) => {
    const [times, values] = f.data.values as [number[], Array<number | null>];
    return times.some((t, i) => t === ts && values[i] === bitrate);
  });
}

/** Whether a fleet query over the last hour (from the rollups) shows the session's marker `seq`. */
async function fleetShows(c: CollectorProcess, sessionId: string, ts: number, seq: number): Promise<boolean> {
  const [r] = await benchQuery(
    c,
    {
      queryType: 'fleet',
      fleetMetric: 'bitrateKbps',
      stat: 'max',
      groupBy: 'session',
      media: 'video',
      format: 'numeric',
    },
    { from: ts - 3_600_000, to: ts + 1000 },
    { intervalMs: 1000, maxDataPoints: 1000 }
  );
  return (r.frames ?? []).some(
    (f) => f.schema.fields[0].labels?.session === sessionId && (f.data.values[0][0] as number) >= marker(seq)
  );
}

/** Asks `visible` until it says yes; the time from `acked` into `times`. */
async function probe(visible: () => Promise<boolean>, acked: number, times: number[], what: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    if (await visible()) {
      times.push(performance.now() - acked);
      return attempt === 0 ? 0 : 1;
    }
    if (performance.now() - acked > 30_000) {
      throw new Error(`${what} was not visible 30 s after its answer`);
    }
  }
}

function summary(times: number[], notAtOnce: number): Freshness {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    probes: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    notAtOnce,
  };
}

async function measure(store: BenchStore, seconds: number): Promise<Run> {
  const scratch = await scratchStore(store);
  const c = await startCollector(scratch.env);
  const run = randomBytes(3).toString('hex');
  const ingest: number[] = [];
  const fresh: number[] = [];
  const fleetFresh: number[] = [];
  let refused = 0;
  let samples = 0;
  let notAtOnce = 0;
  let fleetNotAtOnce = 0;
  const probes: Array<Promise<void>> = [];
  try {
    // Warm-up: every client's first batch (it also makes the day's partitions).
    await Promise.all(Array.from({ length: CLIENTS }, (_, client) => post(c, batch(run, client, 0, Date.now()))));
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        // Each client on a schedule of one batch a second, spread over the second.
        let due = t0 + (client * 1000) / CLIENTS;
        for (let seq = 1; due < end; seq++, due += 1000) {
          const wait = due - performance.now();
          if (wait > 0) {
            await new Promise((r) => setTimeout(r, wait));
          }
          const now = Date.now();
          const records = batch(run, client, seq, now);
          const sent = performance.now();
          const status = await post(c, records);
          const acked = performance.now();
          ingest.push(acked - sent);
          if (status !== 200) {
            refused++;
            continue;
          }
          samples += records.length;
          if (seq % PROBE_EVERY === 0) {
            const sessionId = `fresh-${run}-${client}`;
            const what = `batch ${seq} of client ${client}`;
            probes.push(
              (async () => {
                notAtOnce += await probe(() => shows(c, sessionId, now, 1000 + seq), acked, fresh, what);
              })(),
              (async () => {
                fleetNotAtOnce += await probe(() => fleetShows(c, sessionId, now, seq), acked, fleetFresh, what);
              })()
            );
          }
        }
      })
    );
    const wall = (performance.now() - t0) / 1000;
    await Promise.all(probes);
    const sortedIngest = [...ingest].sort((a, b) => a - b);
    return {
      samples,
      seconds: wall,
      ingestP99: percentile(sortedIngest, 99),
      refused,
      quality: summary(fresh, notAtOnce),
      fleet: summary(fleetFresh, fleetNotAtOnce),
    };
  } finally {
    await c.stop();
    await scratch.drop();
  }
}

async function main() {
  const seconds = Number(process.argv[2] ?? 60);
  const results: Array<[string, Run]> = [];
  for (const store of benchStores()) {
    process.stderr.write(`measuring ${store} for ${seconds} s...\n`);
    results.push([store, await measure(store, seconds)]);
  }
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const section = writeBenchSection('freshness', [
    '## Freshness under load: 2,000 samples/s (issue 12, goal 5)',
    '',
    `Measured by \`TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/freshness.ts ${seconds}\` ${machine()}; the collector runs as its own process (\`collector serve\`, default settings), the senders and the prober in another.`,
    `${CLIENTS} clients post a batch of ${PER_BATCH} quality samples each second (audio and video of ${STREAMS} streams, as the SDK's 5 s poll of a 250-stream call would), ${SAMPLES_PER_SECOND} samples/s in all, for ${seconds} s. After every ${PROBE_EVERY}th acknowledged batch the prober sends the query the Go backend sends for a panel (\`quality\`, the session's publisher video, bitrate) and repeats it until the batch's own bitrate value is in the answer: "freshness" is the time from the ingest answer to that answer. Ingest answers only once a batch is committed, so the first query is expected to show it.`,
    "The fleet rollups are probed the same way, side by side: a fleet query over the last hour (so it reads the per-minute rollups: `fleet`, maximum video bitrate per session, numeric) until the session's maximum reaches the batch's marker, a video sample on a stream of its own whose bitrate grows with every batch.",
    '',
    ...storeTable(results, [
      ['samples stored', (r) => r.samples.toLocaleString('en-US')],
      ['samples/s', (r) => Math.round(r.samples / r.seconds).toLocaleString('en-US')],
      ['ingest answers not 200', (r) => String(r.refused)],
      ['ingest answer p99', (r) => ms(r.ingestP99)],
      ...(['quality', 'fleet'] as const).flatMap((k): Array<[string, (r: Run) => string]> => [
        [`${k}: probes`, (r) => String(r[k].probes)],
        [`${k}: probes not visible at the first query`, (r) => String(r[k].notAtOnce)],
        [`${k}: freshness p50`, (r) => ms(r[k].p50)],
        [`${k}: freshness p99`, (r) => ms(r[k].p99)],
        [`${k}: freshness max`, (r) => ms(r[k].max)],
      ]),
    ]),
    '',
    'The goal: p99 under 1 s.',
  ]);
  console.log(section);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
