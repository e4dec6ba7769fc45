// Starts what the browser tests run against, in one process: a real collector on an in-memory
// PGlite store loaded by the simulator, and the harness server (the bundled page plus Grafana's
// HTTP API in front of the collector). Prints one JSON line with the addresses when ready.
// Run with tsx and the collector's tsconfig (for the @model alias): see globalSetup.ts.
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { storedTokens, type TokenSpec } from '../../../collector/src/config/config';
import { importDump } from '../../../collector/src/importers/importDump';
import { dropSchemas, throwawaySchema } from '../../../collector/test/schemas';
import { SHARED_DATA } from '../../../collector/test/sharedData';
import { startServer } from '../../../collector/src/server';
import { analyzeDue } from '../../../collector/src/store/pgliteAnalyze';
import type { SessionTruth } from '../../../collector/src/simulator/manifest';
import { generateSession } from '../../../collector/src/simulator/generate';
import { simulate } from '../../../collector/src/simulator/simulate';
import { writeRecords } from '../../../collector/src/simulator/writer';
import { handleDsQuery, handleResource, type CollectorTarget } from './grafanaApi';
import { handleInsightsImport, startVonageStandin, VONAGE, vonageProject } from './vonage';
import { harnessDist, harnessMode } from './webpack.config';

export interface StackInfo {
  harnessUrl: string;
  collectorUrl: string;
  readToken: string;
  adminToken: string;
  project: string;
  now: number;
  sessions: Array<
    Pick<SessionTruth, 'sessionId' | 'callType'> & { users: number; errors: number; subscribers: number }
  >;
  broadcast?: { sessionId: string; subscribers: number };
  /** A 12-user multiparty call (20 minutes, ended half an hour ago): the screenshots' mid-size call. */
  twelveUsers: string;
  /** A real Chrome dump recorded in 2020, imported when the stack started. */
  imported: { sessionId: string; userId: string; importedAt: number };
  /** The demo project's Vonage callback secret and project id (docs/vonage.md). */
  vonage: { callbackSecret: string; vonageProjectId: string };
}

/** Recorded by Chrome on 2020-11-12 (peer-to-peer call), years before any retention window. */
const IMPORTED_DUMP = path.join(SHARED_DATA, 'rtcstats/dumps/google-standard-stats-p2p.jsonl');

const root = path.resolve(__dirname, '../../..');
const dist = harnessDist(harnessMode());
const PROJECT = 'demo';
const TOKENS: TokenSpec[] = [
  { token: 'harness-ingest', kind: 'ingest', project: PROJECT },
  { token: 'harness-read', kind: 'read', projects: [PROJECT], grafanaBackend: true },
  { token: 'harness-admin', kind: 'admin' },
];

