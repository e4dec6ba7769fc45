import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthError, type Principal } from './auth';

export interface IngestCors {
  /** Route hook: lets the page read every answer (errors too) when some ingest token allows its origin. */
  onRequest(req: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Refuses a cross-origin request whose own token does not list its origin. */
  check(req: FastifyRequest, principal: Principal): void;
}

/**
 * CORS for the ingest route only, from the origins configured per ingest token (none by
 * default). A preflight carries no token, so it is answered for any origin some ingest token
 * allows; the request itself is then refused unless its own token lists the origin. No other
 * route answers CORS, so no page on another origin can read or purge through a visitor's browser.
 */
export function registerIngestCors(app: FastifyInstance, path: string, tokens: Map<string, Principal>): IngestCors {
  const allowed = new Set<string>();
  for (const p of tokens.values()) {
    if (p.kind === 'ingest') {
      p.origins.forEach((o) => allowed.add(o));
    }
  }
  const crossOrigin = (req: FastifyRequest): string | undefined => {
    const origin = req.headers.origin;
    return typeof origin === 'string' && !isSameHost(origin, req.headers.host) ? origin : undefined;
  };

  app.options(path, async (req, reply) => {
    const origin = req.headers.origin;
    reply.header('vary', 'Origin');
    if (typeof origin !== 'string' || !allowed.has(origin)) {
      return reply
        .code(403)
        .send({ error: `origin ${JSON.stringify(origin ?? null)} is not in any ingest token's origins` });
    }
    return reply
      .code(204)
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'Authorization, Content-Type')
      .header('access-control-max-age', '600')
      .send();
  });

  return {
    async onRequest(req, reply) {
      reply.header('vary', 'Origin');
      const origin = crossOrigin(req);
      if (origin && allowed.has(origin)) {
        reply.header('access-control-allow-origin', origin);
      }
    },
    check(req, principal) {
      const origin = crossOrigin(req);
      if (origin && (principal.kind !== 'ingest' || !principal.origins.includes(origin))) {
        throw new AuthError(403, `origin '${origin}' is not in this ingest token's origins`);
      }
    },
  };
}

// A page served by the collector itself sends its own origin: not a cross-origin request.
function isSameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
