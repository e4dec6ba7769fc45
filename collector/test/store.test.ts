import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { migrate } from '../src/store/migrations';
import { openStore } from '../src/store/openStore';
import { openPglite } from '../src/store/pgliteStore';
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
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
      );
    } finally {
      await store.close();
    }
  });

  test('migration 6 records the days of sessions written before it', async () => {
    const store = await openStore(testConfig());
    try {
      await writeBatch(
        store,
        'p',
        new SessionBuilder('old')
          .user('u1', T0)
          .user('u2', T0 + DAY_MS)
          .records()
      );
      await store.query('DROP TABLE session_days');
      await store.query('DELETE FROM schema_migrations WHERE version = 6');
      assert.deepEqual(await migrate(store), [6]);
      const days = await store.query<{ project: string; session_id: string; day: number }>(
        'SELECT project, session_id, day::float8 AS day FROM session_days ORDER BY day'
      );
      const day = Math.floor(T0 / DAY_MS) * DAY_MS;
      assert.deepEqual(days, [
        { project: 'p', session_id: 'old', day },
        { project: 'p', session_id: 'old', day: day + DAY_MS },
      ]);
    } finally {
      await store.close();
    }
  });

  test('migration 11 keeps the samples stored under the B-tree key once, by a hash of it, in every partition and the kept table', async () => {
    const store = await openStore(testConfig());
    // 300 samples over two days (COPY on both stores), live and kept (an import's table).
    const samples = (sessionId: string) => {
      const s = new SessionBuilder(sessionId);
      for (let i = 0; i < 300; i++) {
        s.sample({ ts: T0 + i * (DAY_MS / 200), clientId: 'u1', streamId: 'st', role: 'publisher', media: 'video' });
      }
      return s.records();
    };
    const keyConstraints = () =>
      store.query<{ table: string; kind: string }>(
        `SELECT t.relname AS table, c.contype::text AS kind FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
         WHERE t.relname LIKE '%quality_samples%' AND c.contype IN ('p', 'x') ORDER BY 1`
      );
    try {
      await writeBatch(store, 'p', samples('live'));
      await writeBatch(store, 'p', samples('kept'), { kept: true });
      // The store as it was before migration 11: the samples' key a primary key (a B-tree).
      const parts = ['quality_samples_d20261120', 'quality_samples_d20261121'];
      for (const t of [...parts, 'saved_quality_samples']) {
        await store.query(`ALTER TABLE ${t} DROP CONSTRAINT ${t}_once`);
      }
      await store.query('DROP INDEX saved_quality_session_ts');
      await store.query('DROP TYPE sample_key');
      await store.query('ALTER TABLE quality_samples ADD PRIMARY KEY (project, session_id, id, ts)');
      await store.query('ALTER TABLE saved_quality_samples ADD PRIMARY KEY (project, session_id, id, ts)');
      await store.query('DELETE FROM schema_migrations WHERE version = 11');
      assert.deepEqual(await migrate(store), [11]);

      assert.deepEqual(await keyConstraints(), [
        { table: 'quality_samples_d20261120', kind: 'x' },
        { table: 'quality_samples_d20261121', kind: 'x' },
        { table: 'saved_quality_samples', kind: 'x' },
      ]);
      // Sent again, as a retried batch is: nothing new, whole (COPY refused, then row by row) or in part.
      assert.deepEqual(await writeBatch(store, 'p', samples('live')), { accepted: 0, duplicates: 300 });
      assert.deepEqual(await writeBatch(store, 'p', samples('kept'), { kept: true }), {
        accepted: 0,
        duplicates: 300,
      });
      assert.deepEqual(await writeBatch(store, 'p', samples('live').slice(0, 5)), { accepted: 0, duplicates: 5 });
      // A new day's partition has the hash key from the start.
      const later = new SessionBuilder('later');
      later.sample({ ts: T0 + 5 * DAY_MS, clientId: 'u1', streamId: 'st', role: 'publisher', media: 'video' });
      assert.deepEqual(await writeBatch(store, 'p', later.records()), { accepted: 1, duplicates: 0 });
      assert.deepEqual(await writeBatch(store, 'p', later.records()), { accepted: 0, duplicates: 1 });
      assert.deepEqual((await keyConstraints()).at(2), { table: 'quality_samples_d20261125', kind: 'x' });
      const [{ n }] = await store.query<{ n: number }>('SELECT count(*)::float8 AS n FROM all_quality_samples');
      assert.equal(n, 601);
    } finally {
      await store.close();
    }
  });

  test('the embedded store checkpoints its write-ahead log once it passes 32 MB and keeps at most 48 MB of it', async () => {
    // Single-user PostgreSQL never checkpoints by itself: without the store's own checkpoints
    // this log would hold every byte written since the store was opened.
    const store = await openPglite('memory://');
    const wal = async () =>
      (
        await store.query<{ since: number; at: number }>(
          `SELECT (pg_current_wal_insert_lsn() - redo_lsn)::float8 AS since,
             (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::float8 AS at FROM pg_control_checkpoint()`
        )
      )[0];
    try {
      const settings = await store.query<{ name: string; setting: string; unit: string }>(
        `SELECT name, setting, unit FROM pg_settings WHERE name IN ('max_wal_size', 'min_wal_size') ORDER BY name`
      );
      assert.deepEqual(settings, [
        { name: 'max_wal_size', setting: '48', unit: 'MB' },
        { name: 'min_wal_size', setting: '32', unit: 'MB' },
      ]);
      await store.query('CREATE TABLE wal_filler (id text PRIMARY KEY, pad text)');
      const start = (await wal()).at;
      for (let i = 0; i < 20; i++) {
        await store.tx((q) =>
          q.query(
            `INSERT INTO wal_filler SELECT md5(g::text) || $1, repeat('x', 200) FROM generate_series(1, 10000) g`,
            [String(i)]
          )
        );
      }
      const end = await wal();
      const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
      assert.ok(end.at - start > 64 * 1048576, `the batches wrote ${mb(end.at - start)} of log`);
      assert.ok(end.since < 32 * 1048576, `${mb(end.since)} of log since the last checkpoint`);
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

  test('batches written at once into days with and without a partition all land, each session day recorded once', async () => {
    const store = await openStore(testConfig());
    try {
      await writeBatch(store, 'p', new SessionBuilder('first').user('u0', T0).records());
      // Eight batches at once: the first day's partition exists, the next two are made by whichever batch comes first.
      const batches = Array.from({ length: 8 }, (_, i) =>
        new SessionBuilder(`s${i}`)
          .user('u1', T0 + 1000)
          .user('u2', T0 + DAY_MS + i)
          .user('u3', T0 + 2 * DAY_MS + i)
          .records()
      );
      const results = await Promise.all(batches.map((b) => writeBatch(store, 'p', b)));
      assert.deepEqual(
        results.map((r) => r.accepted),
        new Array(8).fill(6)
      );
      const [{ n }] = await store.query<{ n: number }>('SELECT count(*)::float8 AS n FROM events');
      assert.equal(n, 2 + 8 * 6);
      const days = await store.query<{ session_id: string; days: number }>(
        `SELECT session_id, count(*)::float8 AS days FROM session_days GROUP BY session_id ORDER BY session_id`
      );
      assert.deepEqual(days, [
        { session_id: 'first', days: 1 },
        ...batches.map((_, i) => ({ session_id: `s${i}`, days: 3 })),
      ]);
    } finally {
      await store.close();
    }
  });

  test('text of every shape is stored exactly, and a batch partly stored before writes its new records only', async () => {
    const store = await openStore(testConfig());
    try {
      const texts = ['a "quoted", comma', 'two\nlines\r\nand\\backslash', '\\.', '\\N', '""', 'ünïcødé 🎥', ' '];
      const s = new SessionBuilder('shapes');
      texts.forEach((message, i) =>
        s.event({
          ts: T0 + i,
          action: 'exception',
          clientId: 'u1',
          message,
          code: i === 0 ? '1500' : 'E"1',
          detail: { text: message, nested: { empty: '', list: [1.5, null, true] } },
        })
      );
      s.sample({
        ts: T0,
        clientId: 'u1',
        streamId: 'st',
        role: 'publisher',
        media: 'video',
        lossPct: 0.125,
        width: 1280,
      });
      const records = s.records();
      assert.deepEqual(await writeBatch(store, 'p', records.slice(0, 3)), { accepted: 3, duplicates: 0 });
      assert.deepEqual(await writeBatch(store, 'p', records), { accepted: records.length - 3, duplicates: 3 });
      const rows = await store.query<{ message: string; code: string; detail: unknown }>(
        `SELECT message, code, detail FROM events WHERE session_id = 'shapes' ORDER BY ts`
      );
      assert.deepEqual(
        rows,
        texts.map((message, i) => ({
          message,
          code: i === 0 ? '1500' : 'E"1',
          detail: { text: message, nested: { empty: '', list: [1.5, null, true] } },
        }))
      );
      const [sample] = await store.query<{ loss_pct: number; width: number; rtt_ms: null }>(
        `SELECT loss_pct, width, rtt_ms FROM quality_samples WHERE session_id = 'shapes'`
      );
      assert.deepEqual(sample, { loss_pct: 0.125, width: 1280, rtt_ms: null });
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
