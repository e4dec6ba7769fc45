import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { FAKE_MEDIA, SdkCollector, sdkBundle, servePages } from './harness/sdkStack';

/**
 * Issue 10, acceptance 3: the real OpenTok.js 2.35.2 from npm in Chromium, wrapped by the SDK.
 * Vonage cannot be reached from here, so OpenTok fails for real: connect with OT_CONNECT_FAILED
 * (1006), publish before connecting with OT_NOT_CONNECTED (1010), while OT.initPublisher
 * succeeds on the fake camera. The Inspector's error log, failure rates and SDK breakdown show it.
 */
test.use({ launchOptions: FAKE_MEDIA });

const OPENTOK = path.resolve(__dirname, '../../node_modules/@opentok/client/dist/js/opentok.js');

const PAGE = `<!doctype html><html><head><meta charset="utf-8"></head><body><div id="publisher"></div>
<script src="/sdk.js"></script>
<script>
const cfg = JSON.parse(decodeURIComponent(location.hash.slice(1)));
window.si = SessionInspector.init(cfg.sdk);
</script>
<script src="/opentok.js"></script>
<script>
window.result = {};
(async () => {
  const session = window.si.wrapSession(OT.initSession(cfg.apiKey, cfg.sessionId), OT);
  window.result.version = OT.version;
  window.result.connect = await new Promise((resolve) => session.connect(cfg.token, (e) => resolve(e ? { code: e.code, name: e.name, message: e.message } : 'ok')));
  const publisher = await new Promise((resolve, reject) => {
    const p = OT.initPublisher('publisher', { insertMode: 'append' }, (e) => (e ? reject(e) : resolve(p)));
  });
  window.result.initPublisher = 'ok';
  window.result.publish = await new Promise((resolve) => session.publish(publisher, (e) => resolve(e ? { code: e.code, name: e.name, message: e.message } : 'ok')));
  await window.si.flush();
  window.result.done = true;
})().catch((e) => { window.result.error = String(e && e.message || e); window.result.done = true; });
</script></body></html>`;

test('OpenTok.js 2.35.2 fails for real: the error log, failure rates 1/1 and the SDK breakdown', async ({ page }) => {
  test.setTimeout(180_000);
  const pages = await servePages({
    '/sdk.js': ['text/javascript', await sdkBundle()],
    '/opentok.js': ['text/javascript', readFileSync(OPENTOK)],
    '/ot.html': ['text/html', PAGE],
  });
  const collector = await new SdkCollector([pages.url]).start();
  try {
    // A session id in OpenTok's format (it only fails to connect, never to parse).
    const sessionId = `1_MX40NzEyMzQ1Nn5-${Date.now()}~c2RrLXNwZWM~fg`;
    const started = Date.now();
    await page.goto(
      `${pages.url}/ot.html#${encodeURIComponent(
        JSON.stringify({
          sdk: { collectorUrl: collector.url, token: collector.ingestToken },
          apiKey: '47123456',
          sessionId,
          token: 'T1==not-a-real-token',
        })
      )}`
    );
    await page.waitForFunction(() => (window as unknown as { result: { done?: boolean } }).result.done, null, {
      timeout: 150_000,
    });
    const result = await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result);
    console.log(`OpenTok.js in Chromium: ${JSON.stringify(result)}`);
    expect(result.error).toBeUndefined();
    expect(result.version).toBe('v2.35.2');
    expect(result.connect).toMatchObject({ code: 1006, name: 'OT_CONNECT_FAILED' });
    expect(result.initPublisher).toBe('ok');
    expect(result.publish).toEqual({
      code: 1010,
      name: 'OT_NOT_CONNECTED',
      message: 'We need to be connected before you can publish',
    });

    const range = { from: started - 60_000, to: Date.now() + 60_000 };
    const frame = async (queryType: string, name?: string) => {
      const frames = await collector.query({ queryType, sessionId }, range);
      const f = name ? frames.find((x) => x.schema.name === name) : frames[0];
      expect(f, `${queryType} ${name ?? ''}`).toBeDefined();
      return (field: string) => f!.data.values[f!.schema.fields.findIndex((x) => x.name === field)];
    };
    const errors = await frame('errors');
    const log = errors('action').map((action, i) => [action, errors('code')[i], errors('message')[i]]);
    console.log(`error log: ${JSON.stringify(log)}`);
    expect(log).toEqual([
      ['connect', '1006', (result.connect as { message: string }).message],
      ['publish', '1010', 'We need to be connected before you can publish'],
    ]);
    const rates = await frame('failureRates');
    const byAction = Object.fromEntries(
      rates('action').map((a, i) => [a, [rates('attempts')[i], rates('failures')[i], rates('failureRate')[i]]])
    );
    console.log(`failure rates: ${JSON.stringify(byAction)}`);
    expect(byAction.connect).toEqual([1, 1, 1]);
    expect(byAction.publish).toEqual([1, 1, 1]);
    const sdks = await frame('summary', 'sdks');
    console.log(`SDK breakdown: ${JSON.stringify({ sdk: sdks('sdk'), users: sdks('users') })}`);
    expect(sdks('sdk')).toEqual(['OpenTok.js 2.35.2']);
    expect(sdks('users')).toEqual([1]);
  } finally {
    await collector.remove();
    pages.server.close();
  }
});
