import { Limits, QualityMetric } from '@model';
import { MINUTE_METRICS, MINUTE_MS, type MinuteMetricColumn } from '../../store/qualityMinutes';
import type { QueryContext } from '../context';
import { bucketWidth } from './buckets';
import { minuteSpan } from './minuteSpan';
import type { SqlWhere } from './where';

/** Each metric's sample column (a bucket is its mean) and unit. */
export const QUALITY_METRICS: Record<QualityMetric, { column: MinuteMetricColumn; unit: string }> = {
  [QualityMetric.Bitrate]: { column: 'bitrate_kbps', unit: 'Kbits' },
  [QualityMetric.PacketLoss]: { column: 'loss_pct', unit: 'percent' },
  [QualityMetric.Latency]: { column: 'rtt_ms', unit: 'ms' },
  [QualityMetric.Jitter]: { column: 'jitter_ms', unit: 'ms' },
  [QualityMetric.FrameRate]: { column: 'frame_rate', unit: 'fps' },
  [QualityMetric.FrameHeight]: { column: 'height', unit: 'px' },
};
const column = (m: QualityMetric) => QUALITY_METRICS[m].column;

/** A series' labels as stored (no subscriber: ''). */
export interface SeriesKey {
  session_id: string;
  client_id: string;
  stream_id: string;
  role: string;
  media: string;
  subscriber_id: string;
  source: number;
}

/** One series: its bucket times and, per metric, the bucket means (null: no sample had it). */
export interface QualitySeries extends SeriesKey {
  t: number[];
  values: Partial<Record<QualityMetric, Array<number | null>>>;
}

export interface QualityAnswer {
  series: QualitySeries[];
  /** Bucket width, ms. */
  width: number;
  /** Wider than the panel asked, to stay within `qualityPointBudget`. */
  widened: boolean;
}

const KEYS = 'session_id, client_id, stream_id, role, media, subscriber_id, source';
const RAW_KEYS = `session_id, client_id, stream_id, role, media, coalesce(subscriber_id, '') AS subscriber_id, source`;

/** SQL of the start of the bucket `column` falls in; origin and width are integers this module computed. */
const bucketOf = (column: string, origin: number, width: number) =>
  `(${origin}::float8 + floor((${column} - ${origin}::float8) / ${width}::float8) * ${width}::float8)`;

type Row = SeriesKey & Record<string, unknown>;

const keyOf = (r: Row): SeriesKey => ({
  session_id: r.session_id,
  client_id: r.client_id,
  stream_id: r.stream_id,
  role: r.role,
  media: r.media,
  subscriber_id: r.subscriber_id,
  source: r.source,
});

/**
 * Every series' minutes in [first, last]: per minute and metric the sum and count of its
 * values, and the series' sample count; whole minutes from the rollups, the partial minutes at
 * the edges from the samples. One row per series, minutes as arrays.
 */
async function minutesOf(ctx: QueryContext, where: SqlWhere, metrics: QualityMetric[], first: number, last: number) {
  const origin = first - (first % MINUTE_MS);
  const span = minuteSpan(first, last);
  const parts = span.edges.map(
    ([a, z]) =>
      `SELECT ${RAW_KEYS}, ${bucketOf('ts', origin, MINUTE_MS)} AS t, 1 AS samples,
         ${metrics.map((m) => `coalesce(${column(m)}, 0) AS "${m}_sum", (${column(m)} IS NOT NULL)::int AS "${m}_n"`).join(', ')}
       FROM all_quality_samples x WHERE ${where} AND ts >= ${a} AND ts <= ${z}`
  );
  if (span.whole) {
    parts.push(
      `SELECT ${KEYS}, minute::float8 AS t, samples,
         ${metrics.map((m) => `${MINUTE_METRICS[column(m)]}_sum AS "${m}_sum", ${MINUTE_METRICS[column(m)]}_n AS "${m}_n"`).join(', ')}
       FROM all_quality_minutes x WHERE ${where} AND minute >= ${span.whole.from} AND minute < ${span.whole.to}`
    );
  }
  const sums = metrics.flatMap((m) => [`"${m}_sum"`, `"${m}_n"`]);
  const rows = await ctx.store.tx(async (tx) => {
    // A large broadcast's 120,000 series-minutes sort in memory instead of spilling to disk.
    await tx.query(`SET LOCAL work_mem = '${Limits.qualityWorkMemMb}MB'`);
    // A minute can come in several rows (an edge's samples, a series' connections): `rebucket` adds them up.
    return tx.query<Row>(
      `SELECT ${KEYS}, sum(samples)::float8 AS samples, array_agg(t ORDER BY t) AS t,
         ${sums.map((c) => `array_agg(${c}::float8 ORDER BY t) AS ${c}`).join(', ')}
       FROM (${parts.join(' UNION ALL ')}) parts
       GROUP BY ${KEYS} ORDER BY client_id, stream_id, role, media, subscriber_id, source`,
      [...where.params]
    );
  });
  return rows.map((r) => ({
    key: keyOf(r),
    t: r.t as number[],
    samples: r.samples as number,
    sums: new Map(metrics.map((m) => [m, [r[`${m}_sum`] as number[], r[`${m}_n`] as number[]] as const])),
  }));
}

