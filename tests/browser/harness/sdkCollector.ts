// A collector for the SDK's browser specs, in its own process so a spec can stop it (an outage)
// and start it again on the same port and store: PostgreSQL in a schema of its own (kept across
// restarts; the spec drops it). Started with tsx and the collector's tsconfig (see sdkStack.ts);
// configured by SDK_COLLECTOR (JSON), prints one line `listening <url>` when ready.
import { storedTokens } from '../../../collector/src/config/config';
import { startServer } from '../../../collector/src/server';

interface Options {
  databaseUrl: string;
  schema: string;
  port: number;
  project: string;
  ingestToken: string;
  readToken: string;
  origins: string[];
}

async function main() {
  const o = JSON.parse(process.env.SDK_COLLECTOR ?? '{}') as Options;
  const collector = await startServer({
    host: '127.0.0.1',
    port: o.port,
    databaseUrl: o.databaseUrl,
    schema: o.schema,
    dataDir: 'memory://',
    tokens: storedTokens([
      { token: o.ingestToken, kind: 'ingest', project: o.project, origins: o.origins },
      { token: o.readToken, kind: 'read', projects: [o.project] },
    ]),
    meetingIdleGapMs: 10 * 60_000,
    retentionDays: 20,
    savedRetentionMonths: 24,
    purgeIntervalMs: 0,
  });
  console.log(`listening ${collector.url}`);
  const stop = async () => {
    await collector.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
