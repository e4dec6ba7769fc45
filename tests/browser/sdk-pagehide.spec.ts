import { expect, test } from '@playwright/test';
import { CALL_PAGE, callPageUrl, type PageRecord } from './harness/callPage';
import { FAKE_MEDIA, SdkCollector, sdkBundle, servePages } from './harness/sdkStack';

/**
 * Issue 10, scope 4 and 5: what waits in the page when it goes away is sent in keepalive
 * requests on `pagehide`, its connections end as `pageUnloaded`, and the client info fills the
 * Inspector's SDK and endpoint breakdowns. Batches wait a minute here, so nothing reaches the
 * collector before the page leaves.
 */
test.use({ launchOptions: FAKE_MEDIA });

test('leaving the page sends what waits (keepalive), ends its connections, with the client info', async ({ page }) => {
  test.setTimeout(120_000);
  const pages = await servePages({
    '/sdk.js': ['text/javascript', await sdkBundle()],
    '/call.html': ['text/html', CALL_PAGE],
  });
  const collector = await new SdkCollector([pages.url]).start();
  try {
    const sessionId = `sdk-pagehide-${Date.now()}`;
    const started = Date.now();
    await page.goto(
      callPageUrl(pages.url, {
        sdk: {
          collectorUrl: collector.url,
          token: collector.ingestToken,
          sessionId,
          observeAllPeerConnections: true,
          statsIntervalMs: 1000,
          batch: { maxRecords: 1000, maxDelayMs: 60_000 },
        },
        calls: [{ id: 'main' }],
      })
    );
    await page.waitForFunction(
      () => (window as unknown as { records: PageRecord[] }).records.filter((r) => r.kind === 'quality').length >= 8,
      null,
      { timeout: 30_000 }
    );
    await page.evaluate(() => (window as unknown as { si: { mark(name: string): void } }).si.mark('leaving'));
    const taken = await page.evaluate(() => (window as unknown as { records: PageRecord[] }).records);
    expect(await collector.sessions(sessionId), 'nothing sent before the page leaves').toEqual([]);

    await page.goto('about:blank');
    const left = Date.now();
    const count = async (table: string) =>
      (
        await collector.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE session_id = $1`, [sessionId])
      )[0].n;
    await expect
      .poll(() => count('quality_samples'), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(taken.filter((r) => r.kind === 'quality').length);
    const storedIds = new Set(
      (
        await collector.sql<{ id: string }>(
          `SELECT id FROM quality_samples WHERE session_id = $1 UNION ALL SELECT id FROM events WHERE session_id = $1`,
          [sessionId]
        )
      ).map((r) => r.id)
    );
    const missing = taken.filter(
      (r) => (r.kind === 'quality' || r.kind === 'event' || r.kind === 'mark') && !storedIds.has(r.id)
    );
    expect(missing.map((r) => `${r.kind} ${r.id}`)).toEqual([]);
    console.log(
      `left the page: ${taken.length} records taken before it, all stored within ${Date.now() - left} ms (${await count('quality_samples')} quality samples)`
    );

    const range = { from: started - 60_000, to: Date.now() + 60_000 };
    const events = (await collector.query({ queryType: 'events', sessionId }, range))[0];
    const col = (name: string) =>
      events.data.values[events.schema.fields.findIndex((x) => x.name === name)] as Array<string | null>;
    const disconnects = col('event')
      .map((e, i) => [e, col('reason')[i]])
      .filter(([e]) => e === 'Disconnect');
    expect(disconnects).toEqual([
      ['Disconnect', 'pageUnloaded'],
      ['Disconnect', 'pageUnloaded'],
    ]);

    const summary = await collector.query({ queryType: 'summary', sessionId }, range);
    const frame = (name: string) => {
      const f = summary.find((x) => x.schema.name === name)!;
      return f.data.values[0] as string[];
    };
    const browserVersion = (await page.context().browser()!.version()).split('.')[0];
    console.log(`SDK breakdown ${JSON.stringify(frame('sdks'))}, endpoints ${JSON.stringify(frame('endpoints'))}`);
    expect(frame('sdks')).toEqual(['Session Inspector SDK 0.1.0']);
    expect(frame('endpoints')).toHaveLength(1);
    expect(frame('endpoints')[0]).toContain(`Chrom`);
    expect(frame('endpoints')[0]).toContain(browserVersion);
  } finally {
    await collector.remove();
    pages.server.close();
  }
});
