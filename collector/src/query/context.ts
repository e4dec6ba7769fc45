import type { SessionQueryModel, WireQuery } from '@model';
import type { CollectorConfig } from '../config/config';
import { forbidden } from '../errors';
import type { Store } from '../store/store';

/** What a query handler gets: the store, the caller's projects, and the query itself. */
export interface QueryContext {
  store: Store;
  config: CollectorConfig;
  /** Projects the caller may read (already narrowed to the query's `project` if it set one). */
  projects: string[];
  query: SessionQueryModel;
  from: number;
  to: number;
  maxDataPoints: number;
  intervalMs: number;
  refId: string;
  /** What the queries of one request read alike, read once (`once`). */
  shared: Map<string, Promise<unknown>>;
}

/** The context of a query whose time range and model `validateQuery` has checked. */
export function buildContext(
  store: Store,
  config: CollectorConfig,
  granted: string[] | '*',
  wire: WireQuery,
  allProjects: string[],
  shared: Map<string, Promise<unknown>>
): QueryContext {
  const { query, timeRange, maxDataPoints, intervalMs } = wire;
  const readable = granted === '*' ? allProjects : granted;
  let projects = readable;
  if (query.project) {
    if (!readable.includes(query.project) && granted !== '*') {
      throw forbidden(`project '${query.project}' is not granted to this token`, 'query.project');
    }
    projects = [query.project];
  }
  const from = Math.floor(timeRange.from);
  const to = Math.ceil(timeRange.to);
  return { store, config, projects, query, from, to, maxDataPoints, intervalMs, refId: wire.refId, shared };
}

/**
 * `load()` once per request and `key`: a page's request of several queries of one session reads
 * its events (and its diagnosis) once, not once per query. `key` names every input of `load`.
 */
export function once<T>(ctx: QueryContext, key: unknown[], load: () => Promise<T>): Promise<T> {
  const id = JSON.stringify(key);
  let loading = ctx.shared.get(id) as Promise<T> | undefined;
  if (!loading) {
    loading = load();
    ctx.shared.set(id, loading);
  }
  return loading;
}
