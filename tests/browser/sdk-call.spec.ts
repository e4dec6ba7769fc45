import { expect, test, type Page } from '@playwright/test';
import { CALL_PAGE, callPageUrl, type PageRecord } from './harness/callPage';
import { FAKE_MEDIA, SdkCollector, sdkBundle, servePages } from './harness/sdkStack';

/**
 * Issue 10, acceptance 1: a page with two real peer connections on fake media, instrumented with
 * the SDK's IIFE build from another origin, against a real collector on PostgreSQL.
 */
test.use({ launchOptions: FAKE_MEDIA });

const INTERVAL = 5000;

test.describe('the SDK on a real call', () => {
  let collector: SdkCollector;
  let pages: Awaited<ReturnType<typeof servePages>>;
  test.beforeAll(async () => {
    pages = await servePages({
      '/sdk.js': ['text/javascript', await sdkBundle()],
      '/call.html': ['text/html', CALL_PAGE],
    });
    collector = await new SdkCollector([pages.url]).start();
  });
  test.afterAll(async () => {
    await collector?.remove();
    pages?.server.close();
  });

  const records = (page: Page) => page.evaluate(() => (window as unknown as { records: PageRecord[] }).records);

  test('listed within 2 s of the first sample interval; bitrate as the page measures it; the cap; the close', async ({
    page,
  }) => {
    test.setTimeout(150_000);
    const sessionId = `sdk-call-${Date.now()}`;
    await page.goto(
      callPageUrl(pages.url, {
        sdk: { collectorUrl: collector.url, token: collector.ingestToken, sessionId, observeAllPeerConnections: true },
        calls: [{ id: 'main', video: { width: 1280, height: 720 }, startKbps: 800 }],
      })
    );
    const started = await page.evaluate(() => Date.now());
    // Listed: the sessions search, polled from the moment the SDK started.
    let listedAt = 0;
    while (Date.now() - started < INTERVAL + 10_000) {
      if ((await collector.sessions(sessionId)).some((s) => s.sessionId === sessionId)) {
        listedAt = Date.now();
        break;
      }
      await page.waitForTimeout(100);
    }
    expect(listedAt, 'the session is listed').toBeGreaterThan(0);
    console.log(`listed ${listedAt - started} ms after the SDK started (first sample interval: ${INTERVAL} ms)`);
    expect(listedAt - started).toBeLessThanOrEqual(INTERVAL + 2000);
    await page.waitForFunction(() => (window as unknown as { stage: string }).stage !== 'starting', null, {
      timeout: 30_000,
    });
    expect(await page.evaluate(() => (window as unknown as { stage: string }).stage)).toBe('connected');

    // The first quality sample is in the frames within 2 s of being taken.
    await page.waitForFunction(
      () => (window as unknown as { records: PageRecord[] }).records.some((r) => r.kind === 'quality'),
      null,
      {
        timeout: 30_000,
      }
    );
    const first = (await records(page)).find((r) => r.kind === 'quality')!;
    const range = () => ({ from: started - 60_000, to: Date.now() + 60_000 });
    let sampleSeenAt = 0;
    while (!sampleSeenAt && Date.now() - first.ts < 10_000) {
      const bitrate = await collector.series(sessionId, 'bitrateKbps', range());
      if (bitrate.some((s) => s.points.length > 0)) {
        sampleSeenAt = Date.now();
      } else {
        await page.waitForTimeout(100);
      }
    }
    console.log(`first quality sample in the frames ${sampleSeenAt - first.ts} ms after it was taken`);
    expect(sampleSeenAt - first.ts).toBeLessThanOrEqual(2000);

    // The page's own bitrate (its own getStats() every 250 ms) over each sample's window, against
    // the frames' value of that sample. Capped at 100 kbps at 20 s.
    const at = async (ms: number) => page.waitForTimeout(Math.max(0, started + ms - Date.now()));
    await at(20_000);
    await page.evaluate(() =>
      (window as unknown as { capVideo: (id: string, bps: number) => Promise<void> }).capVideo('main', 100_000)
    );
    const cappedAt = Date.now();
    await at(46_000);
    const sent = await page.evaluate(
      () => (window as unknown as { sentLog: Record<string, Array<{ bytes: number; at: number }>> }).sentLog.main
    );
    const bytesAt = (t: number) => {
      const i = sent.findIndex((m) => m.at >= t);
      if (i <= 0) {
        return undefined;
      }
      const [p, q] = [sent[i - 1], sent[i]];
      return p.bytes + ((q.bytes - p.bytes) * (t - p.at)) / (q.at - p.at);
    };
    const ours = (await records(page)).filter(
      (r) => r.kind === 'quality' && r.role === 'publisher' && r.media === 'video'
    );
    const publisher = (await collector.series(sessionId, 'bitrateKbps', range())).find(
      (s) => s.labels.role === 'publisher' && s.labels.media === 'video'
    )!;
    // A sample is in the bucket that starts at or before its time; it covers the poll interval before it.
    const framed = (ts: number) => [...publisher.points].reverse().find((p) => p.t <= ts)?.v ?? undefined;
    const windows = ours.map((r, i) => {
      const from = i === 0 ? r.ts - INTERVAL : ours[i - 1].ts;
      const bytes = [bytesAt(from), bytesAt(r.ts)];
      const pageKbps =
        bytes[0] === undefined || bytes[1] === undefined ? undefined : (8 * (bytes[1] - bytes[0])) / (r.ts - from);
      return { from: from - started, to: r.ts - started, pageKbps, framesKbps: framed(r.ts) };
    });
    console.log(
      `video bitrate per sample window (ms after start: page kbps / frames kbps): ${windows
        .map((w) => `${w.from}-${w.to}: ${w.pageKbps?.toFixed(0)} / ${w.framesKbps}`)
        .join(', ')}; capped at ${cappedAt - started}`
    );
    const before = windows.filter((w) => w.pageKbps !== undefined && started + w.to <= cappedAt);
    expect(before.length).toBeGreaterThanOrEqual(2);
    for (const w of before) {
      expect(w.framesKbps, `frames' bitrate of the window ${w.from}-${w.to} ms`).toBeDefined();
      expect(Math.abs(w.framesKbps! - w.pageKbps!) / w.pageKbps!).toBeLessThanOrEqual(0.1);
    }
    // Once the encoder follows (from 5 s after the cap): under 40 % of the earlier level.
    const after = windows.filter((w) => started + w.from >= cappedAt + 5000);
    const mean = (xs: typeof windows) => xs.reduce((a, w) => a + (w.framesKbps ?? 0), 0) / xs.length;
    console.log(
      `cap: ${mean(before).toFixed(0)} kbps before, ${mean(after).toFixed(0)} kbps after (${after.length} samples)`
    );
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(mean(after)).toBeLessThan(0.4 * mean(before));

    // Closing the receiving peer connection records its disconnect.
    const receiver = await page.evaluate(() => {
      const w = window as unknown as { calls: Record<string, { b: RTCPeerConnection }> };
      w.calls.main.b.close();
      return true;
    });
    expect(receiver).toBe(true);
    await page.evaluate(() => (window as unknown as { si: { flush(): Promise<void> } }).si.flush());
    const events = await collector.query({ queryType: 'events', sessionId }, range());
    const f = events[0];
    const col = (name: string) =>
      f.data.values[f.schema.fields.findIndex((x) => x.name === name)] as Array<string | null>;
    const rows = col('event').map((e, i) => ({
      event: e,
      connectionId: col('connectionId')[i],
      reason: col('reason')[i],
    }));
    const connections = [...new Set(rows.filter((r) => r.event === 'Connect Success').map((r) => r.connectionId))];
    expect(connections.length).toBe(2);
    const disconnects = rows.filter((r) => r.event === 'Disconnect');
    expect(disconnects).toEqual([
      { event: 'Disconnect', connectionId: expect.any(String), reason: 'clientDisconnected' },
    ]);
    expect(rows.find((r) => r.event === 'Unsubscribe')?.reason).toBe('clientDisconnected');
    console.log(`events: ${rows.map((r) => r.event).join(', ')}`);
  });
});
