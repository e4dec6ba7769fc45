import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningCollector } from '../../collector/src/server';
import { col, query, startTestCollector } from '../../collector/test/helpers';
import { init, type Inspector } from '../src/index';
import { FakePublisher, FakeSession } from './opentokFake';
import { sleep, until } from './helpers';

const range = () => ({ from: Date.now() - 3_600_000, to: Date.now() + 60_000 });

describe('OpenTok.js adapter on the documented success paths', () => {
  let c: RunningCollector;
  let si: Inspector;
  const session = new FakeSession('1_MX4xMjM0NX5-ot-unit');
  before(async () => {
    c = await startTestCollector();
    si = init({
      collectorUrl: c.url,
      token: 'ingest-a',
      userId: 'ot-user',
      statsIntervalMs: 1000,
      batch: { maxDelayMs: 20 },
    });
    si.wrapSession(session, { version: 'v2.35.2' });
    await new Promise<void>((resolve, reject) =>
      session.connect('token', (e) => (e ? reject(new Error(String(e.code))) : resolve()))
    );
    const remote = { connectionId: 'conn-remote', creationTime: Date.now() };
    session.emit('connectionCreated', { connection: remote });
    const stream = {
      streamId: 'stream-remote',
      connection: remote,
      hasAudio: true,
      hasVideo: true,
      videoType: 'camera' as const,
      name: 'Alice',
    };
    session.emit('streamCreated', { stream });
    const publisher = new FakePublisher();
    await new Promise<void>((resolve) => session.publish(publisher, () => resolve()));
    const sub = await new Promise<ReturnType<FakeSession['subscribe']>>((resolve) => {
      const s = session.subscribe(stream, 'el', {}, () => resolve(s));
    });
    // Two stats polls give one sample per side.
    const polls = si.diagnostics().polls;
    await until(() => si.diagnostics().polls >= polls + 2, 'two stats polls');
    sub.emit('qualityScoreChanged', { qualityScore: { audioQualityScore: 4, videoQualityScore: 2 } });
    sub.emit('networkConditionChanged', {
      reason: 'networkConditionChanged',
      stats: {
        mediaLink: {
          transport: { networkCondition: 'warning', networkConditionReason: 'packetLoss' },
          networkDegradationSource: 'remote',
        },
      },
    });
    sub.emit('videoDisableWarning');
    sub.emit('videoDisabled', { reason: 'quality' });
    session.emit('cpuPerformanceChanged', { cpuPerformanceState: 'serious' });
    session.emit('sessionReconnecting');
    session.emit('sessionReconnected');
    session.emit('streamDestroyed', { stream, reason: 'clientDisconnected' });
    session.emit('connectionDestroyed', { connection: remote, reason: 'clientDisconnected' });
    sub.emit('destroyed', { reason: 'streamDestroyed' });
    publisher.emit('streamDestroyed', { stream: publisher.stream, reason: 'unpublished' });
    session.emit('sessionDisconnected', { reason: 'clientDisconnected' });
    await si.flush();
  });
  after(async () => {
    await si.close();
    await c.close();
  });

  test("the event log holds every step with OpenTok's ids and reasons", async () => {
    const r = await query(c, 'read-a', [
      {
        refId: 'E',
        timeRange: range(),
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'events', sessionId: session.sessionId },
      },
    ]);
    const f = r.body.results.E.frames![0];
    const rows = col(f, 'event').map((e, i) => [
      e,
      col(f, 'connectionId')[i],
      col(f, 'streamId')[i],
      col(f, 'reason')[i],
    ]);
    assert.deepEqual(rows, [
      ['Connect Attempt', null, null, null],
      ['Connect Success', 'conn-own', null, null],
      ['ConnectionCreated', 'conn-remote', null, null],
      ['StreamCreated', 'conn-remote', 'stream-remote', null],
      ['Publish Attempt', 'conn-own', null, null],
      ['Publish Success', 'conn-own', 'stream-own', null],
      ['Subscribe Attempt', 'conn-own', 'stream-remote', null],
      ['Subscribe Success', 'conn-own', 'stream-remote', null],
      ['QualityScoreChanged', 'conn-own', 'stream-remote', null],
      ['NetworkConditionChanged', 'conn-own', 'stream-remote', 'warning'],
      ['VideoDisableWarning', 'conn-own', 'stream-remote', null],
      ['VideoDisabled', 'conn-own', 'stream-remote', 'quality'],
      ['CpuPerformanceChanged', 'conn-own', null, 'serious'],
      ['Reconnecting', 'conn-own', null, null],
      ['Reconnected', 'conn-own', null, null],
      ['StreamDestroyed', 'conn-remote', 'stream-remote', 'clientDisconnected'],
      ['ConnectionDestroyed', 'conn-remote', null, 'clientDisconnected'],
      ['Unsubscribe', 'conn-own', 'stream-remote', 'streamDestroyed'],
      ['Unpublish', 'conn-own', 'stream-own', 'unpublished'],
      ['Disconnect', 'conn-own', null, 'clientDisconnected'],
    ]);
  });

  test('the users module: OpenTok.js 2.35.2, the subscriber by its OpenTok id', async () => {
    const r = await query(c, 'read-a', [
      {
        refId: 'U',
        timeRange: range(),
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'users', sessionId: session.sessionId },
      },
      {
        refId: 'S',
        timeRange: range(),
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'summary', sessionId: session.sessionId },
      },
    ]);
    const users = r.body.results.U.frames!.find((f) => f.schema.name === 'users')!;
    assert.deepEqual(col(users, 'sdk'), ['OpenTok.js 2.35.2']);
    const subs = r.body.results.U.frames!.find((f) => f.schema.name === 'subscribers')!;
    assert.deepEqual(col(subs, 'subscriberId'), ['OT_subscriber_stream-remote']);
    const sdks = r.body.results.S.frames!.find((f) => f.schema.name === 'sdks')!;
    assert.deepEqual(col(sdks, 'sdk'), ['OpenTok.js 2.35.2']);
  });

  test('quality from getRtcStatsReport: the publisher and the subscriber of their streams', async () => {
    const r = await query(c, 'read-a', [
      {
        refId: 'Q',
        timeRange: range(),
        maxDataPoints: 1000,
        intervalMs: 1000,
        query: { queryType: 'quality', sessionId: session.sessionId, metrics: ['bitrateKbps', 'lossPct'] },
      },
    ]);
    const frames = r.body.results.Q.frames!;
    const series = frames.map((f) => ({
      metric: f.schema.name,
      labels: f.schema.fields[1].labels!,
      values: f.data.values[1] as number[],
    }));
    const pub = series.find((s) => s.metric === 'bitrateKbps' && s.labels.role === 'publisher')!;
    assert.equal(pub.labels.stream, 'stream-own');
    assert.ok(
      pub.values.every((v) => v === 400),
      `publisher ${pub.values}`
    );
    const sub = series.find((s) => s.metric === 'bitrateKbps' && s.labels.role === 'subscriber')!;
    assert.equal(sub.labels.stream, 'stream-remote');
    assert.equal(sub.labels.subscriber, 'OT_subscriber_stream-remote');
    assert.ok(sub.values.every((v) => v === 200));
    const loss = series.find((s) => s.metric === 'lossPct' && s.labels.role === 'subscriber')!;
    assert.ok(loss.values.every((v) => v === 10));
  });
});

