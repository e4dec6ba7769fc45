import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningCollector } from '../src/server';
import { generateSession, type GeneratedSession } from '../src/simulator/generate';
import { planInjected } from '../src/simulator/plan';
import { writeRecords } from '../src/simulator/writer';
import { askOk, rowsOf, startTestCollector } from './helpers';
import { checkAttribution } from './injectedCases';

const SAMPLE_MS = 10_000;

/**
 * B3 on simulated calls with one degradation of each side at known times: every subscriber
 * stream a degradation reached is attributed to the side that degraded. A bounded run (12
 * sessions, 36 cases); `bench/diagnosis.ts` runs the full count.
 */
describe('who degraded whom', () => {
  let c: RunningCollector;
  const sessions: GeneratedSession[] = planInjected({
    seed: 11,
    sessions: 12,
    start: Date.UTC(2026, 10, 19, 6),
    sampleIntervalMs: SAMPLE_MS,
  }).map((spec, i) => generateSession(spec, 110 + i));
  before(async () => {
    c = await startTestCollector();
    for (const g of sessions) {
      await writeRecords({ url: c.url, token: 'ingest-a' }, g.records);
    }
  });
  after(async () => c.close());

  test('each degraded subscriber stream is put down to the side injected', async () => {
    let cases = 0;
    let streams = 0;
    let correct = 0;
    const wrong: string[] = [];
    for (const g of sessions) {
      const r = await askOk(
        c,
        { queryType: 'attribution', sessionId: g.truth.sessionId },
        { from: g.truth.start, to: g.truth.end }
      );
      const check = checkAttribution(
        g,
        rowsOf(r.frames![0]) as Array<{ subscriberId: string; start: number; end: number; verdict: string }>,
        SAMPLE_MS
      );
      cases += check.cases;
      streams += check.streams;
      correct += check.correct;
      wrong.push(...check.wrong);
    }
    assert.equal(cases, 36);
    assert.ok(streams >= 100, `${streams} degraded subscriber streams`);
    assert.ok(
      correct / streams >= 0.95,
      `${correct} of ${streams} attributed to the injected side; wrong: ${wrong.join('; ')}`
    );
  });

  test('the verdict carries its evidence', async () => {
    const g = sessions[0];
    const r = await askOk(
      c,
      { queryType: 'attribution', sessionId: g.truth.sessionId },
      { from: g.truth.start, to: g.truth.end }
    );
    const rows = rowsOf(r.frames![0]);
    const server = g.truth.degradations.find((w) => w.side === 'server')!;
    const during = rows.filter((a) => (a.start as number) <= server.end && server.start <= (a.end as number));
    assert.ok(during.length > 0);
    for (const a of during) {
      assert.equal(a.verdict, 'server');
      assert.match(
        String(a.evidence),
        /the publisher's own send side is clean; (\d+) of \1 other subscribers of this stream suffer too/
      );
    }
    const agreement = rowsOf(r.frames![1])[0];
    assert.deepEqual(agreement, { degradedStreams: rows.length, comparedWithVonage: 0, agreeWithVonage: 0 });
  });
});
