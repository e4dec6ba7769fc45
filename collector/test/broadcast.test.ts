import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WireQuery, WireResult } from '@model';
import type { RunningCollector } from '../src/server';
import { generateSession, type GeneratedSession } from '../src/simulator/generate';
import { writeRecords } from '../src/simulator/writer';
import { col, query, startTestCollector } from './helpers';

const START = Date.UTC(2026, 10, 24, 10, 0, 0);
const SUBSCRIBERS = 1000;

/** I8 at the scale the seed gives up on: 1 host, 1,000 viewers, 60 minutes. */
describe('a broadcast of 1,000 subscribers for 60 minutes', () => {
  let c: RunningCollector;
  const g: GeneratedSession = generateSession(
    {
      sessionId: 'broadcast-1k',
      shape: 'broadcast',
      start: START,
      meetings: 1,
      reuseGapMs: 0,
      minutes: 60,
      users: SUBSCRIBERS + 1,
      sampleIntervalMs: 300_000,
      trouble: 0,
    },
    1
  );
  const range = { from: START - 60_000, to: START + 61 * 60_000 };

  before(async () => {
    c = await startTestCollector();
    await writeRecords({ url: c.url, token: 'ingest-a' }, g.records);
  });
  after(async () => c.close());

  const ask = async (q: Record<string, unknown>, maxDataPoints = 500): Promise<WireResult> => {
    const wire: WireQuery = {
      refId: 'A',
      timeRange: range,
      maxDataPoints,
      intervalMs: 1000,
      query: q as WireQuery['query'],
    };
    const r = (await query(c, 'read-a', [wire])).body.results.A;
    assert.equal(r.status, 200, r.error);
    return r;
  };

  test('summary says broadcast with 1,000 subscribers', async () => {
    const summary = (await ask({ queryType: 'summary', sessionId: 'broadcast-1k' })).frames!.find(
      (f) => f.schema.name === 'summary'
    )!;
    assert.equal(col(summary, 'callType')[0], 'broadcast');
    assert.equal(col(summary, 'subscribers')[0], SUBSCRIBERS);
    assert.equal(col(summary, 'users')[0], SUBSCRIBERS + 1);
  });

  test('quality for every subscriber: one series each, never more than maxDataPoints points', async () => {
    const maxDataPoints = 5;
    const r = await ask(
      { queryType: 'quality', sessionId: 'broadcast-1k', role: 'subscriber', metrics: ['bitrateKbps'] },
      maxDataPoints
    );
    // Above Limits.qualityWideSeries series, one wide frame: a time field, then a field per series.
    assert.equal(r.frames!.length, 1);
    assert.equal(r.frames![0].schema.meta?.type, 'timeseries-wide');
    const series = r.frames![0].schema.fields.slice(1);
    const subscribers = new Set(series.map((f) => f.labels?.subscriber));
    assert.equal(subscribers.size, SUBSCRIBERS, 'every subscriber has its series');
    const first = series[0].labels!;
    const raw = g.records.filter(
      (x) => x.kind === 'quality' && x.subscriberId === first.subscriber && x.media === first.media
    ).length;
    assert.ok(raw > maxDataPoints, `the raw series (${raw} samples) is longer than maxDataPoints`);
    for (const f of r.frames!) {
      assert.ok(f.data.values[0].length <= maxDataPoints, `${f.schema.name}: ${f.data.values[0].length} points`);
    }
  });

  test('connection and subscriber timelines add up to every attempt', async () => {
    const t = (await ask({ queryType: 'largeSession', sessionId: 'broadcast-1k' })).frames![0];
    const sum = (name: string) => (col(t, name) as number[]).reduce((a, b) => a + b, 0);
    assert.equal(sum('subscribeSuccesses'), g.truth.actions.subscribe.successes);
    assert.equal(sum('connectAttempts'), g.truth.actions.connect.attempts);
  });
});
