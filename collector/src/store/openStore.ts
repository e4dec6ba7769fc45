import type { CollectorConfig } from '../config/config';
import { migrate } from './migrations';
import { openPglite } from './pgliteStore';
import { openPostgres } from './postgresStore';
import type { Store } from './store';

/** Opens PostgreSQL when a URL is configured, PGlite otherwise, and brings the schema up to date. */
export async function openStore(
  config: Pick<CollectorConfig, 'databaseUrl' | 'dataDir' | 'schema' | 'ingestWriters' | 'pgliteSharedBuffers'>
): Promise<Store> {
  const store = config.databaseUrl
    ? await openPostgres(config.databaseUrl, config.schema, config.ingestWriters)
    : await openPglite(config.dataDir, config.schema, config.pgliteSharedBuffers);
  await migrate(store);
  return store;
}