type Minutes = Awaited<ReturnType<typeof minutesOf>>;

/** Minutes merged into buckets of `width` (whole minutes) from `origin`: the means of their samples. */
function rebucket(minutes: Minutes, metrics: QualityMetric[], origin: number, width: number): QualitySeries[] {
  return minutes.map(({ key, t, sums }) => {
    const times: number[] = [];
    const at: number[] = [];
    for (const minute of t) {
      const b = origin + Math.floor((minute - origin) / width) * width;
      if (times[times.length - 1] !== b) {
        times.push(b);
      }
      at.push(times.length - 1);
    }
    const values: QualitySeries['values'] = {};
    for (const m of metrics) {
      const [sum, n] = sums.get(m)!;
      const s = times.map(() => 0);
      const c = times.map(() => 0);
      at.forEach((i, k) => {
        s[i] += sum[k];
        c[i] += n[k];
      });
      values[m] = s.map((x, i) => (c[i] > 0 ? x / c[i] : null));
    }
    return { ...key, t: times, values };
  });
}

/** The samples' means in buckets of `width` from `origin`, straight from the samples. */
async function rawSeries(
  ctx: QueryContext,
  where: SqlWhere,
  metrics: QualityMetric[],
  range: { first: number; last: number },
  origin: number,
  width: number
): Promise<QualitySeries[]> {
  const rows = await ctx.store.query<Row>(
    `SELECT ${KEYS}, array_agg(t ORDER BY t) AS t, ${metrics.map((m) => `array_agg("${m}" ORDER BY t) AS "${m}"`).join(', ')}
     FROM (
       SELECT ${RAW_KEYS}, ${bucketOf('ts', origin, width)} AS t, ${metrics.map((m) => `avg(${column(m)})::float8 AS "${m}"`).join(', ')}
       FROM all_quality_samples x WHERE ${where} AND ts >= ${range.first} AND ts <= ${range.last}
       GROUP BY session_id, client_id, stream_id, role, media, coalesce(subscriber_id, ''), source, t
     ) buckets
     GROUP BY ${KEYS} ORDER BY client_id, stream_id, role, media, subscriber_id, source`,
    [...where.params]
  );
  return rows.map((r) => ({
    ...keyOf(r),
    t: r.t as number[],
    values: Object.fromEntries(metrics.map((m) => [m, r[m] as Array<number | null>])),
  }));
}

/**
 * The series of a quality query, bucketed. Buckets are the panel's (at most maxDataPoints over
 * [from, to], aligned to `from`), widened until series times points fit `qualityPointBudget`.
 * The rollups are read first (a few thousand rows even for a large broadcast): they tell how
 * many series and samples there are. Buckets under a minute over at most `qualityRawSamples`
 * samples come from the samples; otherwise buckets are whole minutes on the minute grid, merged
 * from the rollups' sums, so the means are the samples' either way.
 */
export async function qualitySeries(
  ctx: QueryContext,
  where: SqlWhere,
  metrics: QualityMetric[],
  window: { from: number; to: number; first: number; last: number }
): Promise<QualityAnswer> {
  const { from, to, first, last } = window;
  const asked = bucketWidth(from, to, ctx.maxDataPoints, ctx.intervalMs);
  const minutes = await minutesOf(ctx, where, metrics, first, last);
  let samples = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const m of minutes) {
    samples += m.samples;
    lo = Math.min(lo, m.t[0]);
    hi = Math.max(hi, m.t[m.t.length - 1] + MINUTE_MS);
  }
  // Points are counted over the minutes the series have samples in, not the whole range.
  const fit = minutes.length === 0 ? 0 : Math.ceil(((hi - lo) * minutes.length) / Limits.qualityPointBudget);
  const width = Math.max(asked, fit);
  if (width < MINUTE_MS && samples <= Limits.qualityRawSamples) {
    const series = await rawSeries(ctx, where, metrics, { first, last }, from, width);
    return { series, width, widened: width > asked };
  }
  // On the minute grid the first bucket starts up to a minute before `from`: still maxDataPoints at most.
  const origin = from - (from % MINUTE_MS);
  const whole = Math.max(width, Math.ceil((to - origin + 1) / ctx.maxDataPoints));
  const grid = Math.ceil(whole / MINUTE_MS) * MINUTE_MS;
  return { series: rebucket(minutes, metrics, origin, grid), width: grid, widened: grid > asked };
}
