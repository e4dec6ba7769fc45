import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { writeBatch } from '../src/ingest/writeBatch';
import type { QualitySampleRecord } from '../src/model/records';
import { migrate } from '../src/store/migrations';
import { partitionName } from '../src/store/partitions';
import { afterWritesPause } from '../src/store/pgliteAnalyze';
import { openPglite } from '../src/store/pgliteStore';
import type { Store } from '../src/store/store';

const T = Date.UTC(2026, 5, 1, 12);

function samples(n: number): QualitySampleRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: 'quality',
    id: `q${i}`,
    sessionId: `s${i % 3}`,
    ts: T + i * 1000,
    clientId: 'alice',
    connectionId: 'c-alice',
    streamId: 'st-alice',
    role: 'publisher',
    media: 'video',
    bitrateKbps: 300 + i,
  }));
}

/** pg_class's row estimate of each table: -1 until the table is first analysed. */
async function estimates(store: Store, names: string[]): Promise<Map<string, number>> {
  const rows = await store.query<{ name: string; estimate: number }>(
    `SELECT relname AS name, reltuples::float8 AS estimate FROM pg_class
     WHERE relnamespace = current_schema()::regnamespace AND relname = ANY($1::text[])`,
    [names]
  );
  return new Map(rows.map((r) => [r.name, r.estimate]));
}

const open = async (idleMs: number, maxWaitMs: number) => {
  const store = await openPglite('memory://', undefined, undefined, undefined, { idleMs, maxWaitMs });
  await migrate(store);
  return store;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the embedded store analyses what writes changed once they pause (it has no autovacuum)', () => {
  let store: Store;
  before(async () => {
    store = await open(200, 60_000);
  });
  after(() => store.close());

  test('a load of 600 samples is analysed after the pause, the partition and its parents; tables barely changed are not', async () => {
    const partition = partitionName('quality_samples', T);
    const names = [partition, 'quality_samples', 'session_days'];
    for (let i = 0; i < 3; i++) {
      await writeBatch(store, 'p', samples(600).slice(i * 200, (i + 1) * 200));
    }
    assert.deepEqual([...(await estimates(store, names)).values()], [-1, -1, -1], 'nothing analysed during the load');
    let got = new Map<string, number>();
    for (let waited = 0; waited < 10_000 && !(got.get(partition)! > 0); waited += 100) {
      await sleep(100);
      got = await estimates(store, names);
    }
    // 600 rows changed: past 50 + 10 % of none. session_days got 3 rows: under 50, left alone.
    assert.deepEqual(Object.fromEntries(got), { [partition]: 600, quality_samples: 600, session_days: -1 });
    const [{ columns }] = await store.query<{ columns: number }>(
      `SELECT count(*)::int AS columns FROM pg_stats WHERE tablename = $1 AND attname IN ('session_id', 'ts')`,
      [partition]
    );
    assert.equal(columns, 2);
  });

  test('under writes that never pause, at the latest the longest wait after the first write it has not seen', async () => {
    const busy = await open(1000, 800);
    try {
      const partition = partitionName('quality_samples', T);
      const all = samples(3000);
      // A batch every 100 ms for 2 s: never 1 s without a write.
      let analysedWhileWriting = false;
      for (let i = 0; i < 20; i++) {
        await writeBatch(busy, 'p', all.slice(i * 150, (i + 1) * 150));
        analysedWhileWriting ||= (await estimates(busy, [partition])).get(partition)! > 0;
        await sleep(100);
      }
      assert.ok(analysedWhileWriting, 'the samples were analysed while the writes went on');
    } finally {
      await busy.close();
    }
  });
});

describe("the embedded store's analysis failing", () => {
  test('for want of disk space it is logged once a minute, like the writes; any other failure each time', async (t) => {
    const logged = t.mock.method(console, 'error', () => undefined);
    let failure: Error & { code?: string } = Object.assign(
      new Error('could not extend file "base/5/2619": No space left on device'),
      {
        code: '53100',
      }
    );
    const analysis = afterWritesPause({ idleMs: 5, maxWaitMs: 1000 }, () => Promise.reject(failure));
    const writeAndWait = async () => {
      analysis.wrote();
      await new Promise((ok) => setTimeout(ok, 50));
    };
    await writeAndWait();
    await writeAndWait();
    failure = new Error('relation "quality_samples_d20260601" does not exist');
    await writeAndWait();
    await writeAndWait();
    analysis.stop();
    const lines = logged.mock.calls.map((c) => String(c.arguments[0]));
    assert.equal(lines.length, 3, lines.join(' | '));
    assert.match(lines[0], /unavailable \(SQLSTATE 53100\) in the embedded store's analysis: could not extend file/);
    assert.match(lines[1], /analysing the embedded store failed: relation "quality_samples_d20260601" does not exist/);
    assert.equal(lines[2], lines[1]);
  });
});
