import { FleetMetric, Limits, QUERY_DESCRIPTORS, type DataFrameJSON, type FleetGroup, type FleetStat } from '@model';
import { frame } from '../frames/frame';
import { seriesLinks, sessionIdLinks } from '../frames/links';
import { MINUTE_METRICS, MINUTE_MS, type MinuteMetricColumn } from '../store/qualityMinutes';
import type { QueryContext } from './context';
import { bucketSql, bucketWidth } from './shared/buckets';
import { SqlWhere } from './shared/where';

/** The label columns of each grouping; session, stream and user also carry the project and session so links and alerts can name them. */
const GROUP_LABELS: Record<FleetGroup, Record<string, string>> = {
  none: {},
  project: { project: 'x.project' },
  sdk: { sdk: `coalesce(u.sdk, 'unknown')` },
  browser: { browser: `coalesce(u.browser, u.sdk, 'unknown')` },
  country: { country: `coalesce(u.country, 'unknown')` },
  session: { project: 'x.project', session: 'x.session_id' },
  stream: { project: 'x.project', session: 'x.session_id', stream: `coalesce(x.stream_id, 'none')` },
  user: { project: 'x.project', session: 'x.session_id', user: 'x.client_id' },
};

const STAT_SQL: Record<FleetStat, (col: string) => string> = {
  p50: (c) => `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${c})`,
  p95: (c) => `percentile_cont(0.95) WITHIN GROUP (ORDER BY ${c})`,
  max: (c) => `max(${c})`,
};

const METRIC_COLUMN: Record<Exclude<FleetMetric, 'failureRate'>, { column: MinuteMetricColumn; unit: string }> = {
  lossPct: { column: 'loss_pct', unit: 'percent' },
  rttMs: { column: 'rtt_ms', unit: 'ms' },
  bitrateKbps: { column: 'bitrate_kbps', unit: 'Kbits' },
};

/** A row's time bucket: `width` wide from `origin`, or with a numeric or table answer one bucket spanning the range. */
function timeBucket(
  ctx: QueryContext,
  where: SqlWhere,
  numeric: boolean,
  column: string,
  origin: number,
  width: number
) {
  return numeric ? `${where.param(ctx.from)}::float8` : bucketSql(where, column, origin, width);
}

/**
 * Where a fleet quality query reads its values: the samples, or over `fleetMinutesFromMs` and
 * more each stream's minute means from the rollups (the current minute's too: ingest keeps it up
 * to date), in buckets of whole minutes.
 */
function qualitySource(ctx: QueryContext, column: MinuteMetricColumn, where: SqlWhere, numeric: boolean) {
  const width = bucketWidth(ctx.from, ctx.to, ctx.maxDataPoints, ctx.intervalMs);
  if (ctx.to - ctx.from < Limits.fleetMinutesFromMs) {
    where.scope(ctx.projects, ctx.from, ctx.to, 'x').add(`x.${column} IS NOT NULL`);
    const bucket = timeBucket(ctx, where, numeric, 'x.ts', ctx.from, width);
    return { table: 'all_quality_samples', value: `x.${column}`, bucket, notices: [] };
  }
  const m = MINUTE_METRICS[column];
  const origin = ctx.from - (ctx.from % MINUTE_MS);
  where
    .add(`x.project = ANY(${where.param(ctx.projects)}::text[])`)
    .add(`x.minute >= ${where.param(origin)}::bigint`)
    .add(`x.minute <= ${where.param(ctx.to)}::bigint`)
    .add(`x.${m}_n > 0`);
  return {
    table: 'all_quality_minutes',
    value: `(x.${m}_sum / x.${m}_n)`,
    bucket: timeBucket(ctx, where, numeric, 'x.minute', origin, Math.ceil(width / MINUTE_MS) * MINUTE_MS),
    notices: [
      { severity: 'info', text: "Over an hour or more: each stream's minute means, in buckets of whole minutes" },
    ],
  };
}

interface Row {
  t: number;
  v: number;
  /** groupBy stream: the stream's publisher, when its samples are among the rows. */
  publisher?: string | null;
  [label: string]: string | number | null | undefined;
}

/**
 * G1 fleet metrics: across every session of the granted projects, per time bucket, a quality
 * percentile (p50 / p95 / max of loss, RTT or bitrate samples, or over an hour or more of each
 * stream's minute means: `qualitySource`) or a failure rate (failures /
 * attempts of connect, publish or subscribe), optionally one series per project, SDK, browser,
 * country, session, stream or user. Labelled time series (data-plane timeseries-multi) for
 * multi-dimensional alert rules, or with `format: numeric` one number per series over the whole
 * range (numeric-multi).
 */
