import { loadConfig } from '../config/config';
import { openStore } from './openStore';
import { purgeConfigured } from './retention';

/** `collector purge`: one retention purge on the configured store, for cron or by hand. */
export async function purgeCommand(argv: string[]): Promise<number> {
  if (argv.length > 0) {
    console.error(
      `purge takes no arguments (it reads RETENTION_DAYS, SAVED_RETENTION_MONTHS and the store from the environment), got: ${argv.join(' ')}`
    );
    return 2;
  }
  const config = loadConfig();
  const store = await openStore(config);
  try {
    const r = await purgeConfigured(store, config);
    console.log(
      `dropped ${r.droppedPartitions.length} partitions${r.droppedPartitions.length ? ` (${r.droppedPartitions.join(', ')})` : ''}`
    );
    console.log(
      `kept ${r.keptRowsOfSavedSessions} rows of saved sessions; ${r.expiredSavedSessions} saved sessions and ${r.expiredImports} imported sessions expired`
    );
    return 0;
  } finally {
    await store.close();
  }
}
