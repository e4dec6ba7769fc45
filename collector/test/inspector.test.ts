import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Limits, matchesFilter, parseFilter, type DataFrameJSON, type WireQuery, type WireResult } from '@model';
import type { RunningCollector } from '../src/server';
import { generateSession, type SessionSpec } from '../src/simulator/generate';
import type { SimulationManifest } from '../src/simulator/manifest';
import { simulate } from '../src/simulator/simulate';
import { writeRecords } from '../src/simulator/writer';
import { col, query, startTestCollector } from './helpers';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const WIDE = { from: NOW - 48 * 3_600_000, to: NOW + 3_600_000 };

function frameNamed(r: WireResult, name: string): DataFrameJSON {
  assert.equal(r.status, 200, r.error);
  const f = r.frames!.find((x) => x.schema.name === name);
  assert.ok(f, `frame ${name}`);
  return f;
}

async function ask(c: RunningCollector, q: Record<string, unknown>, range = WIDE): Promise<WireResult> {
  const wire: WireQuery = {
    refId: 'A',
    timeRange: range,
    maxDataPoints: 500,
    intervalMs: 1000,
    query: q as WireQuery['query'],
  };
  return (await query(c, 'read-a', [wire])).body.results.A;
}

function spec(overrides: Partial<SessionSpec>): SessionSpec {
  return {
    sessionId: 'edge',
    shape: 'one-to-one',
    start: NOW - 6 * 3_600_000,
    meetings: 2,
    reuseGapMs: Limits.meetingIdleGapMs,
    minutes: 5,
    users: 2,
    sampleIntervalMs: 60_000,
    trouble: 0,
    ...overrides,
  };
}

