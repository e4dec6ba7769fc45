import {
  checkQuery,
  type DataFrameJSON,
  type QueryType,
  type WireQueryRequest,
  type WireQueryResponse,
  type WireResult,
} from '@model';
import type { CollectorConfig } from '../config/config';
import type { Store } from '../store/store';
import { listProjects } from '../store/projects';
import { buildContext, QueryInputError, type QueryContext } from './context';
import { annotationsQuery } from './annotations';
import { errorsQuery, failureRatesQuery } from './errors';
import { eventsQuery } from './events';
import { fleetQuery } from './fleet';
import { largeSessionQuery } from './largeSession';
import { meetingsQuery } from './meetings';
import { qualityQuery } from './quality';
import { sessionsQuery } from './sessions';
import { summaryQuery } from './summary';
import { usersQuery } from './users';
import { variablesQuery } from './variables';

type Handler = (ctx: QueryContext) => Promise<DataFrameJSON[]>;

/** One handler per query type: a new query type is one new module and one line here. */
const HANDLERS: Record<QueryType, Handler> = {
  sessions: sessionsQuery,
  meetings: meetingsQuery,
  summary: summaryQuery,
  users: usersQuery,
  errors: errorsQuery,
  failureRates: failureRatesQuery,
  events: eventsQuery,
  quality: qualityQuery,
  largeSession: largeSessionQuery,
  fleet: fleetQuery,
  annotations: annotationsQuery,
  variables: variablesQuery,
};

async function runOne(
  store: Store,
  config: CollectorConfig,
  granted: string[] | '*',
  allProjects: () => Promise<string[]>,
  wire: WireQueryRequest['queries'][number]
): Promise<WireResult> {
  try {
    // Validated with the query type's descriptor before dispatch; an unknown type is named
    // before the time range and project are checked, a bad field after.
    const problem = checkQuery(wire.query ?? {});
    if (problem?.field === 'queryType') {
      throw new QueryInputError(problem.message);
    }
    const ctx = buildContext(store, config, granted, wire, granted === '*' ? await allProjects() : []);
    if (problem) {
      throw new QueryInputError(problem.message);
    }
    return { status: 200, frames: await HANDLERS[ctx.query.queryType](ctx) };
  } catch (err) {
    if (err instanceof QueryInputError) {
      return { status: 400, error: err.message, errorSource: 'downstream' };
    }
    return { status: 500, error: `query failed: ${(err as Error).message}`, errorSource: 'plugin' };
  }
}

/** Runs every query independently: one bad query never fails its siblings. */
export async function runQueries(
  store: Store,
  config: CollectorConfig,
  granted: string[] | '*',
  request: WireQueryRequest
): Promise<WireQueryResponse> {
  let cached: Promise<string[]> | undefined;
  const allProjects = () => (cached ??= listProjects(store));
  // refIds come from the client: a prototype-free object keeps `__proto__` an ordinary key.
  const results: WireQueryResponse['results'] = Object.create(null);
  for (const wire of request.queries) {
    results[wire.refId] = await runOne(store, config, granted, allProjects, wire);
  }
  return { results };
}
