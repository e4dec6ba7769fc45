import { ConfigError, loadConfig, readTokenSpecs, storedTokens, type TokenSpec } from './config/config';
import { readVonageProjects } from './config/vonage';
import { startDemoCall } from './demoCall';
import { startServer } from './server';
import { exitIfShutdownStalls } from './shutdown';
import { simulate, type BackfillProgress } from './simulator/simulate';

export const DEMO_TOKENS: TokenSpec[] = [
  { token: 'demo-ingest', kind: 'ingest', project: 'demo' },
  { token: 'demo-read', kind: 'read', projects: ['demo'], grafanaBackend: true },
  { token: 'demo-alerts', kind: 'alert', projects: ['demo'] },
  { token: 'demo-admin', kind: 'admin' },
];

/** Milliseconds between quality samples of the demo's simulated streams. */
export const DEMO_SAMPLE_INTERVAL_MS = 10_000;

/** At most one progress line per this many milliseconds (plus the first and the last). */
const PROGRESS_EVERY_MS = 5_000;

const count = (n: number) => n.toLocaleString('en-US');

function describeToken(t: TokenSpec): string {
  const name = 'token' in t ? t.token : `sha256:${t.sha256.slice(0, 8)}…`;
  switch (t.kind) {
    case 'ingest':
      return `${name} (ingest into ${t.project})`;
    case 'read':
      return `${name} (read ${t.projects.join(', ')})`;
    case 'alert':
      return `${name} (save alerted sessions of ${t.projects.join(', ')})`;
    default:
      return `${name} (admin)`;
  }
}

/** Prints backfill progress, and the quick start's `curl` once the newest sessions are stored. */
export function backfillReporter(curl: string, log: (line: string) => void, started = Date.now()) {
  let last = 0;
  let ready = false;
  return (p: BackfillProgress) => {
    const now = Date.now();
    const done = p.sessions === p.totalSessions;
    if (p.sessions === 1 || done || now - last >= PROGRESS_EVERY_MS) {
      last = now;
      const pct = p.totalRecords ? Math.floor((100 * p.records) / p.totalRecords) : 100;
      log(
        `backfill: ${p.sessions}/${p.totalSessions} sessions, ${count(p.records)} of ${count(p.totalRecords)} records (${pct} %), ${Math.round((now - started) / 1000)} s`
      );
    }
    if (!ready) {
      ready = true;
      log(`ready: the newest sessions are stored (the rest follow, oldest last). In another terminal:\n  ${curl}`);
    }
  };
}

/**
 * The collector on its embedded store with simulated sessions: six hours of backfill, newest
 * sessions first (skipped when the store already has data, so a restart keeps what it had),
 * and live sessions after; and a call page (demoCall.ts) on the next port whose real call the
 * browser SDK sends here.
 */
export async function demoCommand(): Promise<number> {
  const env: Record<string, string | undefined> = { DATA_DIR: './data/demo', ...process.env };
  const config = loadConfig(env);
  const callPort = env.DEMO_CALL_PORT ? Number(env.DEMO_CALL_PORT) : config.port === 0 ? 0 : config.port + 1;
  if (!Number.isInteger(callPort) || callPort < 0) {
    throw new ConfigError(`DEMO_CALL_PORT must be a port number, got '${env.DEMO_CALL_PORT}'`);
  }
  const call = await startDemoCall(config.host, callPort);
  // The demo's simulator and call page need an ingest token in plain text, so the specs are read
  // as written; the demo's own ingest token lets the call page send from its origin (CORS).
  const specs =
    config.tokens.length === 0
      ? DEMO_TOKENS.map((t) => (t.kind === 'ingest' ? { ...t, origins: call.origins } : t))
      : readTokenSpecs(env);
  config.tokens = storedTokens(specs);
  const ingest = specs.find((t) => t.kind === 'ingest' && 'token' in t);
  const read = specs.find((t) => t.kind === 'read' && 'token' in t);
  if (!ingest || !read || !('token' in ingest) || !('token' in read)) {
    throw new Error('the demo needs an ingest and a read token given as plain tokens (not sha256)');
  }
  const running = await startServer(config, readVonageProjects(env));
  console.log(
    `collector listening on ${running.url} (store: ${running.store.kind}${config.databaseUrl ? '' : `, ${config.dataDir}`})`
  );
  console.log(`tokens: ${specs.map(describeToken).join(', ')}`);
  call.configure({
    collectorUrl: running.url,
    project: ingest.project,
    ingestToken: ingest.token,
    readToken: read.token,
    grafanaUrl: env.GRAFANA_URL ?? 'http://localhost:3000',
  });
  console.log(`demo call page on ${call.url}/ : open it in a browser, its call is sent here while it runs`);
  const controller = new AbortController();
  const stop = () => {
    exitIfShutdownStalls();
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const curl = `curl -H 'Authorization: Bearer ${read.token}' ${running.url}/api/v1/sessions`;
  const [{ n }] = await running.store.query<{ n: number }>('SELECT count(*)::float8 AS n FROM all_events');
  const hours = Number(env.DEMO_HOURS ?? 6);
  const sessions = n > 0 ? 0 : Number(env.DEMO_SESSIONS ?? 60);
  if (sessions === 0) {
    console.log(`store already holds ${count(n)} events: skipping the backfill, producing live sessions`);
    console.log(`ready. In another terminal:\n  ${curl}`);
  } else {
    console.log(`backfill: simulating ${sessions} sessions over the last ${hours} hours, newest first`);
  }
  const report = backfillReporter(curl, (line) => console.log(line));
  // Stopping during the backfill aborts its current batch: that is a clean stop, not a failure.
  await simulate({
    url: running.url,
    token: ingest.token,
    seed: 1,
    sessions,
    hours,
    sampleIntervalMs: DEMO_SAMPLE_INTERVAL_MS,
    live: true,
    signal: controller.signal,
    log: (line) => console.log(line),
    onBackfill: report,
  }).catch((err: unknown) => {
    if (!controller.signal.aborted) {
      throw err;
    }
  });
  await call.close();
  await running.close();
  return 0;
}
