import { CoreApp, dateTime, type DataQueryRequest } from '@grafana/data';
import type { SessionQuery } from '../datasource/types';

/** A time range as epoch ms. */
export interface TimeWindow {
  from: number;
  to: number;
}

let requestSeq = 0;

/**
 * The request pages, panels' hosts and editors send through the data source (so to the Go backend
 * and the collector), outside Grafana's own query runner. The interval keeps at most
 * `maxDataPoints` buckets, and never below a second, unless one is given.
 */
export function queryRequest(
  targets: SessionQuery[],
  range: TimeWindow,
  options: { maxDataPoints: number; intervalMs?: number; requestId?: string }
): DataQueryRequest<SessionQuery> {
  const { maxDataPoints } = options;
  const intervalMs = options.intervalMs ?? Math.max(1000, Math.ceil((range.to - range.from) / maxDataPoints));
  const from = dateTime(range.from);
  const to = dateTime(range.to);
  return {
    app: CoreApp.Unknown,
    requestId: options.requestId ?? `session-inspector-${++requestSeq}`,
    interval: `${intervalMs}ms`,
    intervalMs,
    maxDataPoints,
    range: { from, to, raw: { from, to } },
    scopedVars: {},
    targets,
    timezone: 'browser',
    startTime: Date.now(),
  };
}