const icons = path.join(root, 'node_modules/@grafana/ui/dist/public/img/icons');
// @grafana/ui loads its icons from Grafana's public path, which the harness serves from the package.
const INDEX = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Session Inspector harness</title>
<script>window.__grafana_public_path__ = '/public/';</script></head>
<body><div id="root"></div><script src="/bundle/harness.js"></script></body></html>`;

/** A file under `dir` named by the rest of the URL path, or undefined when outside or missing. */
function fileUnder(dir: string, rest: string): string | undefined {
  const file = path.join(dir, path.normalize(rest));
  return file.startsWith(dir) && existsSync(file) ? file : undefined;
}

async function main() {
  const broadcastSubscribers = Number(process.env.HARNESS_BROADCAST ?? 0);
  // The Inspector bench runs the collector on PostgreSQL too, in a schema of its own.
  const databaseUrl = process.env.HARNESS_DATABASE_URL || undefined;
  const schema = databaseUrl ? throwawaySchema('si_harness') : undefined;
  const collector = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      databaseUrl,
      schema,
      // The benches' large broadcasts go to a directory: in memory PGlite ingests them several times slower.
      dataDir: process.env.HARNESS_DATA_DIR || 'memory://',
      tokens: storedTokens(TOKENS),
      meetingIdleGapMs: 10 * 60_000,
      retentionDays: 20,
      savedRetentionMonths: 24,
      // No scheduled purge: the harness's data is made fresh for each run, and a purge would share
      // the cores with the pages the tests and benches time.
      purgeIntervalMs: 0,
    },
    [vonageProject(PROJECT)]
  );
  const standin = await startVonageStandin();
  const now = Date.now();
  const ingest = { url: collector.url, token: 'harness-ingest', live: false, now, sampleIntervalMs: 30_000 };
  const manifest = await simulate({ ...ingest, seed: 7, sessions: 12, hours: 4 });
  let broadcast: StackInfo['broadcast'];
  if (broadcastSubscribers > 0) {
    const big = await simulate({
      ...ingest,
      sampleIntervalMs: Number(process.env.HARNESS_BROADCAST_SAMPLE_MS ?? 30_000),
      seed: 99,
      sessions: 1,
      hours: 1,
      broadcast: { subscribers: broadcastSubscribers, minutes: Number(process.env.HARNESS_BROADCAST_MINUTES ?? 10) },
    });
    broadcast = { sessionId: big.sessions[0].sessionId, subscribers: broadcastSubscribers };
  }

  const twelveUsers = '1_MX4-twelve-users-call';
  const twelve = generateSession(
    {
      sessionId: twelveUsers,
      shape: 'multiparty',
      start: now - 50 * 60_000,
      meetings: 1,
      reuseGapMs: 0,
      minutes: 20,
      users: 12,
      sampleIntervalMs: 30_000,
      trouble: 1,
    },
    12
  );
  await writeRecords({ url: collector.url, token: 'harness-ingest' }, twelve.records);

  const dump = await importDump(
    collector.store,
    { path: IMPORTED_DUMP, name: path.basename(IMPORTED_DUMP), size: statSync(IMPORTED_DUMP).size },
    { project: PROJECT, sessionId: 'imported-2020-p2p' }
  );
  const imported = { sessionId: dump.sessionId, userId: dump.userId, importedAt: dump.importedAt };
  if (schema) {
    // What autovacuum does after a bulk load, done before the bench times anything (as bench/largeSession.ts
    // does): otherwise the first page loads share the two cores with it.
    const tables = await collector.store.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = $1`,
      [schema]
    );
    await collector.store.query(`VACUUM ANALYZE ${tables.map((t) => t.name).join(', ')}`);
  } else {
    // What the embedded store does itself once writes pause (pgliteAnalyze.ts), done now for the same reason.
    await analyzeDue((sql, params) => collector.store.query(sql, params));
  }

  const target: CollectorTarget = { url: collector.url, readToken: 'harness-read' };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    const resource = url.pathname.match(/^\/api\/datasources\/uid\/[^/]+\/resources(\/.*)$/);
    const fail = (err: unknown) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(err) }));
    };
    if (url.pathname === '/api/ds/query' && req.method === 'POST') {
      handleDsQuery(target, req, res).catch(fail);
    } else if (url.pathname === '/harness/vonage-insights' && req.method === 'POST') {
      handleInsightsImport(standin, collector.store, PROJECT, req, res).catch(fail);
    } else if (resource) {
      handleResource(target, resource[1], url.search, req, res).catch(fail);
    } else if (url.pathname.startsWith('/bundle/') || url.pathname.startsWith('/public/build/img/icons/')) {
      const file = url.pathname.startsWith('/bundle/')
        ? fileUnder(dist, url.pathname.slice('/bundle/'.length))
        : fileUnder(icons, url.pathname.slice('/public/build/img/icons/'.length));
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      const type = file.endsWith('.js')
        ? 'text/javascript'
        : file.endsWith('.svg')
          ? 'image/svg+xml'
          : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type });
      createReadStream(file).pipe(res);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(INDEX);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const info: StackInfo = {
    harnessUrl: `http://127.0.0.1:${port}`,
    collectorUrl: collector.url,
    readToken: 'harness-read',
    adminToken: 'harness-admin',
    project: PROJECT,
    now,
    sessions: manifest.sessions.map((s) => ({
      sessionId: s.sessionId,
      callType: s.callType,
      users: s.users.length,
      errors: s.errors,
      subscribers: s.subscribers.length,
    })),
    broadcast,
    twelveUsers,
    imported,
    vonage: { callbackSecret: VONAGE.callbackSecret, vonageProjectId: VONAGE.vonageProjectId },
  };
  const out = process.env.HARNESS_STACK_FILE;
  if (out) {
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(info, null, 1));
  }
  console.log(JSON.stringify(info));
  const stop = async () => {
    server.close();
    await standin.close();
    await collector.close();
    if (databaseUrl && schema) {
      await dropSchemas(databaseUrl, [schema]);
    }
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
