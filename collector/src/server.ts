import { Limits } from '@model';
import type { CollectorConfig } from './config/config';
import type { VonageProject } from './config/vonage';
import { buildApp } from './http/server';
import { openStore } from './store/openStore';
import { schedulePurge } from './store/retention';
import type { Store } from './store/store';

export interface RunningCollector {
  url: string;
  store: Store;
  close(): Promise<void>;
}

/** Opens the store, migrates it and listens; used by `serve`, the demo and tests. */
export async function startServer(config: CollectorConfig, vonage: VonageProject[] = []): Promise<RunningCollector> {
  const store = await openStore(config);
  const app = await buildApp({ store, config, vonage });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await store.close();
    throw err;
  }
  const stopPurge = schedulePurge(store, config);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    store,
    async close() {
      stopPurge();
      const dropConnections = setTimeout(
        () => app.server.closeAllConnections(),
        config.shutdownGraceMs ?? Limits.shutdownGraceMs
      );
      try {
        await app.close();
      } finally {
        clearTimeout(dropConnections);
      }
      await store.close();
    },
  };
}