export async function fleetQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const q = ctx.query;
  const d = QUERY_DESCRIPTORS.fleet.defaults;
  const metric = q.fleetMetric ?? d.fleetMetric;
  const stat = q.stat ?? d.stat;
  const groupBy = q.groupBy ?? d.groupBy;
  const format = q.format ?? d.format;
  const action = q.action ?? d.action;
  if (ctx.projects.length === 0) {
    return [];
  }
  const numeric = format !== 'timeseries';
  const where = new SqlWhere();
  const labelCols = Object.entries(GROUP_LABELS[groupBy]);
  const select = labelCols.map(([, sql], i) => `${sql} AS "l${i}"`);
  const groupCols = labelCols.map((_, i) => `"l${i}"`);
  const join =
    'LEFT JOIN users u ON u.project = x.project AND u.session_id = x.session_id AND u.client_id = x.client_id';
  let sql: string;
  let unit: string;
  let notices: object[] = [];
  if (metric === FleetMetric.FailureRate) {
    where.scope(ctx.projects, ctx.from, ctx.to, 'x');
    const width = bucketWidth(ctx.from, ctx.to, ctx.maxDataPoints, ctx.intervalMs);
    const bucket = timeBucket(ctx, where, numeric, 'x.ts', ctx.from, width);
    where.equalsIf('x.action', action);
    unit = 'percentunit';
    sql = `SELECT ${[...select, `${bucket} AS t`].join(', ')},
             count(*) FILTER (WHERE x.variation = 'failure')::float8 / count(*) FILTER (WHERE x.variation = 'attempt')::float8 AS v
           FROM all_events x ${join}
           WHERE ${where}
           GROUP BY ${[...groupCols, 't'].join(', ')} HAVING count(*) FILTER (WHERE x.variation = 'attempt') > 0
           ORDER BY ${[...groupCols, 't'].join(', ')}`;
  } else {
    const m = METRIC_COLUMN[metric];
    unit = m.unit;
    const source = qualitySource(ctx, m.column, where, numeric);
    notices = source.notices;
    where.equalsIf('x.media', q.media).equalsIf('x.role', q.role);
    // A stream's series names its publisher (`user`), so that an alert can say whose stream it is.
    const publisher = groupBy === 'stream' ? [`max(x.client_id) FILTER (WHERE x.role = 'publisher') AS publisher`] : [];
    sql = `SELECT ${[...select, `${source.bucket} AS t`, `(${STAT_SQL[stat](source.value)})::float8 AS v`, ...publisher].join(', ')}
           FROM ${source.table} x ${join}
           WHERE ${where}
           GROUP BY ${[...groupCols, 't'].join(', ')} ORDER BY ${[...groupCols, 't'].join(', ')}`;
  }
  const rows = await ctx.store.query<Row>(sql, where.params);
  const series = new Map<string, { labels: Record<string, string>; points: Array<{ t: number; v: number }> }>();
  for (const r of rows) {
    const labels: Record<string, string> = { metric, stat: metric === FleetMetric.FailureRate ? action : stat };
    labelCols.forEach(([name], i) => (labels[name] = String(r[`l${i}`])));
    const key = JSON.stringify(labels);
    const s = series.get(key) ?? { labels, points: [] };
    s.points.push({ t: r.t, v: r.v });
    if (r.publisher && !s.labels.user) {
      s.labels.user = r.publisher;
    }
    series.set(key, s);
  }
  if (format === 'table') {
    return [fleetTable(ctx, metric, unit, labelCols, [...series.values()], notices)];
  }
  return [...series.values()].map(({ labels, points }) => {
    const value = { name: metric, kind: 'number' as const, labels, config: seriesLinks(ctx, labels, { unit }) };
    const shown = notices.length > 0 ? { notices } : {};
    if (numeric) {
      return frame([{ ...value, values: [points[0].v] }], {
        name: metric,
        refId: ctx.refId,
        meta: { type: 'numeric-multi', typeVersion: [0, 1], ...shown },
      });
    }
    return frame(
      [
        { name: 'time', kind: 'time', values: points.map((p) => p.t) },
        { ...value, values: points.map((p) => p.v) },
      ],
      { name: metric, refId: ctx.refId, meta: { type: 'timeseries-multi', typeVersion: [0, 1], ...shown } }
    );
  });
}

/** One table frame: a string column per label (the session one linked), the value over the range. */
function fleetTable(
  ctx: QueryContext,
  metric: FleetMetric,
  unit: string,
  labelCols: Array<[string, string]>,
  series: Array<{ labels: Record<string, string>; points: Array<{ v: number }> }>,
  notices: object[]
): DataFrameJSON {
  return frame(
    [
      ...labelCols.map(([name]) => ({
        name,
        kind: 'string' as const,
        values: series.map((s) => s.labels[name]),
        config: name === 'session' ? sessionIdLinks() : undefined,
      })),
      { name: metric, kind: 'number' as const, values: series.map((s) => s.points[0].v), config: { unit } },
    ],
    { name: metric, refId: ctx.refId, ...(notices.length > 0 ? { meta: { notices } } : {}) }
  );
}
