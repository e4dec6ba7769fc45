// A collector for benches (on PostgreSQL with TEST_DATABASE_URL, in a schema of its own,
// otherwise PGlite in memory) and the query call they time.
import type { WireQuery, WireResult } from '@model';
import { storedTokens, type TokenSpec } from '../collector/src/config/config';
import { startServer, type RunningCollector } from '../collector/src/server';
import { dropSchemas, throwawaySchema } from '../collector/test/schemas';

const TOKENS: TokenSpec[] = [
  { token: 'bench-ingest', kind: 'ingest', project: 'bench' },
  { token: 'bench-read', kind: 'read', projects: ['bench'] },
];

/**
 * Ingest with `bench-ingest`, read with `bench-read`: project `bench`. Closing drops its schema,
 * unless `keptSchema` named it (a store loaded once and measured again). PGlite is in memory
 * unless `dataDir` names a directory.
 */
export async function startBenchCollector(
  databaseUrl?: string,
  dataDir = 'memory://',
  keptSchema?: string
): Promise<RunningCollector> {
  const schema = databaseUrl ? (keptSchema ?? throwawaySchema('si_bench')) : undefined;
  const c = await startServer({
    host: '127.0.0.1',
    port: 0,
    databaseUrl,
    dataDir,
    tokens: storedTokens(TOKENS),
    meetingIdleGapMs: 600_000,
    retentionDays: 20,
    savedRetentionMonths: 24,
    purgeIntervalMs: 0,
    schema,
  });
  return {
    ...c,
    close: async () => {
      await c.close();
      if (databaseUrl && schema && !keptSchema) {
        await dropSchemas(databaseUrl, [schema]);
      }
    },
  };
}

/** One query as the data source sends it; its answer and how long it took (ms). Throws unless it answers 200. */
export async function benchQuery(
  c: Pick<RunningCollector, 'url'>,
  q: Record<string, unknown>,
  range: { from: number; to: number },
  o: { intervalMs: number; maxDataPoints?: number }
): Promise<[WireResult, number]> {
  const wire: WireQuery = {
    refId: 'A',
    timeRange: range,
    maxDataPoints: o.maxDataPoints ?? 2000,
    intervalMs: o.intervalMs,
    query: q as WireQuery['query'],
  };
  const t = performance.now();
  const res = await fetch(`${c.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: 'Bearer bench-read', 'content-type': 'application/json' },
    body: JSON.stringify({ queries: [wire] }),
  });
  const r = ((await res.json()) as { results: { A: WireResult } }).results.A;
  if (r.status !== 200) {
    throw new Error(`${String(q.queryType)}: ${r.error}`);
  }
  return [r, performance.now() - t];
}
