// Browser SDK cost (issue 10, acceptance 5): the size of the IIFE build next to @jitsi/rtcstats
// and @peermetrics/webrtc-stats from npm, each bundled and minified the same way (esbuild, ES2020,
// browser) and gzip'ed at level 9; and the main-thread time the SDK spends per stats poll with 1
// and 20 observed peer connections in Chromium (fake media), as the SDK measures it around its own
// synchronous work, plus its share of serialising what it sends. Rewrites its section of
// docs/benchmarks.md.
//   node --import tsx bench/sdk.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { chromium } from 'playwright-core';
import { format, resolveConfig } from 'prettier';

const root = path.resolve(__dirname, '..');
const DOC = path.join(root, 'docs/benchmarks.md');
const BEGIN = '<!-- bench:sdk:begin -->';
const END = '<!-- bench:sdk:end -->';
const POLLS = 30;
const RUNS = 3;

// @jitsi/js-utils 2.8 exports "./*" as "./dist/*", and @jitsi/rtcstats imports folders through it
// ("@jitsi/js-utils/browser-detection"), which no resolver follows: such an import takes the
// folder's index.js, as the bundlers of its time did.
const folderIndex: Plugin = {
  name: 'folder-index',
  setup(b) {
    b.onResolve({ filter: /^@jitsi\/js-utils\/[\w-]+$/ }, (args) => {
      const dir = path.join(root, 'node_modules/@jitsi/js-utils/dist', args.path.split('/')[2]);
      return existsSync(path.join(dir, 'index.js')) ? { path: path.join(dir, 'index.js') } : undefined;
    });
  },
};

async function minified(entry: string): Promise<Buffer> {
  const out = await build({
    plugins: [folderIndex],
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Bench',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return Buffer.from(out.outputFiles[0].contents);
}

async function sizes() {
  const { buildSdk } = (await import(path.join(root, 'sdk/build.mjs'))) as { buildSdk: () => Promise<string> };
  const ours = readFileSync(await buildSdk());
  const rows: Array<[string, Buffer]> = [['@session-inspector/sdk (dist/session-inspector.iife.js)', ours]];
  for (const name of ['@jitsi/rtcstats', '@peermetrics/webrtc-stats']) {
    const pkg = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    };
    rows.push([`${name} ${pkg.version}`, await minified(require.resolve(name, { paths: [root] }))]);
  }
  return rows.map(([name, code]) => ({
    name,
    minKb: code.length / 1024,
    gzipKb: gzipSync(code, { level: 9 }).length / 1024,
  }));
}

const PAGE = `<!doctype html><meta charset="utf-8"><script src="/sdk.js"></script><script>
window.run = async (calls, observeBoth) => {
  const si = SessionInspector.init({ collectorUrl: location.origin, token: 'bench', sessionId: 'bench', statsIntervalMs: 1000,
    captureGetUserMedia: false });
  for (let i = 0; i < calls; i++) {
    // Small video: the SDK's work does not depend on it, and 10 calls' encoders would starve the page.
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 180, frameRate: 15 } });
    const a = new RTCPeerConnection(), b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    stream.getTracks().forEach((t) => a.addTrack(t, stream));
    si.observe(a);
    if (observeBoth) si.observe(b);
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
  }
  window.si = si;
};
</script>`;

async function pollCost(peerConnections: number) {
  const sdk = readFileSync(path.join(root, 'sdk/dist/session-inspector.iife.js'));
  // The page, the SDK, and an ingest endpoint that takes every batch (the collector's work is not measured here).
  const server = createServer((req, res) => {
    if (req.method === 'POST') {
      req.resume();
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":0,"duplicates":0}')
      );
      return;
    }
    res.setHeader('content-type', `${req.url === '/sdk.js' ? 'text/javascript' : 'text/html'}; charset=utf-8`);
    res.end(req.url === '/sdk.js' ? sdk : PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const calls = Math.max(1, peerConnections / 2);
    await page.evaluate(
      ([n, both]) => (window as unknown as { run: (n: number, b: boolean) => Promise<void> }).run(n, both),
      [calls, peerConnections > 1] as const
    );
    // The median of the SDK's last 120 polls, once POLLS polls have run after media flowed.
    await page.waitForFunction(
      (n) => (window as unknown as { si: { diagnostics(): { polls: number } } }).si.diagnostics().polls >= n,
      POLLS + 5,
      {
        timeout: (POLLS + 30) * 1000,
        polling: 500,
      }
    );
    const d = await page.evaluate(() =>
      (
        window as unknown as {
          si: { diagnostics(): { polls: number; pollMs: { median: number }; serializeMs: number; sources: number } };
        }
      ).si.diagnostics()
    );
    return {
      peerConnections: d.sources,
      polls: d.polls,
      medianMs: d.pollMs.median,
      serializePerPollMs: d.serializeMs / d.polls,
    };
  } finally {
    await browser.close();
    server.close();
  }
}

async function main() {
  const load = os.loadavg()[0];
  const s = await sizes();
  // Three runs each: on a shared machine one run can be starved of CPU, and the time is wall-clock.
  const costs = [];
  for (const n of [1, 20]) {
    for (let run = 1; run <= RUNS; run++) {
      costs.push({ run, ...(await pollCost(n)) });
    }
  }
  const fmt = (n: number, d = 1) => n.toFixed(d);
  const lines = [
    BEGIN,
    '',
    '## Browser SDK: bundle size and main-thread time per stats poll (C2)',
    '',
    `Measured by \`node --import tsx bench/sdk.ts\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, Node ${process.version}, load average ${load.toFixed(1)} at the start (the machine is shared), Debian's Chromium (headless, fake camera and microphone).`,
    'Sizes: each library bundled with its dependencies by esbuild (minified, ES2020, browser, IIFE) and gzip -9; goal for ours: at most 12 KB.',
    '',
    '| library | minified | min + gzip |',
    '| ------- | -------: | ---------: |',
    ...s.map((r) => `| ${r.name} | ${fmt(r.minKb)} KB | ${fmt(r.gzipKb)} KB |`),
    '',
    `Per poll: the SDK's own synchronous work after each \`getStats()\` resolves (copying the report, measuring, making and queueing the records), median of the last polls (at least ${POLLS}, one a second), and its share of serialising the batches it sends; goal: under 2 ms per peer connection. The times are wall-clock (\`performance.now()\` in the page): on a loaded machine they include the time the page waited for a core.`,
    '',
    '| observed peer connections | run | polls | median per poll | serialising per poll | per peer connection |',
    '| ------------------------: | --: | ----: | --------------: | -------------------: | ------------------: |',
    ...costs.map(
      (c) =>
        `| ${c.peerConnections} | ${c.run} | ${c.polls} | ${fmt(c.medianMs, 2)} ms | ${fmt(c.serializePerPollMs, 2)} ms | ${fmt((c.medianMs + c.serializePerPollMs) / c.peerConnections, 3)} ms |`
    ),
    '',
    END,
  ];
  const doc = readFileSync(DOC, 'utf8');
  const section = lines.join('\n');
  const next = doc.includes(BEGIN)
    ? doc.slice(0, doc.indexOf(BEGIN)) + section + doc.slice(doc.indexOf(END) + END.length)
    : `${doc.trimEnd()}\n\n${section}\n`;
  // Formatted as `npm run lint` checks it (aligned table columns).
  writeFileSync(DOC, await format(next, { ...(await resolveConfig(DOC)), filepath: DOC }));
  console.log(section);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
