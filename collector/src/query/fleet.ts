import { FLEET_GROUPS, FLEET_STATS, FleetMetric, type DataFrameJSON, type FleetGroup, type FleetStat } from '@model';
import { frame } from '../frames/frame';
import { QueryInputError, type QueryContext } from './context';
import { bucketWidth } from './quality';

const GROUP_SQL: Record<FleetGroup, string> = {
  none: `'all'`,
  project: 'x.project',
  sdk: `coalesce(u.sdk, 'unknown')`,
  browser: `coalesce(u.browser, u.sdk, 'unknown')`,
  country: `coalesce(u.country, 'unknown')`,
};

const STAT_SQL: Record<FleetStat, (col: string) => string> = {
  p50: (c) => `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${c})`,
  p95: (c) => `percentile_cont(0.95) WITHIN GROUP (ORDER BY ${c})`,
  max: (c) => `max(${c})`,
};

const METRIC_COLUMN: Record<Exclude<FleetMetric, 'failureRate'>, { column: string; unit: string }> = {
  lossPct: { column: 'x.loss_pct', unit: 'percent' },
  rttMs: { column: 'x.rtt_ms', unit: 'ms' },
  bitrateKbps: { column: 'x.bitrate_kbps', unit: 'Kbits' },
};

/**
 * G1 fleet metrics: across every session of the granted projects, per time bucket, a quality
 * percentile (p50 / p95 / max of loss, RTT or bitrate samples) or a failure rate (failures /
 * attempts of connect, publish or subscribe), optionally one series per project, SDK, browser
 * or country. Labelled time series, ready for multi-dimensional alert rules.
 */
export async function fleetQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const q = ctx.query;
  const metric = q.fleetMetric ?? FleetMetric.PacketLoss;
  const stat = q.stat ?? 'p95';
  const groupBy = q.groupBy ?? 'none';
  if (!Object.values(FleetMetric).includes(metric)) {
    throw new QueryInputError(`fleetMetric must be one of ${Object.values(FleetMetric).join(', ')}`);
  }
  if (!FLEET_STATS.includes(stat)) {
    throw new QueryInputError(`stat must be one of ${FLEET_STATS.join(', ')}`);
  }
  if (!FLEET_GROUPS.includes(groupBy)) {
    throw new QueryInputError(`groupBy must be one of ${FLEET_GROUPS.join(', ')}`);
  }
  const action = q.action ?? 'connect';
  if (!['connect', 'publish', 'subscribe'].includes(action)) {
    throw new QueryInputError('action must be connect, publish or subscribe');
  }
  if (ctx.projects.length === 0) {
    return [];
  }
  const width = bucketWidth(ctx.from, ctx.to, ctx.maxDataPoints, ctx.intervalMs);
  const params: Array<string | number | string[]> = [ctx.projects, ctx.from, ctx.to, width];
  const bucket = `($2::float8 + floor((x.ts - $2::float8) / $4::float8) * $4::float8)`;
  const join = 'LEFT JOIN users u ON u.project = x.project AND u.session_id = x.session_id AND u.client_id = x.client_id';
  let sql: string;
  let unit: string;
  if (metric === FleetMetric.FailureRate) {
    params.push(action);
    unit = 'percentunit';
    sql = `SELECT ${GROUP_SQL[groupBy]} AS grp, ${bucket} AS t,
             count(*) FILTER (WHERE x.variation = 'failure')::float8 / count(*) FILTER (WHERE x.variation = 'attempt')::float8 AS v
           FROM all_events x ${join}
           WHERE x.project = ANY($1::text[]) AND x.ts >= $2::bigint AND x.ts <= $3::bigint AND x.action = $5
           GROUP BY grp, t HAVING count(*) FILTER (WHERE x.variation = 'attempt') > 0 ORDER BY grp, t`;
  } else {
    const m = METRIC_COLUMN[metric];
    unit = m.unit;
    const where = [`x.project = ANY($1::text[])`, `x.ts >= $2::bigint`, `x.ts <= $3::bigint`, `${m.column} IS NOT NULL`];
    for (const [value, column] of [
      [q.media, 'x.media'],
      [q.role, 'x.role'],
    ] as const) {
      if (value) {
        params.push(value);
        where.push(`${column} = $${params.length}`);
      }
    }
    sql = `SELECT ${GROUP_SQL[groupBy]} AS grp, ${bucket} AS t, (${STAT_SQL[stat](m.column)})::float8 AS v
           FROM all_quality_samples x ${join}
           WHERE ${where.join(' AND ')}
           GROUP BY grp, t ORDER BY grp, t`;
  }
  const rows = await ctx.store.query<{ grp: string; t: number; v: number }>(sql, params);
  const groups = new Map<string, Array<{ t: number; v: number }>>();
  for (const r of rows) {
    groups.set(r.grp, [...(groups.get(r.grp) ?? []), { t: r.t, v: r.v }]);
  }
  return [...groups].map(([grp, points]) => {
    const labels: Record<string, string> = { metric, stat: metric === FleetMetric.FailureRate ? action : stat };
    if (groupBy !== 'none') {
      labels[groupBy] = grp;
    }
    return frame(
      [
        { name: 'time', kind: 'time', values: points.map((p) => p.t) },
        { name: metric, kind: 'number', values: points.map((p) => p.v), labels, config: { unit } },
      ],
      { name: metric, refId: ctx.refId, meta: { type: 'timeseries-multi', typeVersion: [0, 1] } }
    );
  });
}
