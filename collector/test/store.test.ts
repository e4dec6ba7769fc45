import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { migrate } from '../src/store/migrations';
import { openStore } from '../src/store/openStore';
import { DAY_MS } from '../src/store/partitions';
import { writeBatch } from '../src/ingest/writeBatch';
import { SessionBuilder, T0 } from './fixtures';
import { testConfig } from './helpers';

describe('store', () => {
  test('migrations are recorded once and re-running them is a no-op', async () => {
    const store = await openStore(testConfig());
    try {
      assert.deepEqual(await migrate(store), []);
      const rows = await store.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((r) => r.version),
        [1, 2, 3]
      );
    } finally {
      await store.close();
    }
  });

  test('telemetry lands in one partition per day, created on demand', async () => {
    const store = await openStore(testConfig());
    try {
      const s = new SessionBuilder('days')
        .user('u1', T0)
        .user('u2', T0 + DAY_MS)
        .user('u3', T0 + 2 * DAY_MS);
      const result = await writeBatch(store, 'p', s.records());
      assert.equal(result.accepted, 6);
      const parts = await store.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace
         WHERE p.relname = 'events' AND n.nspname = current_schema() ORDER BY 1`
      );
      assert.deepEqual(
        parts.map((p) => p.name),
        ['events_d20261120', 'events_d20261121', 'events_d20261122']
      );
    } finally {
      await store.close();
    }
  });

  test('a failing batch writes nothing (one transaction)', async () => {
    const store = await openStore(testConfig());
    try {
      const s = new SessionBuilder('atomic').user('u1', T0);
      const broken = [...s.records(), { ...s.records()[0], id: 'x', kind: 'quality' } as never];
      await assert.rejects(writeBatch(store, 'p', broken));
      const n = await store.query<{ n: number }>('SELECT count(*)::float8 AS n FROM events');
      assert.equal(n[0].n, 0);
    } finally {
      await store.close();
    }
  });
});
