import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * A loopback call in Debian's Chromium: one page runs two RTCPeerConnections on the fake camera
 * and microphone, `a` sending to `b`; chrome://webrtc-internals records them and its own download
 * buttons save the "rtcstats dump" and the "webrtc-internals dump" (both gzip'ed).
 */
export function callPage(video: { width: number; height: number }): string {
  return `<!doctype html><html><body><script>
window.stage = 'starting';
(async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: ${JSON.stringify(video)} });
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  a.onconnectionstatechange = () => { if (a.connectionState === 'connected') window.stage = 'connected'; };
  stream.getTracks().forEach((t) => a.addTrack(t, stream));
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  window.calls = [a, b];
})().catch((e) => { window.stage = 'failed: ' + e; });
</script></body></html>`;
}

export const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/** Serves the call page on 127.0.0.1 (a secure context, so getUserMedia is allowed). */
async function serve(html: string) {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}

export const DOWNLOADS = [
  ['Download the "rtcstats dump"', 'rtcstats'],
  ['Download the "webrtc-internals dump"', 'webrtc-internals'],
] as const;

/**
 * Runs the call for `seconds` (webrtc-internals open from the start) and saves both dumps into
 * `dir` as `<prefix>rtcstats.gz` and `<prefix>webrtc-internals.json.gz`. `args` are extra
 * Chromium switches (field trials).
 */
export async function recordLoopbackCall(o: {
  seconds: number;
  dir: string;
  prefix?: string;
  args?: string[];
  video?: { width: number; height: number };
  context?: BrowserContext;
}): Promise<{ rtcstats: string; internals: string }> {
  const page = await serve(callPage(o.video ?? { width: 640, height: 360 }));
  const browser = o.context
    ? undefined
    : await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        args: [...FAKE_MEDIA, ...(o.args ?? [])],
      });
  const context = o.context ?? (await browser!.newContext({ acceptDownloads: true }));
  try {
    const internals = await context.newPage();
    await internals.goto('chrome://webrtc-internals');
    const call = await context.newPage();
    await call.goto(page.url);
    await call.waitForFunction(() => (window as unknown as { stage: string }).stage !== 'starting', null, {
      timeout: 30_000,
    });
    const stage = await call.evaluate(() => (window as unknown as { stage: string }).stage);
    if (stage !== 'connected') {
      throw new Error(`the loopback call did not connect: ${stage}`);
    }
    await call.waitForTimeout(o.seconds * 1000);
    await internals.getByText('Create a WebRTC-Internals dump').click();
    const saved: Record<string, string> = {};
    for (const [name, kind] of DOWNLOADS) {
      const [download] = await Promise.all([
        internals.waitForEvent('download'),
        internals.getByRole('button', { name }).click(),
      ]);
      saved[kind] = join(o.dir, `${o.prefix ?? ''}${kind === 'rtcstats' ? 'rtcstats.gz' : 'webrtc-internals.json.gz'}`);
      await download.saveAs(saved[kind]);
    }
    return { rtcstats: saved.rtcstats, internals: saved['webrtc-internals'] };
  } finally {
    page.close();
    if (browser) {
      await browser.close();
    }
  }
}
