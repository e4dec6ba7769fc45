import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorEventSql, isErrorEvent } from '@model';
import { writeBatch } from '../src/ingest/writeBatch';
import { ACTIONS, type Variation } from '../src/model/records';
import { openStore } from '../src/store/openStore';
import { SessionBuilder, T0 } from './fixtures';
import { testConfig } from './helpers';

test('the error rule in SQL picks exactly the events the TypeScript rule picks (every action and variation)', async () => {
  const store = await openStore(testConfig());
  try {
    const s = new SessionBuilder('every-kind');
    const variations: Array<Variation | undefined> = [undefined, 'attempt', 'success', 'failure'];
    for (const action of ACTIONS) {
      for (const variation of variations) {
        s.event({ ts: T0 + s.events.length, action, variation, clientId: 'u', id: `${action}.${variation ?? ''}` });
      }
    }
    await writeBatch(store, 'p', s.records());
    const all = await store.query<{ id: string; action: string; variation: string | null }>(
      'SELECT id, action, variation FROM all_events ORDER BY id'
    );
    assert.equal(all.length, ACTIONS.length * variations.length);
    // The queries use the fragment as a condition (WHERE, FILTER), where NULL counts as false.
    const picked = await store.query<{ id: string }>(
      `SELECT x.id FROM all_events x WHERE ${errorEventSql('x')} ORDER BY x.id`
    );
    assert.deepEqual(
      picked.map((r) => r.id),
      all.filter(isErrorEvent).map((r) => r.id)
    );
    // 14 failures of the other actions, and the four exceptions.
    assert.equal(picked.length, ACTIONS.length - 1 + variations.length);
  } finally {
    await store.close();
  }
});
