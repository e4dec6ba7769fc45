import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ALL_QUERY_TYPES, QualityLabels, type WireQuery } from '@model';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { col, http, ingest, query, startTestCollector } from './helpers';

const RANGE = { from: T0 - 60_000, to: T0 + 3_600_000 };

function wire(refId: string, q: Record<string, unknown>, extra: Partial<WireQuery> = {}): WireQuery {
  return { refId, timeRange: RANGE, maxDataPoints: 1000, intervalMs: 1000, query: q as WireQuery['query'], ...extra };
}

describe('queries', () => {
  let c: RunningCollector;

  before(async () => {
    c = await startTestCollector();
    // one-to-one with a failed subscribe and quality samples at known values
    const pair = new SessionBuilder('pair-1')
      .user('alice', T0, 'st-a')
      .user('bob', T0 + 1000, 'st-b')
      .subscribe('bob', 'st-a', T0 + 2000)
      .subscribe('alice', 'st-b', T0 + 2000, false);
    for (let i = 0; i < 60; i++) {
      // 10 s samples for 10 minutes: bitrate 300 + i, loss alternating 2 and 4, rtt 100
      pair.sample({
        ts: T0 + 10_000 * i,
        clientId: 'alice',
        streamId: 'st-a',
        role: 'publisher',
        media: 'video',
        bitrateKbps: 300 + i,
        lossPct: i % 2 === 0 ? 2 : 4,
        rttMs: 100,
      });
      pair.sample({
        ts: T0 + 10_000 * i,
        clientId: 'bob',
        streamId: 'st-a',
        subscriberId: 'bob-sub-st-a',
        role: 'subscriber',
        media: 'audio',
        bitrateKbps: 40,
        lossPct: 0,
        rttMs: 50,
      });
    }
    const multi = new SessionBuilder('multi-1');
    for (const u of ['u1', 'u2', 'u3', 'u4']) {
      multi.user(u, T0 + 60_000, `st-${u}`);
    }
    const broadcast = new SessionBuilder('cast-1').user('host', T0, 'st-host');
    for (let i = 0; i < 6; i++) {
      broadcast.user(`viewer${i}`, T0 + 500).subscribe(`viewer${i}`, 'st-host', T0 + 1000);
    }
    const alone = new SessionBuilder('alone-1').user('solo', T0 + 120_000);
    for (const s of [pair, multi, broadcast, alone]) {
      assert.equal((await ingest(c, 'ingest-a', s.records())).status, 200);
    }
    const other = new SessionBuilder('other-project')
      .user('zed-of-b', T0, 'st-e')
      .user('yan-of-b', T0 + 100)
      .subscribe('yan-of-b', 'st-e', T0 + 200, false);
    other.sample({
      ts: T0,
      clientId: 'zed-of-b',
      streamId: 'st-e',
      role: 'publisher',
      media: 'video',
      bitrateKbps: 999,
    });
    assert.equal((await ingest(c, 'ingest-b', other.records())).status, 200);
  });
  after(async () => c.close());

  test('sessions: counts and call types', async () => {
    const res = await query(c, 'read-a', [wire('A', { queryType: 'sessions' })]);
    const f = res.body.results.A.frames![0];
    const ids = col(f, 'sessionId') as string[];
    assert.deepEqual([...ids].sort(), ['alone-1', 'cast-1', 'multi-1', 'pair-1']);
    const row = (id: string, field: string) => col(f, field)[ids.indexOf(id)];
    assert.equal(row('pair-1', 'callType'), 'one-to-one');
    assert.equal(row('multi-1', 'callType'), 'multiparty');
    assert.equal(row('cast-1', 'callType'), 'broadcast');
    assert.equal(row('alone-1', 'callType'), 'one-to-zero');
    assert.equal(row('pair-1', 'users'), 2);
    assert.equal(row('pair-1', 'streams'), 2);
    assert.equal(row('pair-1', 'subscribers'), 1);
    assert.equal(row('pair-1', 'errors'), 1);
    assert.equal(row('cast-1', 'users'), 7);
    assert.equal(row('cast-1', 'subscribers'), 6);
    assert.equal(row('pair-1', 'start'), T0);
    assert.equal(f.schema.fields.find((x) => x.name === 'start')?.typeInfo.frame, 'time.Time');
  });

  test('sessions: filters by prefix, errors, call type, size and limit', async () => {
    const ids = async (q: Record<string, unknown>) => {
      const res = await query(c, 'read-a', [wire('A', { queryType: 'sessions', ...q })]);
      return (col(res.body.results.A.frames![0], 'sessionId') as string[]).sort();
    };
    assert.deepEqual(await ids({ sessionIdPrefix: 'mu' }), ['multi-1']);
    assert.deepEqual(await ids({ hasErrors: true }), ['pair-1']);
    assert.deepEqual(await ids({ callType: 'broadcast' }), ['cast-1']);
    assert.deepEqual(await ids({ minSize: 4 }), ['cast-1', 'multi-1']);
    assert.equal((await ids({ limit: 2 })).length, 2);
    const outside = await query(c, 'read-a', [
      wire('A', { queryType: 'sessions' }, { timeRange: { from: T0 - 7_200_000, to: T0 - 3_600_000 } }),
    ]);
    assert.deepEqual(col(outside.body.results.A.frames![0], 'sessionId'), []);
  });

  test('quality: labelled series with bucket means', async () => {
    const res = await query(c, 'read-a', [
      wire(
        'Q',
        { queryType: 'quality', sessionId: 'pair-1', metrics: ['bitrateKbps', 'lossPct'] },
        { maxDataPoints: 30, timeRange: { from: T0, to: T0 + 600_000 - 1 } }
      ),
    ]);
    const frames = res.body.results.Q.frames!;
    assert.equal(frames.length, 4, 'two series x two metrics');
    const video = frames.find(
      (f) => f.schema.name === 'bitrateKbps' && f.schema.fields[1].labels?.[QualityLabels.media] === 'video'
    )!;
    const labels = video.schema.fields[1].labels!;
    assert.deepEqual(labels, {
      session: 'pair-1',
      user: 'alice',
      stream: 'st-a',
      role: 'publisher',
      media: 'video',
      source: 'sdk',
    });
    assert.equal(video.schema.fields[0].typeInfo.frame, 'time.Time');
    const times = col(video, 'time') as number[];
    const values = col(video, 'bitrateKbps') as number[];
    // 600 s in 30 buckets of 20 s: two samples per bucket, means of (300+2k, 301+2k)
    assert.equal(times.length, 30);
    assert.equal(times[0], T0);
    assert.equal(times[1] - times[0], 20_000);
    values.forEach((v, k) => assert.equal(v, 300.5 + 2 * k));
    const loss = frames.find((f) => f.schema.name === 'lossPct' && f.schema.fields[1].labels?.media === 'video')!;
    (col(loss, 'lossPct') as number[]).forEach((v) => assert.equal(v, 3));
    const sub = frames.find((f) => f.schema.fields[1].labels?.role === 'subscriber')!;
    assert.equal(sub.schema.fields[1].labels?.subscriber, 'bob-sub-st-a');
  });

  test('quality: never more points per series than maxDataPoints', async () => {
    for (const maxDataPoints of [1, 7, 59, 60, 500]) {
      const res = await query(c, 'read-a', [
        wire(
          'Q',
          { queryType: 'quality', sessionId: 'pair-1' },
          { maxDataPoints, intervalMs: 1, timeRange: { from: T0, to: T0 + 600_000 - 1 } }
        ),
      ]);
      const frames = res.body.results.Q.frames!;
      assert.equal(frames.length, 6);
      for (const f of frames) {
        assert.ok(f.data.values[0].length <= maxDataPoints, `${f.data.values[0].length} <= ${maxDataPoints}`);
        assert.ok(f.data.values[0].length >= Math.min(maxDataPoints, 60) / 2);
      }
    }
  });

  test('quality: filters by role, media, user and stream', async () => {
    const count = async (q: Record<string, unknown>) =>
      (await query(c, 'read-a', [wire('Q', { queryType: 'quality', sessionId: 'pair-1', metrics: ['rttMs'], ...q })]))
        .body.results.Q.frames!.length;
    assert.equal(await count({}), 2);
    assert.equal(await count({ role: 'subscriber' }), 1);
    assert.equal(await count({ media: 'video' }), 1);
    assert.equal(await count({ userId: 'bob' }), 1);
    assert.equal(await count({ streamId: 'st-b' }), 0);
  });

  test('errors come back per query; siblings still answer', async () => {
    const res = await query(c, 'read-a', [
      wire('A', { queryType: 'quality' }),
      wire('B', { queryType: 'sessions' }),
      wire('C', { queryType: 'nope' }),
      wire('D', { queryType: 'quality', sessionId: 'pair-1', metrics: ['mos'] }),
      wire('E', { queryType: 'sessions' }, { timeRange: { from: 10, to: 5 } }),
      wire('F', { queryType: 'sessions', project: 'proj-b' }),
    ]);
    const r = res.body.results;
    assert.equal(res.status, 200);
    assert.equal(r.A.status, 400);
    assert.match(r.A.error!, /quality needs a sessionId/);
    assert.equal(r.A.errorSource, 'downstream');
    assert.equal(r.B.status, 200);
    assert.equal(r.B.frames![0].data.values[0].length, 4);
    assert.match(r.C.error!, /unknown queryType 'nope'/);
    assert.match(r.D.error!, /unknown metrics: mos/);
    assert.match(r.E.error!, /timeRange.from \(10\) is after timeRange.to \(5\)/);
    assert.match(r.F.error!, /project 'proj-b' is not granted/);
  });

  test('every field a query type reads is checked by its descriptor before the query runs, API and REST alike', async () => {
    const res = await query(c, 'read-a', [
      wire('A', { queryType: 'sessions', minSize: -1 }),
      wire('B', { queryType: 'sessions', hasErrors: 'yes' }),
      wire('C', { queryType: 'quality', sessionId: 'pair-1', role: 'viewer' }),
      wire('D', { queryType: 'fleet', fleetMetric: 'failureRate', action: 'unpublish' }),
      wire('E', { queryType: 'fleet', limit: -1, sessionId: 7 }),
    ]);
    const r = res.body.results;
    assert.deepEqual(
      ['A', 'B', 'C', 'D'].map((id) => [r[id].status, r[id].error]),
      [
        [400, "minSize must be a whole number, 0 or more, got '-1'"],
        [400, "hasErrors must be true or false, got 'yes'"],
        [400, "role must be one of publisher, subscriber, got 'viewer'"],
        [400, "action must be one of connect, publish, subscribe, got 'unpublish'"],
      ]
    );
    assert.deepEqual(
      [r.E.status, r.E.error],
      [400, 'query.limit must be an integer from 1 to 5000'],
      'a field a type does not read is not used, but a value no field may hold is still refused'
    );
    for (const [params, error] of [
      ['minSize=-1', "minSize must be a whole number, 0 or more, got '-1'"],
      ['callType=huge', "callType must be one of one-to-one, multiparty, one-to-zero, broadcast, got 'huge'"],
      ['limit=0', "limit must be a whole number from 1 to 5000, got '0'"],
    ]) {
      const rest = await http<{ error: string }>(`${c.url}/api/v1/sessions?${params}`, { token: 'read-a' });
      assert.equal(rest.status, 400, params);
      assert.equal(rest.body.error, error, params);
    }
  });

  test('isolation: a token for project A gets nothing of project B, on every path', async () => {
    const sessionsB = await query(c, 'read-b', [wire('A', { queryType: 'sessions' })]);
    assert.deepEqual(col(sessionsB.body.results.A.frames![0], 'sessionId'), ['other-project']);
    const qualityCross = await query(c, 'read-a', [wire('A', { queryType: 'quality', sessionId: 'other-project' })]);
    assert.deepEqual(qualityCross.body.results.A.frames, []);
    const rest = await http<{ sessions: Array<{ sessionId: string }> }>(
      `${c.url}/api/v1/sessions?from=${RANGE.from}&to=${RANGE.to}`,
      { token: 'read-a' }
    );
    assert.ok(!rest.body.sessions.some((s) => s.sessionId === 'other-project'));
    assert.equal(rest.body.sessions.length, 4);
    const health = await http<{ projects: string[] }>(`${c.url}/api/v1/health`, { token: 'read-a' });
    assert.deepEqual(health.body.projects, ['proj-a']);
    const both = await query(c, 'read-ab', [wire('A', { queryType: 'sessions' })]);
    assert.equal(col(both.body.results.A.frames![0], 'sessionId').length, 5);
    const admin = await query(c, 'admin-1', [wire('A', { queryType: 'sessions' })]);
    assert.equal(col(admin.body.results.A.frames![0], 'sessionId').length, 5);
  });

  test('isolation holds for every query type', async () => {
    const extra: Partial<Record<string, Record<string, string>>> = {
      fleet: { groupBy: 'project', fleetMetric: 'bitrateKbps' },
      variables: { variable: 'sessions' },
    };
    for (const queryType of ALL_QUERY_TYPES) {
      const q = { queryType, sessionId: 'other-project', ...extra[queryType] };
      const mine = await query(c, 'read-b', [wire('A', q)]);
      const frames = mine.body.results.A.frames ?? [];
      assert.ok(
        frames.some((f) => f.data.values[0]?.length > 0),
        `${queryType}: project B's token sees its session`
      );
      const cross = await query(c, 'read-a', [wire('A', q)]);
      const leaked = (cross.body.results.A.frames ?? []).filter(
        (f) => f.data.values[0]?.length > 0 && /zed-of-b|yan-of-b|other-project|proj-b/.test(JSON.stringify(f))
      );
      assert.deepEqual(leaked, [], `${queryType}: project A's token must not see project B`);
      const asked = await query(c, 'read-a', [wire('A', { ...q, project: 'proj-b' })]);
      assert.equal(asked.body.results.A.status, 403, `${queryType}: naming project B is refused`);
    }
  });

  test('REST search and health', async () => {
    const res = await http<{ sessions: Array<{ sessionId: string; callType: string }> }>(
      `${c.url}/api/v1/sessions?q=cast&from=${RANGE.from}&to=${RANGE.to}`,
      { token: 'read-a' }
    );
    assert.deepEqual(
      res.body.sessions.map((s) => [s.sessionId, s.callType]),
      [['cast-1', 'broadcast']]
    );
    const bad = await http<{ error: string }>(`${c.url}/api/v1/sessions?limit=abc`, { token: 'read-a' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /limit must be a whole number from 1 to 5000, got 'abc'/);
    const health = await http<{ status: string; version: string; database: string; newestDataTs: number }>(
      `${c.url}/api/v1/health`,
      { token: 'read-a' }
    );
    assert.equal(health.body.status, 'ok');
    assert.match(health.body.version, /^\d+\.\d+\.\d+$/);
    assert.equal(health.body.database, process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite');
    assert.equal(health.body.newestDataTs, T0 + 590_000);
  });
});
