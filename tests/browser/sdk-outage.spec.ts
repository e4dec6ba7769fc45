import { expect, test } from '@playwright/test';
import { CALL_PAGE, callPageUrl, type PageRecord } from './harness/callPage';
import { FAKE_MEDIA, SdkCollector, sdkBundle, servePages } from './harness/sdkStack';

/**
 * Issue 10, acceptance 4: the collector is stopped for 30 s during a call and started again.
 * Every sample the page took meanwhile is stored once, none twice, and in the order taken.
 */
test.use({ launchOptions: FAKE_MEDIA });

test('a 30 s collector outage: every sample stored exactly once, in the order taken', async ({ page }) => {
  test.setTimeout(240_000);
  const pages = await servePages({
    '/sdk.js': ['text/javascript', await sdkBundle()],
    '/call.html': ['text/html', CALL_PAGE],
  });
  const collector = await new SdkCollector([pages.url]).start();
  try {
    const sessionId = `sdk-outage-${Date.now()}`;
    await page.goto(
      callPageUrl(pages.url, {
        sdk: {
          collectorUrl: collector.url,
          token: collector.ingestToken,
          sessionId,
          observeAllPeerConnections: true,
          statsIntervalMs: 1000,
        },
        calls: [{ id: 'main' }],
      })
    );
    await page.waitForFunction(() => (window as unknown as { stage: string }).stage === 'connected', null, {
      timeout: 30_000,
    });
    const taken = () =>
      page.evaluate(() => (window as unknown as { records: PageRecord[] }).records.filter((r) => r.kind === 'quality'));
    await page.waitForFunction(
      () => (window as unknown as { records: PageRecord[] }).records.filter((r) => r.kind === 'quality').length >= 8
    );

    await collector.stop();
    const down = Date.now();
    await page.waitForTimeout(30_000);
    const duringOutage = (await taken()).filter((r) => r.ts >= down);
    await collector.start();
    const up = Date.now();
    console.log(`collector down ${up - down} ms; ${duringOutage.length} samples taken meanwhile`);
    expect(duringOutage.length).toBeGreaterThanOrEqual(4 * 25);

    // The page's queue drains once the collector answers again. The samples taken are read in
    // the same instant as the empty queue: a poll a moment later takes samples not sent yet.
    const drained = await page.waitForFunction(
      () => {
        const w = window as unknown as { si: { diagnostics(): { queued: number } }; records: PageRecord[] };
        return w.si.diagnostics().queued === 0 && w.records.filter((r) => r.kind === 'quality');
      },
      null,
      { timeout: 90_000, polling: 250 }
    );
    const drainedAt = Date.now();
    const stopTaking = (await drained.jsonValue()) as PageRecord[];
    const ids = stopTaking.map((r) => r.id);
    const rows = await collector.sql<{ id: string; ts: number; received_at: number }>(
      `SELECT id, ts::float8 AS ts, received_at::float8 AS received_at FROM quality_samples WHERE session_id = $1`,
      [sessionId]
    );
    const stored = new Map<string, { ts: number; received_at: number }>();
    for (const r of rows) {
      expect(stored.has(r.id), `sample ${r.id} stored twice`).toBe(false);
      stored.set(r.id, r);
    }
    const missing = ids.filter((id) => !stored.has(id));
    expect(missing, 'samples the page took but the collector does not have').toEqual([]);
    const outageIds = duringOutage.map((r) => r.id);
    expect(outageIds.filter((id) => stored.has(id)).length).toBe(duringOutage.length);
    // In the order taken: along the page's own order, the collector received them no earlier than the one before.
    for (let i = 1; i < ids.length; i++) {
      const a = stored.get(ids[i - 1])!;
      const b = stored.get(ids[i])!;
      expect(b.received_at, `${ids[i]} received before ${ids[i - 1]}`).toBeGreaterThanOrEqual(a.received_at);
      expect(b.ts).toBeGreaterThanOrEqual(a.ts);
    }
    const diag = await page.evaluate(() =>
      (window as unknown as { si: { diagnostics(): Record<string, number> } }).si.diagnostics()
    );
    console.log(
      `after the outage: ${duringOutage.length} outage samples stored once (page count ${duringOutage.length}, stored ${outageIds.filter((id) => stored.has(id)).length}); all ${ids.length} samples stored, 0 duplicates; drained ${drainedAt - up} ms after restart; transport ${JSON.stringify(diag)}`
    );
  } finally {
    await collector.remove();
    pages.server.close();
  }
});
