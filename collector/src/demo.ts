import { ConfigError, loadConfig, readTokenSpecs, storedTokens, type TokenSpec } from './config/config';
import { startDemoCall } from './demoCall';
import { startServer } from './server';
import { simulate } from './simulator/simulate';

export const DEMO_TOKENS: TokenSpec[] = [
  { token: 'demo-ingest', kind: 'ingest', project: 'demo' },
  { token: 'demo-read', kind: 'read', projects: ['demo'] },
  { token: 'demo-admin', kind: 'admin' },
];

/**
 * The collector on its embedded store with simulated sessions: six hours of backfill (skipped
 * when the store already has data, so a restart keeps what it had) and live sessions after;
 * and a call page (demoCall.ts) on the next port whose real call the browser SDK sends here.
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
  const running = await startServer(config);
  console.log(
    `collector listening on ${running.url} (store: ${running.store.kind}${config.databaseUrl ? '' : `, ${config.dataDir}`})`
  );
  call.configure({
    collectorUrl: running.url,
    project: ingest.project,
    ingestToken: ingest.token,
    readToken: read.token,
    grafanaUrl: env.GRAFANA_URL ?? 'http://localhost:3000',
  });
  console.log(`demo call page on ${call.url}/ : open it in a browser, its call is sent here while it runs`);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const [{ n }] = await running.store.query<{ n: number }>('SELECT count(*)::float8 AS n FROM events');
  const hours = Number(env.DEMO_HOURS ?? 6);
  const sessions = Number(env.DEMO_SESSIONS ?? 60);
  console.log(
    n > 0
      ? `store already holds ${n} events: skipping the backfill, producing live sessions`
      : `simulating ${sessions} sessions over the last ${hours} hours, then live sessions`
  );
  console.log(`try: curl -H 'Authorization: Bearer ${read.token}' ${running.url}/api/v1/sessions`);
  await simulate({
    url: running.url,
    token: ingest.token,
    seed: 1,
    sessions: n > 0 ? 0 : sessions,
    hours,
    sampleIntervalMs: 10_000,
    live: true,
    signal: controller.signal,
    log: (line) => console.log(line),
  });
  await call.close();
  await running.close();
  return 0;
}
