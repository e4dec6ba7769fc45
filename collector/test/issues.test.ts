import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Issue } from '@model';
import { importDump } from '../src/importers/importDump';
import type { RunningCollector } from '../src/server';
import { generateSession, type GeneratedSession } from '../src/simulator/generate';
import { planInjected } from '../src/simulator/plan';
import { writeRecords } from '../src/simulator/writer';
import { askOk, rowsOf, startTestCollector } from './helpers';
import { checkIssues } from './injectedCases';

const DATA = join(__dirname, '../../../shared/data');
const DUMPS = join(DATA, 'rtcstats/dumps');
const FIXTURES = join(__dirname, 'fixtures/importers');
const SAMPLE_MS = 10_000;

/** B2 issue tags: real captures show exactly their real problems; injected ones are found where they were put. */
describe('issue tags', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  const WIDE = { from: 1.5e12, to: 1.9e12 };
  const issuesOf = async (sessionId: string, range = WIDE): Promise<Issue[]> =>
    rowsOf((await askOk(c, { queryType: 'issues', sessionId }, range)).frames![0]) as unknown as Issue[];
  const summaryIssues = async (sessionId: string) => {
    const f = (await askOk(c, { queryType: 'summary', sessionId }, WIDE)).frames![0];
    return rowsOf(f)[0].issues;
  };
  const load = async (path: string, sessionId: string) =>
    importDump(c.store, { path, name: basename(path), size: statSync(path).size }, { project: 'proj-a', sessionId });
  const tally = (issues: Issue[]) =>
    Object.fromEntries(
      [...new Set(issues.map((i) => i.kind))].sort().map((k) => [k, issues.filter((i) => i.kind === k).length])
    );

  test('a clean Chromium loopback call shows no issue (Opus at 19-26 kbps is normal)', async () => {
    await load(join(FIXTURES, 'chromium156-clean-loopback.rtcstats.gz'), 'clean');
    assert.deepEqual(await issuesOf('clean'), []);
    assert.equal(await summaryIssues('clean'), 0);
  });

  test('chrome-standard-pc-reconnect: two reconnects, three ICE failures, two cameras that would not open', async () => {
    const r = await load(join(DUMPS, 'chrome-standard-pc-reconnect.jsonl'), 'reconnect');
    const issues = await issuesOf('reconnect');
    assert.deepEqual(tally(issues), { 'failed-publish': 2, 'ice-failure': 3, reconnect: 2 });
    const reconnects = issues.filter((i) => i.kind === 'reconnect');
    // disconnected at 1647265416870 and 1647265429870, connected again 10 s later each time
    assert.deepEqual(
      reconnects.map((i) => [i.connectionId, i.start, i.end, i.severity]),
      [
        [`${r.userId}/PC_0`, 1647265416870, 1647265426870, 'warning'],
        [`${r.userId}/PC_0`, 1647265429870, 1647265439870, 'warning'],
      ]
    );
    assert.deepEqual(
      issues
        .filter((i) => i.kind === 'ice-failure')
        .map((i) => i.connectionId)
        .sort(),
      ['PC_0', 'PC_1', 'PC_2'].map((pc) => `${r.userId}/${pc}`)
    );
    assert.ok(issues.filter((i) => i.kind === 'failed-publish').every((i) => /NotReadableError/.test(i.detail)));
    assert.equal(await summaryIssues('reconnect'), 7);
  });

  test('chrome-standard-pc-failed: three ICE failures and a camera that would not open', async () => {
    await load(join(DUMPS, 'chrome-standard-pc-failed.jsonl'), 'failed');
    const issues = await issuesOf('failed');
    assert.deepEqual(tally(issues), { 'failed-publish': 1, 'ice-failure': 3 });
    assert.ok(issues.every((i) => i.severity === 'critical'));
    assert.equal(await summaryIssues('failed'), 4);
  });

  test('the two-call capture: the video capped at 100 kbps, and nothing else', async () => {
    await load(join(DATA, 'chromium/chromium156-two-calls.rtcstats.gz'), 'capped');
    const issues = await issuesOf('capped');
    // Call A's sender, capped by setParameters 20 s into the 41 s run: the encoder says
    // bandwidth-limited from then on, and sends ~95 kbps until it also lowers its resolution.
    assert.deepEqual(tally(issues), { 'bandwidth-limited': 1, 'low-bitrate': 2 });
    assert.ok(issues.every((i) => i.media === 'video' && i.streamId?.includes('/8-1/out-video-')));
    const limited = issues.find((i) => i.kind === 'bandwidth-limited')!;
    assert.ok(limited.end - limited.start >= 15_000 && limited.end - limited.start <= 22_000, JSON.stringify(limited));
    const low = issues.filter((i) => i.kind === 'low-bitrate');
    assert.deepEqual(low.map((i) => i.role).sort(), ['publisher', 'subscriber']);
    assert.ok(
      low.every((i) => i.value! > 85 && i.value! < 105),
      JSON.stringify(low)
    );
  });

  describe('simulated calls with injected degradations (publisher uplink, media server, subscriber downlink)', () => {
    const sessions: GeneratedSession[] = planInjected({
      seed: 7,
      sessions: 4,
      start: Date.UTC(2026, 10, 20, 8),
      sampleIntervalMs: SAMPLE_MS,
    }).map((spec, i) => generateSession(spec, 70 + i));
    before(async () => {
      for (const g of sessions) {
        await writeRecords({ url: c.url, token: 'ingest-a' }, g.records);
      }
    });

    test('every injected issue is found with its start and end (within one sample interval), and no other', async () => {
      let expected = 0;
      for (const g of sessions) {
        const issues = await issuesOf(g.truth.sessionId, { from: g.truth.start, to: g.truth.end });
        const check = checkIssues(g, issues, SAMPLE_MS);
        assert.deepEqual(check.missing, [], g.truth.sessionId);
        assert.deepEqual(check.extra, [], g.truth.sessionId);
        assert.equal(check.found, check.expected);
        assert.equal(check.eventIssues, check.events, 'one issue per failure and per reconnect');
        expected += check.expected;
      }
      assert.ok(expected >= 40, `${expected} injected (series, kind) pairs checked`);
    });
  });
});
