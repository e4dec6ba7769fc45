import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CallType, QUERY_PATH, REST, type WireQueryRequest } from '@model';
import { listProjects, QueryInputError } from '../query/context';
import { runQueries } from '../query/runQueries';
import { searchSessions } from '../query/sessions';
import { VERSION } from '../version';
import { AuthError, authenticate, readableProjects, type Principal } from './auth';
import type { AppDeps } from './server';

const DAY = 24 * 60 * 60 * 1000;

function optionalNumber(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') {
    return undefined;
  }
  const n = Number(raw);
  if (!Number.isFinite(n)) {
    throw new QueryInputError(`${name} must be a number, got '${raw}'`);
  }
  return n;
}

export function registerReadRoutes(app: FastifyInstance, deps: AppDeps, tokens: Map<string, Principal>) {
  const { store, config } = deps;
  const granted = async (req: FastifyRequest): Promise<string[]> => {
    const g = readableProjects(authenticate(tokens, req));
    return g === '*' ? listProjects(store) : g;
  };

  app.get('/healthz', async () => ({ status: 'ok', version: VERSION }));

  app.get(REST.health, async (req) => {
    const projects = await granted(req);
    const newest = projects.length
      ? await store.query<{ ts: number | null }>(
          `SELECT max(ts)::float8 AS ts FROM (
             SELECT max(ts) AS ts FROM all_events WHERE project = ANY($1::text[])
             UNION ALL SELECT max(ts) FROM all_quality_samples WHERE project = ANY($1::text[])) t`,
          [projects]
        )
      : [{ ts: null }];
    return { status: 'ok', version: VERSION, database: store.kind, projects, newestDataTs: newest[0]?.ts ?? null };
  });

  app.post<{ Body: WireQueryRequest }>(QUERY_PATH, async (req, reply) => {
    const g = readableProjects(authenticate(tokens, req));
    if (!req.body || !Array.isArray(req.body.queries)) {
      return reply.code(400).send({ error: 'body must be {"queries": [...]}' });
    }
    return runQueries(store, config, g, req.body);
  });

  app.get<{ Querystring: Record<string, string | undefined> }>(REST.sessions, async (req, reply) => {
    const projects = await granted(req);
    const q = req.query;
    try {
      if (q.project && !projects.includes(q.project)) {
        throw new AuthError(403, `project '${q.project}' is not granted to this token`);
      }
      if (q.callType && !Object.values(CallType).includes(q.callType as CallType)) {
        throw new QueryInputError(`callType must be one of ${Object.values(CallType).join(', ')}`);
      }
      const to = optionalNumber(q.to, 'to') ?? Date.now();
      const from = optionalNumber(q.from, 'from') ?? to - DAY;
      const sessions = await searchSessions(store, {
        projects: q.project ? [q.project] : projects,
        from,
        to,
        sessionIdPrefix: q.q,
        hasErrors: q.hasErrors === 'true',
        callType: q.callType as CallType | undefined,
        minSize: optionalNumber(q.minSize, 'minSize'),
        saved: q.saved === undefined ? undefined : q.saved === 'true',
        tag: q.tag,
        maxRating: optionalNumber(q.maxRating, 'maxRating'),
        limit: optionalNumber(q.limit, 'limit'),
      });
      return { from, to, sessions };
    } catch (err) {
      if (err instanceof QueryInputError) {
        return reply.code(400).send({ error: err.message });
      }
      throw err;
    }
  });
}