describe('inspector model against the simulator manifest', () => {
  let c: RunningCollector;
  let manifest: SimulationManifest;

  before(async () => {
    c = await startTestCollector();
    manifest = await simulate({
      url: c.url,
      token: 'ingest-a',
      seed: 21,
      sessions: 52,
      hours: 12,
      sampleIntervalMs: 120_000,
      live: false,
      now: NOW,
    });
  });
  after(async () => c.close());

  test('summary, meetings, users and failure rates equal the manifest for every session', async () => {
    assert.ok(manifest.sessions.length >= 50);
    let meetingsChecked = 0;
    for (const truth of manifest.sessions) {
      const id = truth.sessionId;
      const summary = frameNamed(await ask(c, { queryType: 'summary', sessionId: id }), 'summary');
      const at = (name: string) => col(summary, name)[0];
      assert.equal(at('callType'), truth.callType, `${id} call type`);
      assert.equal(at('users'), truth.users.length, `${id} users`);
      assert.equal(at('connections'), truth.connections.length, `${id} connections`);
      assert.equal(at('streams'), truth.streams.length, `${id} streams`);
      assert.equal(at('subscribers'), truth.subscribers.filter((s) => s.success).length, `${id} subscribers`);
      assert.equal(at('errors'), truth.errors, `${id} errors`);
      assert.equal(at('reconnects'), truth.reconnects, `${id} reconnects`);
      assert.equal(at('meetings'), truth.meetings.length, `${id} meeting count`);
      assert.equal(at('sipUsers'), truth.users.filter((u) => u.client.sip).length, `${id} SIP users`);

      const meetings = frameNamed(await ask(c, { queryType: 'meetings', sessionId: id }), 'meetings');
      assert.equal(col(meetings, 'meetingId').length, truth.meetings.length, `${id} meetings`);
      truth.meetings.forEach((m, i) => {
        assert.equal(col(meetings, 'start')[i], m.start, `${id} m${i + 1} start`);
        assert.equal(col(meetings, 'end')[i], m.end, `${id} m${i + 1} end`);
        assert.equal(col(meetings, 'users')[i], m.users, `${id} m${i + 1} users`);
        assert.equal(col(meetings, 'connections')[i], m.connections, `${id} m${i + 1} connections`);
        assert.equal(col(meetings, 'streams')[i], m.streams, `${id} m${i + 1} streams`);
        assert.equal(col(meetings, 'subscribers')[i], m.subscribers, `${id} m${i + 1} subscribers`);
        assert.equal(col(meetings, 'callType')[i], m.callType, `${id} m${i + 1} call type`);
        meetingsChecked++;
      });

      const users = await ask(c, { queryType: 'users', sessionId: id });
      assert.deepEqual(
        (col(frameNamed(users, 'users'), 'userId') as string[]).sort(),
        truth.users.map((u) => u.clientId).sort(),
        `${id} user ids`
      );
      assert.equal(
        col(frameNamed(users, 'connections'), 'connectionId').length,
        truth.connections.length,
        `${id} drilldown connections`
      );
      assert.equal(
        col(frameNamed(users, 'streams'), 'streamId').length,
        truth.streams.length,
        `${id} drilldown streams`
      );
      const subs = frameNamed(users, 'subscribers');
      assert.equal(col(subs, 'subscriberId').length, truth.subscribers.length, `${id} drilldown subscribers`);
      assert.equal(
        (col(subs, 'success') as boolean[]).filter(Boolean).length,
        truth.subscribers.filter((s) => s.success).length
      );

      const rates = frameNamed(await ask(c, { queryType: 'failureRates', sessionId: id }), 'failureRates');
      (['connect', 'publish', 'subscribe'] as const).forEach((action, i) => {
        assert.equal(col(rates, 'action')[i], action);
        assert.equal(col(rates, 'attempts')[i], truth.actions[action].attempts, `${id} ${action} attempts`);
        assert.equal(col(rates, 'failures')[i], truth.actions[action].failures, `${id} ${action} failures`);
        const rate = truth.actions[action].attempts
          ? truth.actions[action].failures / truth.actions[action].attempts
          : 0;
        assert.equal(col(rates, 'failureRate')[i], rate);
      });
      const errors = frameNamed(await ask(c, { queryType: 'errors', sessionId: id }), 'errors');
      assert.equal(col(errors, 'time').length, truth.errors, `${id} error rows`);

      const timelines = frameNamed(await ask(c, { queryType: 'largeSession', sessionId: id }), 'largeSession');
      const total = (name: string) => (col(timelines, name) as number[]).reduce((a, b) => a + b, 0);
      for (const action of ['connect', 'subscribe'] as const) {
        assert.equal(
          total(`${action}Attempts`),
          truth.actions[action].attempts,
          `${id} ${action} attempts over the timeline`
        );
        assert.equal(
          total(`${action}Successes`),
          truth.actions[action].successes,
          `${id} ${action} successes over the timeline`
        );
        assert.equal(
          total(`${action}Failures`),
          truth.actions[action].failures,
          `${id} ${action} failures over the timeline`
        );
      }
      assert.ok(col(timelines, 'time').length <= 500, `${id} at most maxDataPoints buckets`);
    }
    assert.ok(meetingsChecked > manifest.sessions.length, 'some sessions have several meetings');
  });

  test('quality: jitter, frame rate and resolution where captured; SIP filter; publisher-quality rule', async () => {
    const withSip = manifest.sessions.find(
      (t) => t.users.some((u) => u.client.sip) && t.users.some((u) => !u.client.sip) && t.streams.length > 0
    );
    assert.ok(withSip, 'the simulation has a session mixing SIP and other users');
    const sipUsers = new Set(withSip.users.filter((u) => u.client.sip).map((u) => u.clientId));
    const usersOf = (r: WireResult) => new Set(r.frames!.map((f) => f.schema.fields[1].labels!.user));
    const sipOnly = usersOf(
      await ask(c, { queryType: 'quality', sessionId: withSip.sessionId, sip: true, metrics: ['bitrateKbps'] })
    );
    const noSip = usersOf(
      await ask(c, { queryType: 'quality', sessionId: withSip.sessionId, sip: false, metrics: ['bitrateKbps'] })
    );
    assert.ok(
      sipOnly.size > 0 && [...sipOnly].every((u) => sipUsers.has(u)),
      `sip: true keeps SIP users only (${[...sipOnly]})`
    );
    assert.ok(noSip.size > 0 && [...noSip].every((u) => !sipUsers.has(u)), 'sip: false drops them');

    const extra = await ask(c, {
      queryType: 'quality',
      sessionId: withSip.sessionId,
      media: 'video',
      metrics: ['jitterMs', 'frameRate', 'frameHeight'],
    });
    const byMetric = (m: string) => extra.frames!.filter((f) => f.schema.name === m);
    assert.ok(byMetric('jitterMs').length > 0 && byMetric('frameRate').length > 0);
    assert.ok(
      byMetric('frameHeight').every((f) => (f.data.values[1] as number[]).every((h) => h === 720)),
      'simulated video is 1280x720'
    );
    const audio = await ask(c, {
      queryType: 'quality',
      sessionId: withSip.sessionId,
      media: 'audio',
      metrics: ['frameRate'],
    });
    assert.deepEqual(audio.frames, [], 'audio has no frame rate: no series rather than empty ones');

    for (const shape of ['one-to-one', 'multiparty'] as const) {
      const truth = manifest.sessions.find((t) => t.shape === shape && t.streams.length > 0)!;
      const r = await ask(c, {
        queryType: 'quality',
        sessionId: truth.sessionId,
        role: 'publisher',
        metrics: ['bitrateKbps'],
      });
      const rules = new Map(
        r.frames!.map((f) => [
          f.schema.fields[1].labels!.media,
          (f.schema.meta?.custom as { publisherRule?: string } | undefined)?.publisherRule,
        ])
      );
      assert.equal(
        rules.get('audio'),
        'worst-subscriber',
        `${shape}: publisher audio always reflects the worst subscriber`
      );
      assert.equal(
        rules.get('video'),
        shape === 'multiparty' ? 'publisher-to-router' : 'worst-subscriber',
        `${shape}: video rule follows scalable video`
      );
      const subs = await ask(c, {
        queryType: 'quality',
        sessionId: truth.sessionId,
        role: 'subscriber',
        metrics: ['bitrateKbps'],
      });
      assert.ok(
        subs.frames!.every((f) => f.schema.meta?.custom === undefined),
        'subscriber series carry no publisher rule'
      );
    }
  });

  test('a meeting filter narrows every module to that meeting', async () => {
    const reused = manifest.sessions.find((s) => s.meetings.length >= 2)!;
    for (const [i, m] of reused.meetings.entries()) {
      const summary = frameNamed(
        await ask(c, { queryType: 'summary', sessionId: reused.sessionId, meetingId: `m${i + 1}` }),
        'summary'
      );
      assert.equal(col(summary, 'users')[0], m.users);
      assert.equal(col(summary, 'start')[0], m.start);
      const rates = frameNamed(
        await ask(c, { queryType: 'failureRates', sessionId: reused.sessionId, meetingId: `m${i + 1}` }),
        'failureRates'
      );
      assert.equal(col(rates, 'attempts')[0], m.actions.connect.attempts);
    }
    const bad = await ask(c, { queryType: 'summary', sessionId: reused.sessionId, meetingId: 'm9' });
    assert.equal(bad.status, 400);
    assert.match(bad.error!, /meeting 'm9' is not in session/);
  });

  test('event filter: +connect -attempt keeps connect outcomes and drops every attempt', async () => {
    const truth = manifest.sessions.find((s) => s.actions.connect.failures > 0) ?? manifest.sessions[0];
    const all = frameNamed(await ask(c, { queryType: 'events', sessionId: truth.sessionId }), 'events');
    const filtered = frameNamed(
      await ask(c, { queryType: 'events', sessionId: truth.sessionId, textFilter: '+connect -attempt' }),
      'events'
    );
    const names = col(filtered, 'event') as string[];
    assert.equal(names.length, truth.actions.connect.successes + truth.actions.connect.failures);
    assert.ok(
      names.every((n) => n === 'Connect Success' || n === 'Connect Failure'),
      names.join(',')
    );
    assert.ok(
      (col(all, 'event') as string[]).some((n) => n === 'Disconnect'),
      'disconnects exist but are not matched by +connect'
    );
    const stacked = frameNamed(
      await ask(c, { queryType: 'events', sessionId: truth.sessionId, textFilter: '+CONNECT -attempt -success' }),
      'events'
    );
    assert.equal(col(stacked, 'event').length, truth.actions.connect.failures);
    const user = truth.users[0].clientId;
    const byUser = frameNamed(
      await ask(c, { queryType: 'events', sessionId: truth.sessionId, userId: user }),
      'events'
    );
    assert.ok((col(byUser, 'userId') as string[]).every((u) => u === user));
  });
});

