import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { FAKE_MEDIA } from './harness/sdkStack';

/** Issue 10, scope 8: `npm run demo` serves a call page whose call the collector holds while it runs. */
test.use({ launchOptions: FAKE_MEDIA });

const root = path.resolve(__dirname, '../..');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

test('the demo call page: two users in one tab, their session in the collector while it runs', async ({ page }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'si-demo-'));
  const [port, callPort] = [await freePort(), await freePort()];
  const demo = spawn(process.execPath, [path.join(root, 'collector/bin/collector.mjs'), 'demo'], {
    env: {
      ...process.env,
      PORT: String(port),
      DEMO_CALL_PORT: String(callPort),
      DATA_DIR: dir,
      DATABASE_URL: '',
      DEMO_SESSIONS: '1',
      DEMO_HOURS: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const callUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      demo.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /demo call page on (http:\/\/[^/\s]+)\/ /.exec(out);
        if (m) {
          resolve(m[1]);
        }
      });
      demo.once('exit', (code) => reject(new Error(`demo exited with ${code}: ${out}`)));
    });
    await page.goto(`${callUrl}/`);
    await expect(page.locator('#state')).toHaveText('connected', { timeout: 30_000 });
    const sessionId = await page.locator('#session').innerText();
    await page.getByRole('button', { name: 'Rate' }).click();
    const collector = `http://127.0.0.1:${port}`;
    const read = { headers: { authorization: 'Bearer demo-read' } };
    // Within one stats interval and a batch: the call, its two users, a quality sample per side.
    await expect
      .poll(
        async () => {
          const res = await fetch(`${collector}/api/v1/sessions?q=${sessionId}`, read);
          const s = ((await res.json()) as { sessions: Array<{ users: number; connections: number }> }).sessions[0];
          return s ? [s.users, s.connections] : [];
        },
        { timeout: 20_000 }
      )
      .toEqual([2, 2]);
    await expect
      .poll(
        async () => {
          const res = await fetch(`${collector}/api/v1/query`, {
            method: 'POST',
            headers: { ...read.headers, 'content-type': 'application/json' },
            body: JSON.stringify({
              queries: [
                {
                  refId: 'Q',
                  timeRange: { from: Date.now() - 600_000, to: Date.now() + 60_000 },
                  maxDataPoints: 100,
                  intervalMs: 1000,
                  query: { queryType: 'quality', sessionId, metrics: ['bitrateKbps'] },
                },
              ],
            }),
          });
          const frames =
            (
              (await res.json()) as {
                results: { Q: { frames?: Array<{ schema: { fields: Array<{ labels?: Record<string, string> }> } }> } };
              }
            ).results.Q.frames ?? [];
          return [
            ...new Set(frames.map((f) => `${f.schema.fields[1].labels?.user} ${f.schema.fields[1].labels?.role}`)),
          ].sort();
        },
        { timeout: 30_000 }
      )
      .toEqual(['demo-alice publisher', 'demo-alice subscriber', 'demo-bob publisher', 'demo-bob subscriber']);
  } finally {
    demo.kill('SIGTERM');
    await new Promise((resolve) => demo.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});
