import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { WireQueryResponse } from '../../src/model/wire';
import { callPage, FAKE_MEDIA } from './loopbackCall';

/**
 * C5 end to end with a real browser: a page runs two RTCPeerConnections on Chromium's fake camera
 * and microphone, chrome://webrtc-internals in a second tab records them, its own 'Download the
 * "webrtc-internals dump"' and 'Download the "rtcstats dump"' buttons save the two dumps (gzip),
 * and a real collector imports each.
 */

// Two peer connections on loopback: `a` sends the fake camera and microphone to `b`.
const CALL_PAGE = callPage({ width: 640, height: 360 });

const TOKENS = [
  { token: 'export-ingest', kind: 'ingest', project: 'browser' },
  { token: 'export-read', kind: 'read', projects: ['browser'] },
];

const COLLECTOR = join(__dirname, '../../collector/bin/collector.mjs');

/** A collector of our own on an in-memory store, in its own process; resolves with its URL. */
function startCollector(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [COLLECTOR, 'serve'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: 'memory://',
      DATABASE_URL: '',
      COLLECTOR_TOKENS: JSON.stringify(TOKENS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        resolve({ url: m[1], process: child });
      }
    });
    child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}: ${out}`)));
  });
}

test.use({
  acceptDownloads: true,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: FAKE_MEDIA,
  },
});

test.describe('webrtc-internals export from a real Chromium', () => {
  let server: Server;
  let pageUrl: string;
  let collector: { url: string; process: ChildProcess };
  let dir: string;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'si-export-'));
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(CALL_PAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // http://127.0.0.1 is a secure context, so getUserMedia is allowed.
    pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    collector = await startCollector();
  });

  test.afterAll(async () => {
    collector?.process.kill('SIGTERM');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Uploads a downloaded dump and reads back its video bitrate and loss through the quality query. */
  async function importAndMeasure(path: string, sessionId: string) {
    const upload = await fetch(`${collector.url}/api/v1/import?session=${sessionId}&name=${basename(path)}`, {
      method: 'POST',
      headers: { authorization: 'Bearer export-ingest', 'content-type': 'application/octet-stream' },
      body: new Uint8Array(readFileSync(path)),
    });
    const imported = (await upload.json()) as {
      format: string;
      peerConnections: number;
      samples: number;
      error?: string;
    };
    expect(upload.status, imported.error).toBe(200);
    const now = Date.now();
    const res = await fetch(`${collector.url}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: 'Bearer export-read', 'content-type': 'application/json' },
      body: JSON.stringify({
        queries: [
          {
            refId: 'Q',
            timeRange: { from: now - 10 * 60_000, to: now + 60_000 },
            maxDataPoints: 1000,
            intervalMs: 1000,
            query: { queryType: 'quality', sessionId, metrics: ['bitrateKbps', 'lossPct'] },
          },
        ],
      }),
    });
    const result = ((await res.json()) as WireQueryResponse).results.Q;
    expect(result.status, result.error).toBe(200);
    const series = (result.frames ?? []).map((f) => ({
      metric: f.schema.name,
      labels: f.schema.fields[1].labels ?? {},
      values: f.data.values[1] as number[],
    }));
    const video = series.filter((x) => x.metric === 'bitrateKbps' && x.labels.media === 'video');
    const videoKbps = Object.fromEntries(
      video.map((x) => [x.labels.role, x.values.reduce((a, b) => a + b, 0) / x.values.length])
    );
    const loss = series.filter((x) => x.metric === 'lossPct').flatMap((x) => x.values);
    return { imported, videoKbps, loss };
  }

  test('the downloaded dumps import with video bitrate and no loss', async ({ context }) => {
    const call = await context.newPage();
    await call.goto(pageUrl);
    await call.waitForFunction(() => (window as unknown as { stage: string }).stage !== 'starting', null, {
      timeout: 30_000,
    });
    expect(await call.evaluate(() => (window as unknown as { stage: string }).stage)).toBe('connected');

    // webrtc-internals records stats from the moment it is open: let it gather about 12 of them.
    const internals = await context.newPage();
    await internals.goto('chrome://webrtc-internals');
    await internals.waitForTimeout(12_000);
    // The download buttons sit in a collapsed <details>: open it, then use the page's own buttons.
    await internals.getByText('Create a WebRTC-Internals dump').click();
    const downloads: Array<[string, string]> = [
      ['Download the "webrtc-internals dump"', 'webrtc-internals'],
      ['Download the "rtcstats dump"', 'rtcstats-v3'],
    ];
    for (const [name, format] of downloads) {
      const [download] = await Promise.all([
        internals.waitForEvent('download'),
        internals.getByRole('button', { name }).click(),
      ]);
      const path = join(dir, `${format}-dump`);
      await download.saveAs(path);
      const head = readFileSync(path).subarray(0, 2);
      expect([head[0], head[1]], `Chromium saves the ${format} dump gzip-compressed`).toEqual([0x1f, 0x8b]);

      const { imported, videoKbps, loss } = await importAndMeasure(path, `export-${format}-${Date.now()}`);
      expect(imported.format).toBe(format);
      expect(imported.peerConnections).toBe(2);
      expect(Object.keys(videoKbps).sort()).toEqual(['publisher', 'subscriber']);
      expect(videoKbps.publisher, 'publisher video kbps').toBeGreaterThan(50);
      expect(videoKbps.subscriber, 'subscriber video kbps').toBeGreaterThan(50);
      expect(loss.length).toBeGreaterThan(0);
      expect(Math.max(...loss), 'loopback loses (almost) nothing').toBeLessThan(1);
      // The figures, for the run's log: what a real Chromium measured on loopback.
      console.log(
        `${format} export: ${statSync(path).size} bytes gzip, ${imported.samples} samples; video kbps publisher ${videoKbps.publisher.toFixed(0)}, subscriber ${videoKbps.subscriber.toFixed(0)}; max loss ${Math.max(...loss).toFixed(2)} %`
      );
    }
  });
});
