import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningCollector } from '../src/server';
import { generateSession, type GeneratedSession } from '../src/simulator/generate';
import { planInjected } from '../src/simulator/plan';
import { writeRecords } from '../src/simulator/writer';
import { query, startTestCollector } from './helpers';
import { checkScores } from './injectedCases';

const SAMPLE_MS = 10_000;

/**
 * B1 on simulated calls with injected degradations: inside a loss window (6-15 %, over the
 * spec's 5 % "bad" line) the audio MOS is poor, inside a latency window (400-900 ms RTT, over its
 * 300 ms line) it is no longer good (latency impairs the conversation, not the picture), inside a bandwidth drop (720p at 70-120 kbps, under 150)
 * the video score is poor; everywhere else both are good. Reasons name what pulled them down.
 */
describe('quality scores on injected degradations', () => {
  let c: RunningCollector;
  const sessions: GeneratedSession[] = planInjected({
    seed: 21,
    sessions: 3,
    start: Date.UTC(2026, 10, 18, 6),
    sampleIntervalMs: SAMPLE_MS,
  }).map((spec, i) => generateSession(spec, 210 + i));
  before(async () => {
    c = await startTestCollector();
    for (const g of sessions) {
      await writeRecords({ url: c.url, token: 'ingest-a' }, g.records);
    }
  });
  after(async () => c.close());

  test('scores fall in the band the thresholds give, per sample, and the reasons say why', async () => {
    const totals = { loss: 0, latency: 0, bitrate: 0, clean: 0, reasons: 0 };
    for (const g of sessions) {
      // One bucket per sample: interval = the sampling interval.
      const res = await query(c, 'read-a', [
        {
          refId: 'A',
          timeRange: { from: g.truth.start, to: g.truth.end },
          maxDataPoints: 100_000,
          intervalMs: SAMPLE_MS,
          query: { queryType: 'scores', sessionId: g.truth.sessionId },
        },
      ]);
      const r = res.body.results.A;
      assert.equal(r.status, 200, r.error);
      const check = checkScores(g, r.frames!, SAMPLE_MS);
      assert.deepEqual(check.wrong, []);
      for (const k of ['loss', 'latency', 'bitrate', 'clean'] as const) {
        totals[k] += check.checked[k];
      }
      totals.reasons += check.reasons;
    }
    assert.ok(
      Object.values(totals).every((n) => n > 20),
      JSON.stringify(totals)
    );
  });
});
