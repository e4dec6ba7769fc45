// Inspector benchmark (issue 5, acceptance 2): a broadcast of 1,000 subscribers opened in the
// Inspector in Debian's Chromium, timed from navigation to every module rendered (summary,
// large-session timelines, subscriber heatmap, quality charts, users, errors, event log), through
// the browser harness and a real collector (in-memory PGlite, simulated data). Rewrites its own
// section of docs/benchmarks.md.
//   node --import tsx bench/inspectorLargeSession.ts [sample interval, s]
// By default 10 minutes sampled every 30 s (I8's section); `5` is issue 12's goal 1: 60 minutes
// sampled every 5 s (~1.4 M samples), PGlite on a data directory and, with TEST_DATABASE_URL set,
// PostgreSQL after it, in a section of its own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { chromium, type Page, type Request as PlaywrightRequest } from 'playwright-core';
import { testIds } from '../src/components/testIds';
import globalSetup, { STACK_FILE } from '../tests/browser/harness/globalSetup';
import type { StackInfo } from '../tests/browser/harness/stack';
import { benchStores, type BenchStore } from './collectorProcess';

const RUNS = 5;
const DOC = 'docs/benchmarks.md';
const SAMPLE_S = Number(process.argv[2] ?? 30);
const REAL = SAMPLE_S !== 30;
const MINUTES = REAL ? 60 : 10;
const SECTION = REAL ? `inspector${SAMPLE_S}s` : 'inspector';
const BEGIN = `<!-- bench:${SECTION}:begin -->`;
const END = `<!-- bench:${SECTION}:end -->`;

