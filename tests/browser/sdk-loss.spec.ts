import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { CALL_PAGE, callPageUrl, type PageRecord } from './harness/callPage';
import { FAKE_MEDIA, SdkCollector, sdkBundle, servePages } from './harness/sdkStack';
import { UdpRelay } from './harness/udpRelay';

/**
 * Issue 10, acceptance 2: real packet loss on the media path. One call's media goes through a
 * UDP relay that drops 10 % of its RTP packets, another call's goes direct. The SDK's quality
 * frames show the loss on both sides of the lossy stream, and the provisioned packet-loss alert
 * rule, evaluated through the Go backend (pkg/e2e/sdk_loss_test.go on the records the page sent),
 * fires for that stream and not for the clean one.
 */
test.use({
  launchOptions: { ...FAKE_MEDIA, args: [...FAKE_MEDIA.args, '--disable-features=WebRtcHideLocalIpsWithMdns'] },
});

const DROP_EVERY = 10;
const RUN_MS = 75_000;
const root = path.resolve(__dirname, '../..');
const OUT = path.join(root, 'test-results/sdk-loss');

test('10 % loss on the wire: the frames within 1.5 points, the alert fires for that stream only', async ({ page }) => {
  test.setTimeout(300_000);
  const pages = await servePages({
    '/sdk.js': ['text/javascript', await sdkBundle()],
    '/call.html': ['text/html', CALL_PAGE],
  });
  const collector = await new SdkCollector([pages.url]).start();
  const relay = new UdpRelay(DROP_EVERY);
  try {
    await page.exposeFunction('relayCandidate', (c: string) => relay.relayCandidate(c));
    const sessionId = `sdk-loss-${Date.now()}`;
    await page.goto(
      callPageUrl(pages.url, {
        sdk: { collectorUrl: collector.url, token: collector.ingestToken, sessionId, observeAllPeerConnections: true },
        calls: [{ id: 'lossy', lossy: true }, { id: 'clean' }],
      })
    );
    await page.waitForFunction(() => (window as unknown as { stage: string }).stage !== 'starting', null, {
      timeout: 30_000,
    });
    expect(await page.evaluate(() => (window as unknown as { stage: string }).stage)).toBe('connected');
    const connected = Date.now();
    const streams = await page.evaluate(() => {
      const calls = (window as unknown as { calls: Record<string, { streamId: string }> }).calls;
      return { lossy: calls.lossy.streamId, clean: calls.clean.streamId };
    });
    await page.waitForTimeout(RUN_MS);
    await page.evaluate(() => (window as unknown as { si: { close(): Promise<void> } }).si.close());
    const records = await page.evaluate(() => (window as unknown as { records: PageRecord[] }).records);
    const end = Math.max(...records.map((r) => r.ts));
    const dropPct = (100 * relay.dropped) / relay.rtp;
    console.log(
      `relay: ${relay.dropped} of ${relay.rtp} RTP packets dropped (${dropPct.toFixed(2)} %), ${relay.resent} re-sent copies`
    );
    expect(Math.abs(dropPct - 100 / DROP_EVERY)).toBeLessThan(0.2);

    // The quality frames, after the first 10 s of the call (the encoders' ramp-up).
    const series = await collector.series(sessionId, 'lossPct', { from: connected - 60_000, to: end + 60_000 });
    const meanLoss = (stream: string, role: string, media: string) => {
      const s = series.find((x) => x.labels.stream === stream && x.labels.role === role && x.labels.media === media);
      const pts = (s?.points ?? []).filter((p) => p.t >= connected + 10_000 && p.v !== null);
      expect(pts.length, `${role} ${media} samples of ${stream}`).toBeGreaterThanOrEqual(8);
      return pts.reduce((a, p) => a + (p.v as number), 0) / pts.length;
    };
    const figures: string[] = [];
    for (const role of ['subscriber', 'publisher']) {
      for (const media of ['video', 'audio']) {
        const lossy = meanLoss(streams.lossy, role, media);
        const clean = meanLoss(streams.clean, role, media);
        figures.push(`${role} ${media}: lossy ${lossy.toFixed(2)} %, clean ${clean.toFixed(2)} %`);
        expect(Math.abs(lossy - 100 / DROP_EVERY), `${role} ${media} loss of the lossy stream`).toBeLessThanOrEqual(
          1.5
        );
        expect(clean, `${role} ${media} loss of the clean stream`).toBeLessThan(1);
      }
    }
    console.log(figures.join('; '));

    // What the page sent, for the Go backend's alert evaluation.
    mkdirSync(OUT, { recursive: true });
    writeFileSync(path.join(OUT, 'records.ndjson'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(
      path.join(OUT, 'call.json'),
      JSON.stringify({ sessionId, lossyStream: streams.lossy, cleanStream: streams.clean, dropPct, end }, null, 1) +
        '\n'
    );
    const go = await promisify(execFile)(
      'go',
      ['test', './pkg/e2e', '-run', '^TestSDKPacketLossAlert$', '-count=1', '-v'],
      {
        cwd: root,
        env: { ...process.env, SDK_LOSS_DUMP: OUT },
        maxBuffer: 10 * 1024 * 1024,
      }
    );
    const verdict = go.stdout.split('\n').find((l) => l.includes('fires for stream'));
    console.log(`go: ${verdict?.trim()}`);
    expect(go.stdout).toContain('--- PASS: TestSDKPacketLossAlert');
  } finally {
    relay.close();
    await collector.remove();
    pages.server.close();
  }
});
