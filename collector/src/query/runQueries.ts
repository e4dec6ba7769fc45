import {
  ALL_QUERY_TYPES,
  ownEntry,
  type DataFrameJSON,
  type QueryType,
  type WireQueryRequest,
  type WireQueryResponse,
  type WireResult,
} from '@model';
import type { CollectorConfig } from '../config/config';
import type { Store } from '../store/store';
import { buildContext, listProjects, QueryInputError, type QueryContext } from './context';
import { annotationsQuery } from './annotations';
import { attributionQuery } from './attribution';
import { baselineQuery } from './baseline';
import { errorsQuery, failureRatesQuery } from './errors';
import { eventsQuery } from './events';
import { fleetQuery } from './fleet';
import { issuesQuery } from './issues';
import { largeSessionQuery } from './largeSession';
import { meetingsQuery } from './meetings';
import { qualityQuery } from './quality';
import { reproQuery } from './repro';
import { scoresQuery } from './scores';
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
  issues: issuesQuery,
  attribution: attributionQuery,
  scores: scoresQuery,
  baseline: baselineQuery,
  repro: reproQuery,
};

async function runOne(
  store: Store,
  config: CollectorConfig,
  granted: string[] | '*',
  allProjects: () => Promise<string[]>,
  wire: WireQueryRequest['queries'][number]
): Promise<WireResult> {
  try {
    const handler = ownEntry(HANDLERS, wire.query?.queryType);
    if (!handler) {
      throw new QueryInputError(
        `unknown queryType '${String(wire.query?.queryType)}' (known: ${ALL_QUERY_TYPES.join(', ')})`
      );
    }
    const ctx = buildContext(store, config, granted, wire, granted === '*' ? await allProjects() : []);
    return { status: 200, frames: await handler(ctx) };
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