describe('OpenTok.js adapter on failures', () => {
  test("an exception repeating a callback's failure is not a second error; another code is", async () => {
    const c = await startTestCollector();
    const si = init({ collectorUrl: c.url, token: 'ingest-a', userId: 'ot-fail', batch: { maxDelayMs: 20 } });
    const session = new FakeSession('1_MX4xMjM0NX5-ot-fail');
    session.connect = (_token, callback) => {
      setTimeout(() => {
        callback?.({ code: 1006, name: 'OT_CONNECT_FAILED', message: 'Failed to connect' });
        session.emit('exception', { code: 1006, message: 'Failed to connect', title: 'Connect Failed' });
        session.emit('exception', { code: 2000, message: 'Internal error', title: 'Internal Error' });
      }, 5);
      return session;
    };
    si.wrapSession(session, { version: 'v2.35.2' });
    session.connect('token');
    const publisher = new FakePublisher();
    let published: unknown;
    session.publish(publisher, (e) => (published = e));
    await until(() => published !== undefined, 'the publish callback');
    // An exception waits a second for a failure it might repeat.
    await sleep(1100);
    await si.flush();
    const r = await query(c, 'read-a', [
      {
        refId: 'E',
        timeRange: range(),
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'errors', sessionId: session.sessionId },
      },
      {
        refId: 'F',
        timeRange: range(),
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'failureRates', sessionId: session.sessionId },
      },
    ]);
    const errors = r.body.results.E.frames![0];
    assert.deepEqual(
      col(errors, 'code')
        .map((code, i) => [col(errors, 'action')[i], code])
        .sort(),
      [
        ['connect', '1006'],
        ['exception', '2000'],
        ['publish', '1010'],
      ]
    );
    assert.equal(
      published && (published as { code: number }).code,
      1010,
      "the page's own callback still gets OpenTok's error"
    );
    await si.close();
    await c.close();
  });
});
