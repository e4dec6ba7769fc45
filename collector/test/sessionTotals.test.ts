import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { writeBatch } from '../src/ingest/writeBatch';
import type { EventRecord, IngestRecord, RatingRecord } from '../src/model/records';
import { searchSessions } from '../src/query/shared/sessionSearch';
import { migrate } from '../src/store/migrations';
import { DAY_MS, dayStart } from '../src/store/partitions';
import { openStore } from '../src/store/openStore';
import { purge } from '../src/store/retention';
import { deleteSaved, saveSession } from '../src/store/savedSessions';
import { refreshSessionTotals } from '../src/store/sessionTotals';
import type { Store } from '../src/store/store';
import { testConfig } from './helpers';

const T = Date.UTC(2026, 5, 1, 12, 0, 0);

interface Totals {
  first_ts: number;
  last_ts: number;
  connections: number;
  users: number;
  publishers: number;
  streams: number;
  subscribers: number;
  errors: number;
  rating: number | null;
  remote_streams: number;
  remote_publishers: number;
}

/**
 * A call of `users` users: each connects, every third one's connect fails first, each even one
 * publishes, and everyone subscribes to every other publisher and to two streams published
 * outside the recording (one audio only); some subscribes fail, one user throws, two rate.
 */
function call(sessionId: string, users: number, at = T): Array<EventRecord | RatingRecord> {
  const out: Array<EventRecord | RatingRecord> = [];
  let n = 0;
  const ev = (e: Omit<EventRecord, 'kind' | 'id' | 'sessionId' | 'ts'>) =>
    out.push({ kind: 'event', id: `${sessionId}-e${n}`, sessionId, ts: at + 1000 * n++, ...e });
  const publishers = Array.from({ length: users }, (_, u) => u).filter((u) => u % 2 === 0);
  for (let u = 0; u < users; u++) {
    const base = { clientId: `user-${u}`, connectionId: `conn-${u}` };
    if (u % 3 === 0) {
      ev({ ...base, action: 'connect', variation: 'failure', code: '1006' });
    }
    ev({ ...base, action: 'connect', variation: 'success' });
    if (u % 2 === 0) {
      ev({
        ...base,
        action: 'publish',
        variation: 'success',
        streamId: `st-${u}`,
        stream: { hasAudio: true, hasVideo: true },
      });
    }
    for (const p of publishers.filter((p) => p !== u)) {
      ev({
        ...base,
        action: 'subscribe',
        variation: p % 4 === 2 && u === 1 ? 'failure' : 'success',
        streamId: `st-${p}`,
        subscriberId: `sub-${u}-${p}`,
      });
    }
    ev({
      ...base,
      action: 'subscribe',
      variation: 'success',
      streamId: 'st-outside',
      subscriberId: `sub-${u}-out`,
      stream: { hasAudio: true, hasVideo: true },
    });
    ev({
      ...base,
      action: 'subscribe',
      variation: 'success',
      streamId: 'st-phone',
      subscriberId: `sub-${u}-phone`,
      stream: { hasAudio: true, hasVideo: false },
    });
    if (u === 5) {
      ev({ ...base, action: 'exception', code: 'OT_MEDIA_ERR' });
    }
    if (u === 1 || u === 2) {
      out.push({
        kind: 'rating',
        id: `${sessionId}-r${u}`,
        sessionId,
        ts: at + 1000 * n++,
        clientId: base.clientId,
        score: 5 - u,
      });
    }
  }
  return out;
}

