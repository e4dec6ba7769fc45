import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
});
