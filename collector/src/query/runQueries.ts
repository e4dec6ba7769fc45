import {
  checkQuery,
  ownEntry,
  type DataFrameJSON,
  type QueryType,
  type WireQuery,
  type WireQueryResponse,
  type WireResult,
} from '@model';
import type { CollectorConfig } from '../config/config';
import { CollectorError, invalidField, logInternal, storeUnavailable } from '../errors';
import type { Store } from '../store/store';
import { listProjects } from '../store/projects';
import { buildContext, type QueryContext } from './context';
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
import { queryObject, validateQueryFrame, validateQueryList, validateQueryModel } from './validateQuery';
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
  wire: WireQuery,
  shared: QueryContext['shared']
): Promise<WireResult> {
  try {
    // The query type's descriptor names a bad field it reads (an unknown type before the time
    // range, a bad field after); then every field is checked for values no handler may see.
    const problem = checkQuery(queryObject(wire.query));
    if (problem?.field === 'queryType') {
      throw invalidField('query.queryType', problem.message);
    }
    const frame = validateQueryFrame(wire);
    if (problem) {
      throw invalidField(`query.${problem.field}`, problem.message);
    }
    const query = validateQueryModel(wire.query);
    const all = granted === '*' ? await allProjects() : [];
    const ctx = buildContext(store, config, granted, { ...wire, ...frame, query }, all, shared);
    const handler = ownEntry(HANDLERS, query.queryType)!;
    return { status: 200, frames: await handler(ctx) };
  } catch (err) {
    const e = err instanceof CollectorError ? err : storeUnavailable(err, `query ${wire.refId}`);
    if (e) {
      return { status: e.status, error: e.message, errorSource: 'downstream' };
    }
    logInternal(err, `query ${wire.refId}`);
    return {
      status: 500,
      error: 'query failed: internal error (the collector log has the details)',
      errorSource: 'plugin',
    };
  }
}

/**
 * Runs every query independently and side by side (on PostgreSQL each on a connection of the
 * pool): one bad query never fails its siblings, and a page's request of several queries takes
 * about its slowest, not their sum.
 */
export async function runQueries(
  store: Store,
  config: CollectorConfig,
  granted: string[] | '*',
  body: unknown
): Promise<WireQueryResponse> {
  const queries = validateQueryList(body);
  let cached: Promise<string[]> | undefined;
  const allProjects = () => (cached ??= listProjects(store));
  // refIds come from the client: a prototype-free object keeps `__proto__` an ordinary key.
  const results: WireQueryResponse['results'] = Object.create(null);
  const shared: QueryContext['shared'] = new Map();
  const answers = await Promise.all(queries.map((wire) => runOne(store, config, granted, allProjects, wire, shared)));
  queries.forEach((wire, i) => {
    results[wire.refId] = answers[i];
  });
  return { results };
}