/** The totals a list of records should give, worked out here rather than in SQL. */
function expected(records: Array<EventRecord | RatingRecord>): Totals {
  const ok = (action: string) =>
    records.filter((r): r is EventRecord => r.kind === 'event' && r.action === action && r.variation === 'success');
  const distinct = (values: Array<string | undefined>) => new Set(values).size;
  const published = new Set(ok('publish').map((e) => e.streamId));
  const remote = new Map<string, { audio: boolean; video: boolean }>();
  for (const e of ok('subscribe').filter((e) => !published.has(e.streamId))) {
    remote.set(e.streamId!, { audio: e.stream?.hasAudio !== false, video: e.stream?.hasVideo !== false });
  }
  const ratings = records.flatMap((r) => (r.kind === 'rating' ? [r.score] : []));
  return {
    first_ts: Math.min(...records.map((r) => r.ts)),
    last_ts: Math.max(...records.map((r) => r.ts)),
    connections: distinct(ok('connect').map((e) => e.connectionId)),
    users: distinct(ok('connect').map((e) => e.clientId)),
    publishers: distinct(ok('publish').map((e) => e.clientId)),
    streams: published.size,
    subscribers: distinct(ok('subscribe').map((e) => e.subscriberId)),
    errors: records.filter((r) => r.kind === 'event' && (r.variation === 'failure' || r.action === 'exception')).length,
    rating: ratings.length ? Math.min(...ratings) : null,
    remote_streams: remote.size,
    remote_publishers: Math.max(
      [...remote.values()].filter((s) => s.audio).length,
      [...remote.values()].filter((s) => s.video).length
    ),
  };
}

async function totals(store: Store, sessionId: string): Promise<Totals | undefined> {
  const [row] = await store.query<Totals>(
    `SELECT first_ts::float8 AS first_ts, last_ts::float8 AS last_ts, connections, users, publishers, streams,
       subscribers, errors, rating, remote_streams, remote_publishers
     FROM session_totals WHERE project = 'p' AND session_id = $1`,
    [sessionId]
  );
  return row;
}

function batches<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