const sel = (id: string) => `[data-testid="${id}"]`;
/** Every module present and none still loading, the users' scores drawn. */
const RENDERED = [
  sel(testIds.inspector.stat('subscribers')),
  sel(testIds.inspector.timeline('connections')),
  sel(testIds.inspector.timeline('subscribers')),
  sel(testIds.inspector.heatmap),
  sel(testIds.inspector.qualityChart('bitrateKbps-video')),
  sel(testIds.inspector.userRow),
  sel(testIds.inspector.failureRates),
  sel(testIds.inspector.eventRow),
  // The users' score badges: the scores answer has arrived and is drawn.
  sel(testIds.inspector.score),
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One data request of a page load: its queries, and when it was sent and answered (ms from navigation start). */
interface Request {
  refIds: string;
  sent: number;
  answered: number;
}

interface Timed {
  store: BenchStore;
  times: number[];
  rows: number;
  setupS: number;
  /** The data requests of the last run. */
  requests: Request[];
}

/** The harness on one store, loaded with the broadcast, and the page opened RUNS times. */
async function measure(store: BenchStore): Promise<Timed> {
  const dir = REAL && store === 'PGlite' ? mkdtempSync(join(os.tmpdir(), 'si-bench-inspector-')) : undefined;
  process.env.HARNESS_DATA_DIR = dir ?? '';
  process.env.HARNESS_DATABASE_URL = store === 'PostgreSQL' ? process.env.TEST_DATABASE_URL : '';
  const t0 = performance.now();
  const teardown = await globalSetup();
  const setupS = (performance.now() - t0) / 1000;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium' });
  try {
    const info = JSON.parse(readFileSync(STACK_FILE, 'utf8')) as StackInfo;
    const url = `${info.harnessUrl}/a/rtc-sessioninspector-app/sessions/${info.broadcast!.sessionId}?project=${info.project}`;
    const times: number[] = [];
    let rows = 0;
    let requests: Request[] = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
      const finished: Array<Promise<Request>> = [];
      page.on('requestfinished', (req) => {
        if (new URL(req.url()).pathname === '/api/ds/query') {
          finished.push(requestTiming(page, req));
        }
      });
      await page.goto(url);
      // performance.now() counts from the navigation's start, in the page itself.
      const handle = await page.waitForFunction(
        ({ needed, loading }) =>
          needed.every((s) => document.querySelector(s)) && !document.querySelector(loading) ? performance.now() : 0,
        { needed: RENDERED, loading: sel(testIds.module.loading) },
        { timeout: 180_000, polling: 'raf' }
      );
      times.push(Number(await handle.jsonValue()));
      rows = Number(await page.locator(sel(testIds.inspector.heatmap)).getAttribute('data-rows'));
      requests = (await Promise.all(finished)).sort((a, b) => a.sent - b.sent);
      await page.context().close();
    }
    return { store, times, rows, setupS, requests };
  } finally {
    await browser.close();
    await teardown();
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function requestTiming(page: Page, req: PlaywrightRequest): Promise<Request> {
  const origin = await page.evaluate(() => performance.timeOrigin);
  const body = JSON.parse(req.postData() ?? '{}') as { queries?: Array<{ refId?: string }> };
  const timing = req.timing();
  const sent = timing.startTime - origin;
  return {
    refIds: (body.queries ?? []).map((q) => q.refId).join(', '),
    sent,
    answered: sent + timing.responseEnd,
  };
}

async function main() {
  // The page as Grafana serves it: React's production build (the tests run the development one).
  process.env.HARNESS_MODE = 'production';
  process.env.HARNESS_BROADCAST = '1000';
  process.env.HARNESS_BROADCAST_MINUTES = String(MINUTES);
  process.env.HARNESS_BROADCAST_SAMPLE_MS = String(SAMPLE_S * 1000);
  const results: Timed[] = [];
  for (const store of REAL ? benchStores() : (['PGlite'] as BenchStore[])) {
    results.push(await measure(store));
  }
  const cpu = os.cpus();
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const section = [
    BEGIN,
    REAL
      ? `## Inspector at real sampling: a 1,000-subscriber broadcast of 60 minutes, a sample every ${SAMPLE_S} s, opened in the browser (issue 12, goal 1)`
      : '## Inspector: a 1,000-subscriber broadcast opened in the browser (I8, B4)',
    '',
    `Measured by \`${REAL ? 'TEST_DATABASE_URL=<url> ' : ''}node --import tsx bench/inspectorLargeSession.ts${REAL ? ` ${SAMPLE_S}` : ''}\` on ${new Date().toISOString().slice(0, 10)}, ${cpu.length} × ${cpu[0]?.model.trim()}, Node ${process.version}, Debian's Chromium (headless), load average ${os.loadavg()[0].toFixed(1)} at the end.`,
    `The browser harness (tests/browser/harness) with the real pages in a production build (React's, as Grafana serves them), a real collector on ${REAL ? 'PGlite on a data directory, then PostgreSQL (a schema of its own, vacuumed and analysed after the load)' : 'in-memory PGlite'} and one simulated broadcast`,
    `(1,000 subscribers, ${MINUTES} minutes, a sample every ${SAMPLE_S} s; the heatmap had ${results[0].rows} subscriber rows). Each run is a fresh browser context;`,
    "the time runs from navigation start to every module rendered with none loading (summary, timelines, heatmap, quality charts, users, errors and failure rates, event log, diagnosis) and the users' scores drawn.",
    '',
    ...(REAL
      ? [
          '| store | runs | median | fastest | slowest | setup with ingest |',
          '| --- | ---: | ---: | ---: | ---: | ---: |',
          ...results.map(
            (r) =>
              `| ${r.store} | ${RUNS} | ${s(median(r.times))} | ${s(Math.min(...r.times))} | ${s(Math.max(...r.times))} | ${Math.round(r.setupS)} s |`
          ),
          '',
          "The data requests of each store's last run, in the order the page sent them (each carries the queries named by their refId; times from navigation start):",
          '',
          '| store | queries | sent | answered |',
          '| --- | --- | ---: | ---: |',
          ...results.flatMap((r) =>
            r.requests.map((q) => `| ${r.store} | ${q.refIds} | ${s(q.sent)} | ${s(q.answered)} |`)
          ),
        ]
      : [
          '| runs | median | fastest | slowest |',
          '| ---: | ---: | ---: | ---: |',
          `| ${RUNS} | ${s(median(results[0].times))} | ${s(Math.min(...results[0].times))} | ${s(Math.max(...results[0].times))} |`,
        ]),
    END,
  ].join('\n');
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(BEGIN);
  const next =
    start >= 0
      ? `${doc.slice(0, start)}${section}${doc.slice(doc.indexOf(END) + END.length)}`
      : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(DOC, next);
  console.log(section);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
