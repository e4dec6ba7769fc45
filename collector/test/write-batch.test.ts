import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BEST_STORED } from '../src/ingest/connectionUsers';
import { writeBatch } from '../src/ingest/writeBatch';
import type { EventRecord } from '../src/model/records';
import { openStore } from '../src/store/openStore';
import { dayStart, partitionName } from '../src/store/partitions';
import type { Store } from '../src/store/store';
import { testConfig } from './helpers';

const DAY = Date.UTC(2026, 5, 1, 12);

const event = (id: string): EventRecord => ({
  kind: 'event',
  id,
  sessionId: 'sess-partitions',
  ts: DAY,
  clientId: 'alice',
  action: 'publish',
  variation: 'success',
});

describe('batch writes and daily partitions', () => {
  let store: Store;
  before(async () => {
    store = await openStore(testConfig());
  });
  after(() => store.close());

  test('a partition dropped after this process saw it is made again by the next batch of its day', async () => {
    assert.deepEqual(await writeBatch(store, 'p', [event('e1')]), { accepted: 1, duplicates: 0 });
    // As the purge does for an expired day (here while the collector still knows the partition).
    await store.query(`DROP TABLE ${partitionName('events', dayStart(DAY))}`);
    assert.deepEqual(await writeBatch(store, 'p', [event('e2')]), { accepted: 1, duplicates: 0 });
    assert.deepEqual(await writeBatch(store, 'p', [event('e2'), event('e3')]), { accepted: 1, duplicates: 1 });
    const rows = await store.query<{ id: string }>('SELECT id FROM events WHERE project = $1 ORDER BY id', ['p']);
    assert.deepEqual(
      rows.map((r) => r.id),
      ['e2', 'e3']
    );
  });

  test('a large batch (COPY on both stores) keeps awkward text, and a retried one stores only what is new', async () => {
    // CSV's own characters, a lone `\.` (COPY's old end-of-data mark), quotes, an empty string.
    const texts = ['a,b', 'line\nbreak', '\\.', 'say "hi"', '', 'ünï ☃'];
    const batch = (from: number, n: number): EventRecord[] =>
      Array.from({ length: n }, (_, i) => ({
        ...event(`big-${from + i}`),
        sessionId: 'sess-copy',
        message: texts[(from + i) % texts.length],
      }));
    assert.deepEqual(await writeBatch(store, 'copy', batch(0, 300)), { accepted: 300, duplicates: 0 });
    assert.deepEqual(await writeBatch(store, 'copy', batch(150, 300)), { accepted: 150, duplicates: 150 });
    const rows = await store.query<{ id: string; message: string }>(
      'SELECT id, message FROM events WHERE project = $1',
      ['copy']
    );
    assert.equal(rows.length, 450);
    for (const r of rows) {
      assert.equal(r.message, texts[Number(r.id.slice(4)) % texts.length], r.id);
    }
  });

  test("a connection's user is read from the connection index, whatever the session's size", async () => {
    const connect = (n: number): EventRecord => ({
      ...event(`c${n}`),
      sessionId: 'sess-index',
      connectionId: `conn-${n}`,
      clientId: `user-${n}`,
      action: 'connect',
    });
    await writeBatch(store, 'p', [connect(1), connect(2)], { source: 'vonage-callback' });
    const keys = JSON.stringify([{ session_id: 'sess-index', connection_id: 'conn-2' }]);
    const [plan, rows] = await store.tx(async (q) => {
      // With a handful of rows a scan is cheapest; the point is that the index can serve it.
      await q.query('SET LOCAL enable_seqscan = off');
      const explained = await q.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${BEST_STORED}`, ['p', keys]);
      return [explained.map((r) => r['QUERY PLAN']).join('\n'), await q.query(BEST_STORED, ['p', keys])];
    });
    assert.match(plan, /project_session_id_connection_id_idx/);
    assert.deepEqual(rows, [{ session_id: 'sess-index', connection_id: 'conn-2', client_id: 'user-2', rank: 2 }]);
  });
});
