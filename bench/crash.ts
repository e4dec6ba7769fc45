// Crash durability (issue 9, acceptance 3): the collector is killed with SIGKILL at random
// moments while several clients ingest, then restarted, again and again, on PGlite and on
// PostgreSQL. Afterwards every batch the collector acknowledged must be stored whole, no record
// twice, and no batch in part (acknowledged or not). Rewrites its section of docs/benchmarks.md.
//   TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/crash.ts [kills per store, default 10]
// (PostgreSQL too when TEST_DATABASE_URL is set: TEST_DATABASE_URL=$(bash .ci/start-postgres.sh))
import { openStore } from '../collector/src/store/openStore';
import { benchStores, machine, scratchStore, startCollector, storeTable, type BenchStore } from './collectorProcess';
import { writeBenchSection } from './benchDoc';

const CLIENTS = 4;
const T0 = Date.UTC(2026, 10, 20, 12);

/** A small seeded generator (mulberry32): the same seed, the same kill moments and batches. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Batch {
  ids: string[];
  acknowledged: boolean;
}

interface Figures {
  kills: number;
  batches: number;
  acknowledgedBatches: number;
  acknowledgedRecords: number;
  unansweredBatches: number;
  unansweredStored: number;
  lost: number;
  duplicated: number;
  partial: number;
}

function samples(ids: string[], n: number) {
  return ids.map((id, i) => ({
    kind: 'quality',
    id,
    sessionId: `crash-${n % 7}`,
    ts: T0 + n * 1000 + i,
    clientId: `u${n % 5}`,
    connectionId: 'c1',
    streamId: 's1',
    role: 'publisher',
    media: 'video',
    bitrateKbps: 500,
  }));
}

/** One client: batches of 1 to 500 records until `stop`; each batch noted with its outcome. */
async function client(url: string, tag: string, rnd: () => number, stop: { now: boolean }, batches: Batch[]) {
  for (let b = 0; !stop.now; b++) {
    const ids = Array.from({ length: 1 + Math.floor(rnd() * 500) }, (_, i) => `${tag}-b${b}-${i}`);
    const batch: Batch = { ids, acknowledged: false };
    batches.push(batch);
    try {
      const res = await fetch(`${url}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: 'Bearer bench-ingest', 'content-type': 'application/json' },
        body: JSON.stringify({ records: samples(ids, b) }),
      });
      const body = (await res.json()) as { accepted?: number };
      if (res.status === 429) {
        await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
      }
      batch.acknowledged = res.status === 200 && body.accepted === ids.length;
    } catch {
      // The collector died with the batch in flight: it may or may not be stored, but whole.
      return;
    }
  }
}

async function run(store: BenchStore, kills: number, seed: number): Promise<Figures> {
  const rnd = random(seed);
  const scratch = await scratchStore(store);
  const batches: Batch[] = [];
  try {
    for (let k = 0; k < kills; k++) {
      const collector = await startCollector(scratch.env);
      const stop = { now: false };
      const clients = Array.from({ length: CLIENTS }, (_, i) =>
        client(collector.url, `k${k}-c${i}`, random(seed * 1000 + k * 10 + i), stop, batches)
      );
      await new Promise((r) => setTimeout(r, 500 + rnd() * 4500));
      await collector.kill9();
      stop.now = true;
      await Promise.all(clients);
      const acknowledged = batches.filter((b) => b.acknowledged).length;
      process.stderr.write(`${store}: kill ${k + 1}/${kills}, ${acknowledged} batches acknowledged so far\n`);
    }
    // The verdict reads the store directly, after a last start so it recovers as a collector would.
    const final = await startCollector(scratch.env);
    await final.stop();
    const db = await openStore(scratch.direct);
    const rows = await db.query<{ id: string; n: number }>(
      `SELECT id, count(*)::float8 AS n FROM quality_samples WHERE project = 'bench' GROUP BY id`
    );
    await db.close();
    const stored = new Map(rows.map((r) => [r.id, r.n]));
    const f: Figures = {
      kills,
      batches: batches.length,
      acknowledgedBatches: 0,
      acknowledgedRecords: 0,
      unansweredBatches: 0,
      unansweredStored: 0,
      lost: 0,
      duplicated: rows.filter((r) => r.n > 1).length,
      partial: 0,
    };
    for (const b of batches) {
      const present = b.ids.filter((id) => stored.has(id)).length;
      if (present !== 0 && present !== b.ids.length) {
        f.partial++;
      }
      if (b.acknowledged) {
        f.acknowledgedBatches++;
        f.acknowledgedRecords += b.ids.length;
        f.lost += b.ids.length - present;
      } else {
        f.unansweredBatches++;
        f.unansweredStored += present === b.ids.length ? 1 : 0;
      }
    }
    return f;
  } finally {
    await scratch.drop();
  }
}

async function main() {
  const kills = Number(process.argv[2] ?? 10);
  const results: Array<[string, Figures]> = [];
  for (const [i, store] of benchStores().entries()) {
    results.push([store, await run(store, kills, 9 + i)]);
  }
  const n = (v: number) => v.toLocaleString('en-US');
  const section = writeBenchSection('crash', [
    '## Crash durability: kill -9 under concurrent ingest (issue 9)',
    '',
    `Measured by \`TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/crash.ts ${kills}\` ${machine()}.`,
    `Each round starts \`collector serve\`, lets ${CLIENTS} clients send batches of 1-500 records, kills the collector with SIGKILL after 0.5-5 s (seeded), and starts it again on the same store; the verdict reads the store directly.`,
    '',
    ...storeTable<Figures>(results, [
      ['kill -9', (f) => n(f.kills)],
      ['batches sent', (f) => n(f.batches)],
      ['batches acknowledged', (f) => n(f.acknowledgedBatches)],
      ['records acknowledged', (f) => n(f.acknowledgedRecords)],
      ['acknowledged records lost', (f) => n(f.lost)],
      ['records stored twice', (f) => n(f.duplicated)],
      ['batches stored in part', (f) => n(f.partial)],
      ['batches cut off by a kill (no answer)', (f) => n(f.unansweredBatches)],
      ['... of which stored whole', (f) => n(f.unansweredStored)],
    ]),
  ]);
  console.log(section);
  const bad = results.filter(([, f]) => f.lost || f.duplicated || f.partial);
  if (bad.length > 0) {
    console.error(`FAILED: ${bad.map(([s]) => s).join(', ')} lost, duplicated or split acknowledged records`);
    process.exitCode = 1;
  }
}

void main();
