import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WireQuery, WireResult } from '@model';
import type { RunningCollector } from '../src/server';
import { generateSession, type GeneratedSession } from '../src/simulator/generate';
import type { DegradationWindow } from '../src/simulator/manifest';
import { writeRecords } from '../src/simulator/writer';
import { col, query, startTestCollector } from './helpers';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const SAMPLE_MS = 30_000;

/** The first seed whose multiparty session has an injected packet-loss window. */
function degradedSession(): { g: GeneratedSession; w: DegradationWindow } {
  for (let seed = 1; seed < 200; seed++) {
    const g = generateSession(
      {
        sessionId: `degraded-${seed}`,
        shape: 'multiparty',
        start: NOW - 2 * 3_600_000,
        meetings: 1,
        reuseGapMs: 0,
        minutes: 30,
        users: 4,
        sampleIntervalMs: SAMPLE_MS,
        trouble: 3,
      },
      seed
    );
    const w = g.truth.degradations.find((d) => d.metric === 'lossPct' && d.side === 'publisher');
    // The session's only loss window, so the fleet's per-bucket max is that window's alone.
    if (w && g.truth.degradations.filter((d) => d.metric === 'lossPct').length === 1) {
      return { g, w };
    }
  }
  throw new Error('no seed below 200 injects a loss window');
}

describe('an injected degradation shows in quality and fleet', () => {
  let c: RunningCollector;
  const { g, w } = degradedSession();
  const range = { from: g.truth.start, to: g.truth.end };

  before(async () => {
    c = await startTestCollector();
    await writeRecords({ url: c.url, token: 'ingest-a' }, g.records);
  });
  after(async () => c.close());

  const ask = async (q: Record<string, unknown>): Promise<WireResult> => {
    const wire: WireQuery = {
      refId: 'A',
      timeRange: range,
      maxDataPoints: 10_000,
      intervalMs: SAMPLE_MS,
      query: q as WireQuery['query'],
    };
    const r = (await query(c, 'read-a', [wire])).body.results.A;
    assert.equal(r.status, 200, r.error);
    return r;
  };
  const inside = (t: number) => t >= w.start && t < w.end;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  test('quality: the degraded stream carries the injected loss inside the window only', async () => {
    const r = await ask({
      queryType: 'quality',
      sessionId: g.truth.sessionId,
      streamId: w.streamId,
      media: w.media[0],
      metrics: ['lossPct'],
    });
    assert.ok(r.frames!.length > 0);
    for (const f of r.frames!) {
      const t = col(f, 'time') as number[];
      const loss = col(f, 'lossPct') as number[];
      const inWindow = loss.filter((_, i) => inside(t[i]));
      const outside = loss.filter((_, i) => !inside(t[i]));
      if (t[0] > w.start || t[t.length - 1] < w.end - SAMPLE_MS) {
        continue; // a subscriber that came or left during the window
      }
      assert.ok(inWindow.length >= 3, `${f.schema.name}: samples in the window`);
      assert.ok(
        Math.abs(mean(inWindow) - w.value) <= 1,
        `${f.schema.name}: loss ${mean(inWindow)} vs injected ${w.value}`
      );
      assert.ok(mean(outside) < 2, `${f.schema.name}: loss outside the window is clean (${mean(outside)})`);
    }
  });

  test('fleet: max loss per bucket rises to the injected value at the right time', async () => {
    const r = await ask({ queryType: 'fleet', fleetMetric: 'lossPct', stat: 'max', media: w.media[0] });
    assert.equal(r.frames!.length, 1);
    const t = col(r.frames![0], 'time') as number[];
    const loss = col(r.frames![0], 'lossPct') as number[];
    const inWindow = loss.filter((_, i) => inside(t[i]));
    const lossWindows = g.truth.degradations.filter((d) => d.metric === 'lossPct' && d.media.includes(w.media[0]));
    const outside = loss.filter((_, i) => !lossWindows.some((d) => t[i] >= d.start && t[i] < d.end));
    assert.ok(inWindow.length >= 3);
    assert.ok(outside.length > inWindow.length, 'most buckets are clean');
    assert.ok(Math.abs(mean(inWindow) - w.value) <= 1, `fleet max loss ${mean(inWindow)} vs injected ${w.value}`);
    assert.ok(
      Math.max(...outside) < w.value / 2,
      `no bucket outside the loss windows comes near it (${Math.max(...outside)})`
    );
  });
});
