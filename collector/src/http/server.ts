import Fastify, { type FastifyInstance } from 'fastify';
import { Limits } from '@model';
import type { CollectorConfig } from '../config/config';
import type { Store } from '../store/store';
import { registerAdminRoutes } from './adminRoutes';
import { AuthError, tokenTable } from './auth';
import { registerIngestRoutes } from './ingestRoutes';
import { registerReadRoutes } from './readRoutes';
import { registerUploadRoutes } from './uploadRoutes';
import { registerSavedRoutes } from './savedRoutes';

export interface AppDeps {
  store: Store;
  config: CollectorConfig;
}

/** The collector's HTTP API: ingest, queries (Grafana frames), REST search and health. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: Limits.maxBodyBytes });
  app.addContentTypeParser(['application/x-ndjson', 'application/ndjson'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body)
  );
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof AuthError) {
      return reply.code(err.status).send({ error: err.message });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 413) {
      return reply.code(413).send({ error: `request body is larger than ${Limits.maxBodyBytes} bytes` });
    }
    return reply.code(status).send({ error: status === 500 ? `internal error: ${err.message}` : err.message });
  });
  const tokens = tokenTable(deps.config.tokens);
  registerIngestRoutes(app, deps, tokens);
  registerReadRoutes(app, deps, tokens);
  registerUploadRoutes(app, deps, tokens);
  registerSavedRoutes(app, deps, tokens);
  registerAdminRoutes(app, deps, tokens);
  return app;
}