describe('meeting edges', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  const meetingsOf = async (s: SessionSpec) => {
    const g = generateSession(s, 9);
    await writeRecords({ url: c.url, token: 'ingest-a' }, g.records);
    return col(frameNamed(await ask(c, { queryType: 'meetings', sessionId: s.sessionId }), 'meetings'), 'meetingId');
  };

  test('a reuse after 10 min 1 s is two meetings', async () => {
    assert.deepEqual(await meetingsOf(spec({ sessionId: 'gap-601', reuseGapMs: 601_000 })), ['m1', 'm2']);
  });
  test('a reuse after 9 min 59 s is one meeting', async () => {
    assert.deepEqual(await meetingsOf(spec({ sessionId: 'gap-599', reuseGapMs: 599_000 })), ['m1']);
  });
  test('three uses are three meetings', async () => {
    assert.deepEqual(await meetingsOf(spec({ sessionId: 'gap-3x', meetings: 3, reuseGapMs: 30 * 60_000 })), [
      'm1',
      'm2',
      'm3',
    ]);
  });
});

describe('text filter', () => {
  test('terms are case-insensitive word starts, includes and excludes stack', () => {
    const f = (text: string) => parseFilter(text);
    assert.deepEqual(f('+Connect  -attempt foo'), [
      { sign: '+', term: 'Connect' },
      { sign: '-', term: 'attempt' },
      { sign: '+', term: 'foo' },
    ]);
    assert.ok(matchesFilter('connect success u1', f('+Connect')));
    assert.ok(matchesFilter('Connect Success u1', f('+connect')));
    assert.ok(!matchesFilter('Disconnect clientDisconnected u1', f('+connect')));
    assert.ok(!matchesFilter('Reconnected u1', f('connect')));
    assert.ok(matchesFilter('Subscribe Failure 1600 WebRTC subscriber error', f('+sub +1600')));
    assert.ok(!matchesFilter('Subscribe Failure 1600', f('+sub -1600')));
    assert.ok(matchesFilter('Connect Attempt user-7 conn-1', f('+user-7')));
    assert.ok(matchesFilter('anything', f('   ')));
  });
});