describe('per-session totals of the events', () => {
  let store: Store;
  before(async () => {
    store = await openStore(testConfig());
  });
  after(() => store.close());

  test('ingest keeps them equal to the events: concurrent small batches, a large (COPY) one, retried ones', async () => {
    const small = call('s-small', 12);
    // Concurrent transactions of one session on PostgreSQL: none may count without the others' events.
    await Promise.all(batches(small, 7).map((b) => writeBatch(store, 'p', b)));
    await writeBatch(store, 'p', small.slice(10, 30));
    assert.deepEqual(await totals(store, 's-small'), expected(small));

    const large = call('s-large', 30);
    assert.ok(large.length > 400);
    await writeBatch(store, 'p', large.slice(0, 350));
    await writeBatch(store, 'p', large.slice(300));
    assert.deepEqual(await totals(store, 's-large'), expected(large));
  });

  test("a batch of a session another transaction is recounting waits for it, and counts that one's events too", async () => {
    const all = call('s-race', 4);
    await writeBatch(store, 'p', all.slice(0, 5));
    const late: EventRecord = {
      kind: 'event',
      id: 'late',
      sessionId: 's-race',
      ts: T + 500,
      clientId: 'late-user',
      connectionId: 'late-conn',
      action: 'connect',
      variation: 'success',
    };
    let other: Promise<unknown> = Promise.resolve();
    await store.tx(async (q) => {
      await q.query(
        `INSERT INTO events (project, session_id, id, ts, received_at, action, variation, client_id, connection_id)
         VALUES ('p', 's-race', $1, $2, $2, $3, $4, $5, $6)`,
        [late.id, late.ts, late.action, late.variation!, late.clientId, late.connectionId!]
      );
      await refreshSessionTotals(q, 'p', ['s-race']);
      // On PostgreSQL this batch's recount runs while the transaction is open; PGlite runs it after.
      other = writeBatch(store, 'p', all.slice(5));
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await other;
    assert.deepEqual(await totals(store, 's-race'), expected([...all, late]));
  });

  test('the sessions search lists them: counts with remote publishers, filters, newest first, limit', async () => {
    const want = expected(call('s-small', 12));
    const rows = await searchSessions(store, { projects: ['p'], from: T - DAY_MS, to: T + DAY_MS });
    assert.deepEqual(
      rows.map((r) => r.sessionId),
      ['s-large', 's-small', 's-race']
    );
    const small = rows.find((r) => r.sessionId === 's-small')!;
    assert.equal(small.users, want.users + want.remote_publishers);
    assert.equal(small.publishers, want.publishers + want.remote_publishers);
    assert.equal(small.streams, want.streams + want.remote_streams);
    assert.equal(small.errors, want.errors);
    assert.equal(small.rating, 3);
    const search = (extra: object) =>
      searchSessions(store, { projects: ['p'], from: T - DAY_MS, to: T + DAY_MS, ...extra }).then((r) =>
        r.map((x) => x.sessionId)
      );
    assert.deepEqual(await search({ minSize: 13 }), ['s-large']);
    assert.deepEqual(await search({ maxRating: 3 }), ['s-large', 's-small', 's-race']);
    assert.deepEqual(await search({ maxRating: 2.5 }), []);
    assert.deepEqual(await search({ limit: 1 }), ['s-large']);
    assert.deepEqual(await search({ sessionIdPrefix: 's-sm' }), ['s-small']);
    assert.deepEqual(await searchSessions(store, { projects: ['p'], from: T + DAY_MS, to: T + 2 * DAY_MS }), []);
  });

  test("a connection's user moved by a better-known user recounts the session's users", async () => {
    const vonage = { source: 'vonage-callback' as const };
    const placeholders: IngestRecord[] = ['c1', 'c2'].map((c, i) => ({
      kind: 'event',
      id: `v-${c}`,
      sessionId: 's-moved',
      ts: T + i,
      clientId: `vonage-connection:${c}`,
      connectionId: c,
      action: 'connect',
      variation: 'success',
    }));
    await writeBatch(store, 'p', placeholders, vonage);
    assert.equal((await totals(store, 's-moved'))?.users, 2);
    // Samples alone, naming both connections' user: the stored connects move to it.
    const named: IngestRecord[] = ['c1', 'c2'].map((c, i) => ({
      kind: 'quality',
      id: `q-${c}`,
      sessionId: 's-moved',
      ts: T + 10 + i,
      clientId: 'alice',
      connectionId: c,
      streamId: `st-${c}`,
      role: 'publisher',
      media: 'audio',
      bitrateKbps: 30,
    }));
    await writeBatch(store, 'p', named, vonage);
    assert.equal((await totals(store, 's-moved'))?.users, 1);
  });

  test('migration 10 fills them for the events a store already holds', async () => {
    const before = [await totals(store, 's-small'), await totals(store, 's-large')];
    await store.query('DROP TABLE session_totals');
    await store.query('DELETE FROM schema_migrations WHERE version = 10');
    assert.deepEqual(await migrate(store), [10]);
    assert.deepEqual([await totals(store, 's-small'), await totals(store, 's-large')], before);
  });

  test("retention recounts a session that lost a day, drops a session's totals with its events, keeps a saved one's", async () => {
    const day1 = call('s-two-days', 6);
    const day2 = call('s-two-days', 4, T + DAY_MS).map((r) => ({ ...r, id: `${r.id}-d2` }));
    const kept = call('s-kept', 4);
    await writeBatch(store, 'p', [...day1, ...day2, ...kept, ...call('s-gone', 3)]);
    assert.deepEqual(await totals(store, 's-two-days'), expected([...day1, ...day2]));
    await saveSession(store, 'p', 's-kept', { name: 'kept' }, null, { now: T });
    // The first day is past the 20 days of retention, the second not.
    const result = await purge(store, { now: dayStart(T) + 21.5 * DAY_MS, retentionDays: 20 });
    assert.ok(result.droppedPartitions.length > 0);
    assert.deepEqual(await totals(store, 's-two-days'), expected(day2));
    assert.equal(await totals(store, 's-gone'), undefined);
    assert.deepEqual(await totals(store, 's-kept'), expected(kept));
    await deleteSaved(store, [{ project: 'p', sessionId: 's-kept' }]);
    assert.equal(await totals(store, 's-kept'), undefined);
  });
});
