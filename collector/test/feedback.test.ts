import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { col, countRows, http, ingest, query, startTestCollector } from './helpers';

/** U1: a user's rating and an app's marks, stored with the session and user. */
describe('ratings and marks', () => {
  let c: RunningCollector;
  const range = { from: T0 - 60_000, to: T0 + 3_600_000 };
  before(async () => {
    c = await startTestCollector();
    const rated = new SessionBuilder('fb-low').user('u1', T0, 'st1').user('u2', T0 + 10);
    const happy = new SessionBuilder('fb-high').user('u3', T0);
    const unrated = new SessionBuilder('fb-none').user('u4', T0);
    const feedback = [
      {
        kind: 'rating',
        id: 'r1',
        sessionId: 'fb-low',
        ts: T0 + 60_000,
        clientId: 'u1',
        score: 2,
        comment: 'video froze',
      },
      { kind: 'rating', id: 'r2', sessionId: 'fb-low', ts: T0 + 61_000, clientId: 'u2', score: 4 },
      {
        kind: 'mark',
        id: 'm1',
        sessionId: 'fb-low',
        ts: T0 + 30_000,
        clientId: 'u1',
        name: 'screen-share-started',
        data: { window: 'slides' },
      },
      { kind: 'rating', id: 'r3', sessionId: 'fb-high', ts: T0 + 60_000, clientId: 'u3', score: 5 },
    ];
    const res = await http(`${c.url}/api/v1/ingest`, {
      token: 'ingest-a',
      body: { records: [...rated.records(), ...happy.records(), ...unrated.records(), ...feedback] },
    });
    assert.equal(res.status, 200);
  });
  after(async () => c.close());

  test('the event log shows them next to the calls events, with score, comment and mark name', async () => {
    const r = await query(c, 'read-a', [
      {
        refId: 'E',
        timeRange: range,
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'events', sessionId: 'fb-low' },
      },
    ]);
    const f = r.body.results.E.frames![0];
    const rows = col(f, 'event').map((event, i) => [
      event,
      col(f, 'userId')[i],
      col(f, 'reason')[i],
      col(f, 'message')[i],
    ]);
    assert.deepEqual(
      rows.filter(([e]) => e === 'Rating' || e === 'Mark'),
      [
        ['Mark', 'u1', 'screen-share-started', null],
        ['Rating', 'u1', '2/5', 'video froze'],
        ['Rating', 'u2', '4/5', null],
      ]
    );
    const filtered = await query(c, 'read-a', [
      {
        refId: 'E',
        timeRange: range,
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'events', sessionId: 'fb-low', textFilter: '+rating' },
      },
    ]);
    assert.deepEqual(col(filtered.body.results.E.frames![0], 'event'), ['Rating', 'Rating']);
  });

  test('they count as no error and no connection', async () => {
    const r = await query(c, 'read-a', [
      {
        refId: 'S',
        timeRange: range,
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'summary', sessionId: 'fb-low' },
      },
    ]);
    const summary = r.body.results.S.frames!.find((f) => f.schema.name === 'summary')!;
    assert.deepEqual([col(summary, 'users')[0], col(summary, 'connections')[0], col(summary, 'errors')[0]], [2, 2, 0]);
  });

  test('the sessions search filters low-rated calls and shows the lowest rating', async () => {
    const search = async (maxRating?: number) =>
      http<{ sessions: Array<{ sessionId: string; rating: number | null }> }>(
        `${c.url}/api/v1/sessions?from=${range.from}&to=${range.to}&q=fb-${maxRating ? `&maxRating=${maxRating}` : ''}`,
        { token: 'read-a' }
      );
    const all = (await search()).body.sessions.map((s) => [s.sessionId, s.rating]).sort();
    assert.deepEqual(all, [
      ['fb-high', 5],
      ['fb-low', 2],
      ['fb-none', null],
    ]);
    assert.deepEqual(
      (await search(2)).body.sessions.map((s) => s.sessionId),
      ['fb-low']
    );
    assert.deepEqual((await search(1)).body.sessions, []);
    const bad = await http<{ error: string }>(`${c.url}/api/v1/sessions?maxRating=6`, { token: 'read-a' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /maxRating must be a whole number from 1 to 5, got '6'/);
    const frames = await query(c, 'read-a', [
      {
        refId: 'S',
        timeRange: range,
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'sessions', sessionIdPrefix: 'fb-', maxRating: 4 },
      },
    ]);
    const f = frames.body.results.S.frames![0];
    assert.deepEqual(col(f, 'sessionId'), ['fb-low']);
    assert.deepEqual(col(f, 'rating'), [2]);
  });

  test('a bad rating or mark is a 400 naming the field, and stores nothing', async () => {
    const before = await countRows(c, 'events');
    const base = { id: 'x', sessionId: 'fb-bad', ts: T0, clientId: 'u9' };
    for (const [record, field, message] of [
      [{ kind: 'rating', ...base, score: 6 }, 'score', /must be an integer from 1 to 5/],
      [{ kind: 'rating', ...base, score: 2.5 }, 'score', /must be an integer from 1 to 5/],
      [{ kind: 'rating', ...base }, 'score', /is required/],
      [{ kind: 'rating', ...base, score: 3, comment: 'x'.repeat(2001) }, 'comment', /at most 2000 characters/],
      [{ kind: 'mark', ...base }, 'name', /is required/],
      [{ kind: 'mark', ...base, name: 'n', data: [1] }, 'data', /must be an object/],
      [{ kind: 'mark', ...base, name: 'n', score: 1 }, 'score', /is not a known field/],
    ] as const) {
      const res = await ingest(c, 'ingest-a', [record as never]);
      assert.equal(res.status, 400, JSON.stringify(record));
      assert.equal((res.body as unknown as { field: string }).field, field);
      assert.match(res.body.error!, message);
    }
    assert.equal(await countRows(c, 'events'), before);
  });

  test('a re-sent rating is stored once', async () => {
    const rating = { kind: 'rating', id: 'again', sessionId: 'fb-again', ts: T0, clientId: 'u1', score: 3 } as const;
    assert.deepEqual((await ingest(c, 'ingest-a', [rating])).body, { accepted: 1, duplicates: 0 });
    assert.deepEqual((await ingest(c, 'ingest-a', [rating])).body, { accepted: 0, duplicates: 1 });
  });
});
