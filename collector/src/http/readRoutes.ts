import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkQuery, QUERY_PATH, QueryType, REST, type CallType, type SessionSearchResponse } from '@model';
import { forbidden, invalidField } from '../errors';
import { listProjects } from '../store/projects';
import { runQueries } from '../query/runQueries';
import { searchSessions } from '../query/shared/sessionSearch';
import { VERSION } from '../version';
import { authenticate, readableProjects, type Principal } from './auth';
import { boolParam, numberParam, textParam } from './params';
import type { AppDeps } from './appDeps';

const DAY = 24 * 60 * 60 * 1000;
/** Epoch ms a JavaScript Date can hold. */
const MAX_TIME = 8.64e15;

/** A number of the search as given: the descriptor then names a value that is not one (`limit=abc`). */
function searchNumber(params: unknown, name: string): number | undefined {
  const raw = textParam(params, name, 64);
  const n = Number(raw);
  return raw === undefined ? undefined : raw.trim() !== '' && Number.isFinite(n) ? n : (raw as unknown as number);
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

  app.post(QUERY_PATH, async (req) => {
    const g = readableProjects(authenticate(tokens, req));
    return runQueries(store, config, g, req.body);
  });

  app.get(REST.sessions, async (req) => {
    const projects = await granted(req);
    const q = req.query;
    const project = textParam(q, 'project');
    if (project && !projects.includes(project)) {
      throw forbidden(`project '${project}' is not granted to this token`, 'project');
    }
    const callType = textParam(q, 'callType');
    const sessionIdPrefix = textParam(q, 'q');
    const tag = textParam(q, 'tag');
    const time = { min: -MAX_TIME, max: MAX_TIME };
    const to = numberParam(q, 'to', time) ?? Date.now();
    const from = numberParam(q, 'from', time) ?? to - DAY;
    // The same search as the sessions query, checked by its descriptor (numbers only parsed here).
    const search = {
      sessionIdPrefix,
      hasErrors: boolParam(q, 'hasErrors') ?? false,
      callType: callType as CallType | undefined,
      minSize: searchNumber(q, 'minSize'),
      saved: boolParam(q, 'saved'),
      tag,
      maxRating: searchNumber(q, 'maxRating'),
      limit: searchNumber(q, 'limit'),
    };
    const problem = checkQuery({ queryType: QueryType.Sessions, ...search });
    if (problem) {
      throw invalidField(problem.field, problem.message);
    }
    const sessions = await searchSessions(store, { projects: project ? [project] : projects, from, to, ...search });
    const answer: SessionSearchResponse = { from, to, sessions };
    return answer;
  });
}
