import { Limits, QualityMetric } from '@model';
import { MINUTE_METRICS, MINUTE_MS, type MinuteMetricColumn } from '../../store/qualityMinutes';
import type { QueryContext } from '../context';
import { bucketWidth } from './buckets';
import { minuteSpan } from './minuteSpan';
import { numberList } from './numberList';
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

/** One series: its bucket times and, per column asked for, each bucket's sum and count of values. */
export interface QualitySeries extends SeriesKey {
  t: number[];
  sum: Partial<Record<MinuteMetricColumn, number[]>>;
  n: Partial<Record<MinuteMetricColumn, number[]>>;
  /** The greatest codec name among its samples (scores read a stream's codec from it). */
  codec: string | null;
}

/** A column's bucket means (null: no sample in the bucket had it). */
export function meansOf(s: QualitySeries, column: MinuteMetricColumn): Array<number | null> {
  const n = s.n[column]!;
  return s.sum[column]!.map((x, i) => (n[i] > 0 ? x / n[i] : null));
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

/** A row's arrays (never empty, never with a NULL) in the order of its times. */
function inTimeOrder(row: Row, names: string[]): Record<string, number[]> {
  const arrays = Object.fromEntries(names.map((k) => [k, numberList(row[k] as string)]));
  const t = arrays.t;
  if (t.every((x, i) => i === 0 || t[i - 1] <= x)) {
    return arrays;
  }
  const order = t.map((_, i) => i).sort((a, b) => t[a] - t[b]);
  return Object.fromEntries(names.map((k) => [k, order.map((i) => arrays[k][i])]));
}

function seriesOf(r: Row, columns: MinuteMetricColumn[]): QualitySeries {
  const a = inTimeOrder(r, ['t', ...columns.flatMap((c) => [`${c}_sum`, `${c}_n`])]);
  return {
    session_id: r.session_id,
    client_id: r.client_id,
    stream_id: r.stream_id,
    role: r.role,
    media: r.media,
    subscriber_id: r.subscriber_id,
    source: r.source,
    t: a.t,
    sum: Object.fromEntries(columns.map((c) => [c, a[`${c}_sum`]])),
    n: Object.fromEntries(columns.map((c) => [c, a[`${c}_n`]])),
    codec: (r.codec as string | null) ?? null,
  };
}

/**
 * Per bucket (or minute) sums and counts: the outer query's arrays, as comma-separated text (read
 * by `numberList`, faster than the drivers' parser of `float8[]`). Aggregates of one query level see
 * a group's rows in one order, so the arrays line up with `t`; they are put in time order here
 * (`inTimeOrder`), not by an `ORDER BY` in each aggregate, which sorts every group once per array.
 * Together a fifth off the scores query of a 1,000-subscriber hour.
 */
const arraysOf = (columns: MinuteMetricColumn[]) =>
  columns
    .flatMap((c) => [`${c}_sum`, `${c}_n`])
    .map((x) => `array_to_string(array_agg("${x}"::float8), ',') AS "${x}"`)
    .join(', ');

/** Buckets of `width` (whole minutes) from `origin` (a minute). */
interface Grid {
  origin: number;
  width: number;
}

/**
 * Every series' buckets of `grid` in [first, last]: per bucket and column the sum and count of
 * its values, and the series' sample count; whole minutes from the rollups, the partial minutes
 * at the edges from the samples. One row per series, buckets as arrays. Buckets wider than a
 * minute are added up in SQL: the scores of a 1,000-subscriber hour in 24 buckets parse a third
 * of the numbers they would as minutes.
 */
async function minutesOf(
  ctx: QueryContext,
  where: SqlWhere,
  columns: MinuteMetricColumn[],
  range: { first: number; last: number },
  grid: Grid
): Promise<Array<{ series: QualitySeries; samples: number }>> {
  const { first, last } = range;
  const origin = first - (first % MINUTE_MS);
  const span = minuteSpan(first, last);
  const parts = span.edges.map(
    ([a, z]) =>
      `SELECT ${RAW_KEYS}, ${bucketOf('ts', origin, MINUTE_MS)} AS t, 1 AS samples, codec,
         ${columns.map((c) => `coalesce(${c}, 0) AS "${c}_sum", (${c} IS NOT NULL)::int AS "${c}_n"`).join(', ')}
       FROM all_quality_samples x WHERE ${where} AND ts >= ${a} AND ts <= ${z}`
  );
  if (span.whole) {
    parts.push(
      `SELECT ${KEYS}, minute::float8 AS t, samples, codec,
         ${columns.map((c) => `${MINUTE_METRICS[c]}_sum AS "${c}_sum", ${MINUTE_METRICS[c]}_n AS "${c}_n"`).join(', ')}
       FROM all_quality_minutes x WHERE ${where} AND minute >= ${span.whole.from} AND minute < ${span.whole.to}`
    );
  }
  const minutes = parts.join(' UNION ALL ');
  const buckets =
    grid.width === MINUTE_MS
      ? minutes
      : `SELECT ${KEYS}, ${bucketOf('t', grid.origin, grid.width)} AS t, sum(samples) AS samples, max(codec) AS codec,
           ${columns.flatMap((c) => [`sum("${c}_sum") AS "${c}_sum"`, `sum("${c}_n") AS "${c}_n"`]).join(', ')}
         FROM (${minutes}) minutes GROUP BY ${KEYS}, ${bucketOf('t', grid.origin, grid.width)}`;
  const rows = await ctx.store.tx(async (tx) => {
    // A large broadcast's 120,000 series-minutes sort in memory instead of spilling to disk.
    await tx.query(`SET LOCAL work_mem = '${Limits.qualityWorkMemMb}MB'`);
    // A minute can come in several rows (an edge's samples, a series' connections): `rebucket` adds them up.
    return tx.query<Row>(
      `SELECT ${KEYS}, sum(samples)::float8 AS samples, max(codec) AS codec, array_to_string(array_agg(t), ',') AS t, ${arraysOf(columns)}
       FROM (${buckets}) parts
       GROUP BY ${KEYS} ORDER BY client_id, stream_id, role, media, subscriber_id, source`,
      [...where.params]
    );
  });
  return rows.map((r) => ({ series: seriesOf(r, columns), samples: r.samples as number }));
}

/** Minutes merged into buckets of `width` (whole minutes) from `origin`: their sums and counts added up. */
function rebucket(minutes: QualitySeries[], columns: MinuteMetricColumn[], origin: number, width: number) {
  return minutes.map((m): QualitySeries => {
    const times: number[] = [];
    const at: number[] = [];
    for (const minute of m.t) {
      const b = origin + Math.floor((minute - origin) / width) * width;
      if (times[times.length - 1] !== b) {
        times.push(b);
      }
      at.push(times.length - 1);
    }
    const add = (xs: number[]) => {
      const out = times.map(() => 0);
      at.forEach((i, k) => {
        out[i] += xs[k];
      });
      return out;
    };
    return {
      ...m,
      t: times,
      sum: Object.fromEntries(columns.map((c) => [c, add(m.sum[c]!)])),
      n: Object.fromEntries(columns.map((c) => [c, add(m.n[c]!)])),
    };
  });
}

/** The samples' sums and counts in buckets of `width` from `origin`, straight from the samples. */
async function rawSeries(
  ctx: QueryContext,
  where: SqlWhere,
  columns: MinuteMetricColumn[],
  range: { first: number; last: number },
  origin: number,
  width: number
): Promise<QualitySeries[]> {
  const rows = await ctx.store.query<Row>(
    `SELECT ${KEYS}, max(codec) AS codec, array_to_string(array_agg(t), ',') AS t, ${arraysOf(columns)}
     FROM (
       SELECT ${RAW_KEYS}, ${bucketOf('ts', origin, width)} AS t, max(codec) AS codec,
         ${columns.map((c) => `coalesce(sum(${c}), 0) AS "${c}_sum", count(${c}) AS "${c}_n"`).join(', ')}
       FROM all_quality_samples x WHERE ${where} AND ts >= ${range.first} AND ts <= ${range.last}
       GROUP BY session_id, client_id, stream_id, role, media, coalesce(subscriber_id, ''), source, t
     ) buckets
     GROUP BY ${KEYS} ORDER BY client_id, stream_id, role, media, subscriber_id, source`,
    [...where.params]
  );
  return rows.map((r) => seriesOf(r, columns));
}

/**
 * The series of a quality query, bucketed. Buckets are the panel's (at most maxDataPoints over
 * [from, to], aligned to `from`), widened until series times points fit `qualityPointBudget`.
 * The rollups are read first (a few thousand rows even for a large broadcast): they tell how
 * many series and samples there are. Buckets under a minute over at most `qualityRawSamples`
 * samples come from the samples; otherwise buckets are whole minutes on the minute grid, merged
 * from the rollups' sums, so the sums and counts are the samples' either way.
 */
export async function qualitySeries(
  ctx: QueryContext,
  where: SqlWhere,
  columns: MinuteMetricColumn[],
  window: { from: number; to: number; first: number; last: number }
): Promise<QualityAnswer> {
  const { from, to, first, last } = window;
  const asked = bucketWidth(from, to, ctx.maxDataPoints, ctx.intervalMs);
  // On the minute grid the first bucket starts up to a minute before `from`: still maxDataPoints at most.
  const origin = from - (from % MINUTE_MS);
  const onGrid = (width: number) =>
    Math.ceil(Math.max(width, Math.ceil((to - origin + 1) / ctx.maxDataPoints)) / MINUTE_MS) * MINUTE_MS;
  // Buckets of a minute or more asked for are known before the series are counted: made in SQL.
  const pre = asked >= MINUTE_MS ? onGrid(asked) : MINUTE_MS;
  const minutes = await minutesOf(ctx, where, columns, { first, last }, { origin, width: pre });
  let samples = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const { series: m, samples: k } of minutes) {
    samples += k;
    lo = Math.min(lo, m.t[0]);
    hi = Math.max(hi, m.t[m.t.length - 1] + pre);
  }
  // Points are counted over the buckets the series have samples in, not the whole range.
  const fit = minutes.length === 0 ? 0 : Math.ceil(((hi - lo) * minutes.length) / Limits.qualityPointBudget);
  const width = Math.max(asked, fit);
  if (width < MINUTE_MS && samples <= Limits.qualityRawSamples) {
    const series = await rawSeries(ctx, where, columns, { first, last }, from, width);
    return { series, width, widened: width > asked };
  }
  // Wider than buckets made in SQL: a multiple of them, so that each falls in one bucket.
  const grid = pre === MINUTE_MS ? onGrid(width) : Math.ceil(width / pre) * pre;
  return {
    series: rebucket(
      minutes.map((m) => m.series),
      columns,
      origin,
      grid
    ),
    width: grid,
    widened: grid > asked,
  };
}
