import { createServer, type RequestListener, type Server } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { Limits } from '@model';
import type { CollectorConfig } from '../config/config';
import type { AppDeps } from './appDeps';
import { CollectorError, ErrorCode, errorBody, logInternal, storeUnavailable, tooLarge } from '../errors';
import { defaultAdmission } from '../ingest/admission';
import { registerAdminRoutes } from './adminRoutes';
import { registerAlertRoutes } from './alertRoutes';
import { tokenTable } from './auth';
import { registerIngestRoutes } from './ingestRoutes';
import { registerJsonParser } from './jsonBody';
import { checkRequestParams } from './params';
import { registerReadRoutes } from './readRoutes';
import { registerUploadRoutes } from './uploadRoutes';
import { registerSavedRoutes } from './savedRoutes';
import { registerVonageRoutes } from './vonageRoutes';

/** A session id of `maxIdChars` UTF-16 units, percent-encoded (up to 12 characters for an astral one). */
const MAX_PARAM_LENGTH = Limits.maxIdChars * 12;

/** Fastify's own refusals, in the collector's error family (its text names Fastify internals). */
function fromFastify(err: FastifyError, req: FastifyRequest): CollectorError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return tooLarge(
        `the body is larger than ${req.routeOptions.bodyLimit ?? Limits.maxBodyBytes} bytes, the limit of this route`
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new CollectorError(
        415,
        ErrorCode.UnsupportedMediaType,
        `Content-Type '${String(req.headers['content-type']).slice(0, 100)}' is not accepted here: send application/json (ingest also takes application/x-ndjson)`,
        { field: 'Content-Type' }
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new CollectorError(400, ErrorCode.InvalidField, 'Content-Length does not match the body', {
        field: 'Content-Length',
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new CollectorError(400, ErrorCode.InvalidBody, 'the body is empty: send JSON', { field: 'body' });
    case 'FST_ERR_BAD_URL':
      return new CollectorError(400, ErrorCode.InvalidField, 'the URL is not valid (bad percent-encoding)', {
        field: 'url',
      });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new CollectorError(
        414,
        ErrorCode.UriTooLong,
        `a path parameter is longer than ${MAX_PARAM_LENGTH} characters (ids are at most ${Limits.maxIdChars})`,
        { field: 'url' }
      );
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new CollectorError(
      err.statusCode,
      ErrorCode.InvalidBody,
      `the request was refused (${err.code ?? err.statusCode})`
    );
  }
  return undefined;
}

/**
 * The HTTP server, bounded against slow and numerous clients: a request's headers and body must
 * arrive within `requestTimeoutMs` (else 408 and the connection is closed; Node checks every
 * second), and at most `maxConnections` are open at once (more are dropped on arrival).
 */
function boundedServer(handler: RequestListener, config: CollectorConfig): Server {
  const requestTimeout = config.requestTimeoutMs ?? Limits.requestTimeoutMs;
  const server = createServer(
    {
      requestTimeout,
      headersTimeout: Math.min(requestTimeout, 30_000),
      connectionsCheckingInterval: Math.min(1000, requestTimeout),
      keepAliveTimeout: 72_000,
    },
    handler
  );
  server.maxConnections = config.maxConnections ?? Limits.maxConnections;
  return server;
}

/**
 * Once the collector is closing, answers carry `Connection: close`. Closing reaps the connections
 * idle at that moment only, and keep-alive lasts 72 s: a request still being handled (an ingest
 * waiting for the store) otherwise left its connection open after its answer, for the grace
 * period of the close to drop (server.ts).
 */
function closeConnectionsOnClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_req, reply) => {
    if (closing) {
      reply.header('connection', 'close');
    }
  });
}

/** Bytes past a route's limit the collector reads and drops so that the client can read its 413. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

function drainable(req: FastifyRequest): boolean {
  const length = Number(req.headers['content-length']);
  const limit = req.routeOptions.bodyLimit ?? Limits.maxBodyBytes;
  return Number.isFinite(length) && length - limit <= MAX_DRAIN_BYTES;
}

/** The collector's HTTP API: ingest, queries (Grafana frames), REST search and health. */
export async function buildApp({
  store,
  config,
  vonage,
}: Pick<AppDeps, 'store' | 'config' | 'vonage'>): Promise<FastifyInstance> {
  const deps: AppDeps = {
    store,
    config,
    vonage,
    admission: defaultAdmission(store.kind, {
      ...(config.ingestMaxQueueMs ? { maxQueueMs: config.ingestMaxQueueMs } : {}),
      ...(config.ingestMaxLoopDelayMs ? { maxLoopDelayMs: config.ingestMaxLoopDelayMs } : {}),
      ...(store.kind === 'postgres' && config.ingestWriters ? { writers: config.ingestWriters } : {}),
    }),
  };
  const app = Fastify({
    logger: false,
    bodyLimit: Limits.maxBodyBytes,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    serverFactory: (handler) => boundedServer(handler, config),
  });
  closeConnectionsOnClose(app);
  registerJsonParser(app);
  app.addContentTypeParser(['application/x-ndjson', 'application/ndjson'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body)
  );
  app.addHook('preValidation', async (req) => checkRequestParams(req));
  // The one place an error becomes an HTTP answer: the family's status, message, code and field;
  // anything else is the collector's fault, logged, and answered without its text.
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const where = `${req.method} ${req.routeOptions.url ?? req.url}`;
    const e = err instanceof CollectorError ? err : (storeUnavailable(err, where) ?? fromFastify(err, req));
    if (!e) {
      logInternal(err, where);
      return reply
        .code(500)
        .send({ error: 'internal error (the collector log has the details)', code: ErrorCode.Internal });
    }
    if (e.status === 413 && drainable(req)) {
      // Fastify closes the connection, and a client still sending then gets EPIPE instead of
      // this answer; reading (and dropping) the rest of a body of bounded size lets it finish.
      reply.removeHeader('connection');
    }
    if (e.retryAfterS !== undefined) {
      reply.header('retry-after', String(Math.ceil(e.retryAfterS)));
    }
    return reply.code(e.status).send(errorBody(e));
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(
      errorBody(
        new CollectorError(404, ErrorCode.NotFound, `no route ${req.method} ${req.url.split('?')[0].slice(0, 200)}`, {
          field: 'url',
        })
      )
    )
  );
  const tokens = tokenTable(deps.config.tokens);
  registerIngestRoutes(app, deps, tokens);
  registerReadRoutes(app, deps, tokens);
  registerUploadRoutes(app, deps, tokens);
  registerSavedRoutes(app, deps, tokens);
  registerAdminRoutes(app, deps, tokens);
  registerVonageRoutes(app, deps);
  registerAlertRoutes(app, deps, tokens);
  return app;
}
