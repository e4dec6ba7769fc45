import type { SessionQueryModel, WireQuery } from '@model';
import type { CollectorConfig } from '../config/config';
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
}

/** A query the caller got wrong: answered with a 400 for that refId only. */
export class QueryInputError extends Error {}

export function buildContext(
  store: Store,
  config: CollectorConfig,
  granted: string[] | '*',
  wire: WireQuery,
  allProjects: string[]
): QueryContext {
  const { query, timeRange } = wire;
  if (
    !timeRange ||
    !Number.isFinite(timeRange.from) ||
    !Number.isFinite(timeRange.to) ||
    timeRange.from > timeRange.to
  ) {
    throw new QueryInputError('timeRange must have numeric from <= to (epoch ms)');
  }
  const readable = granted === '*' ? allProjects : granted;
  let projects = readable;
  if (query.project) {
    if (!readable.includes(query.project) && granted !== '*') {
      throw new QueryInputError(`project '${query.project}' is not granted to this token`);
    }
    projects = [query.project];
  }
  const maxDataPoints =
    Number.isFinite(wire.maxDataPoints) && wire.maxDataPoints > 0 ? Math.floor(wire.maxDataPoints) : 1000;
  const intervalMs = Number.isFinite(wire.intervalMs) && wire.intervalMs > 0 ? wire.intervalMs : 1;
  const from = Math.floor(timeRange.from);
  const to = Math.ceil(timeRange.to);
  return { store, config, projects, query, from, to, maxDataPoints, intervalMs, refId: wire.refId };
}
