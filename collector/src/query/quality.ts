import {
  Fields,
  Limits,
  PublisherQualityRule,
  QualityLabels,
  QualityMetric,
  QUERY_DESCRIPTORS,
  sourceName,
  type DataFrameJSON,
} from '@model';
import { frame } from '../frames/frame';
import { seriesLinks } from '../frames/links';
import type { QueryContext } from './context';
import { MINUTE_METRICS, MINUTE_MS, type MinuteMetricColumn } from '../store/qualityMinutes';
import { bucketSql, bucketWidth } from './shared/buckets';
import { minuteSpan } from './shared/minuteSpan';
import { sessionSpan, type SessionSpan } from './shared/sessionDays';
import { findMeeting, loadSession } from './shared/sessionData';
import { SqlWhere } from './shared/where';

/** Each metric's sample column (a bucket is its mean) and unit. */
const METRIC_COLUMNS: Record<QualityMetric, { column: MinuteMetricColumn; unit: string }> = {
  [QualityMetric.Bitrate]: { column: 'bitrate_kbps', unit: 'Kbits' },
  [QualityMetric.PacketLoss]: { column: 'loss_pct', unit: 'percent' },
  [QualityMetric.Latency]: { column: 'rtt_ms', unit: 'ms' },
  [QualityMetric.Jitter]: { column: 'jitter_ms', unit: 'ms' },
  [QualityMetric.FrameRate]: { column: 'frame_rate', unit: 'fps' },
  [QualityMetric.FrameHeight]: { column: 'height', unit: 'px' },
};

const RULE_NOTES: Record<PublisherQualityRule, string> = {
  [PublisherQualityRule.WorstSubscriber]:
    'Publisher quality reflects the worst subscriber (no scalable video, or audio)',
  [PublisherQualityRule.PublisherToRouter]:
    'Publisher quality reflects the publisher-to-media-router link (scalable video)',
};

/** Which rule a publisher series follows: scalable video streams report their uplink only. */
async function publisherRules(ctx: QueryContext, sessionId: string, span: SessionSpan): Promise<Map<string, boolean>> {
  const rows = await ctx.store.query<{ stream_id: string; scalable: boolean | null }>(
    `SELECT stream_id, bool_or((stream->>'scalable')::boolean) AS scalable FROM all_events
     WHERE project = ANY($1::text[]) AND session_id = $2 AND ts >= $3::bigint AND ts < $4::bigint
       AND action = 'publish' AND variation = 'success' AND stream_id IS NOT NULL
     GROUP BY stream_id`,
    [ctx.projects, sessionId, span.from, span.to]
  );
  return new Map(rows.map((r) => [r.stream_id, r.scalable === true]));
}

function ruleFor(scalable: Map<string, boolean>, streamId: string, media: string): PublisherQualityRule {
  return media === 'video' && scalable.get(streamId)
    ? PublisherQualityRule.PublisherToRouter
    : PublisherQualityRule.WorstSubscriber;
}

/** One series: its labels, its bucket times and one array of bucket means per metric. */
interface SeriesRow {
  session_id: string;
  client_id: string;
  stream_id: string;
  role: string;
  media: string;
  subscriber_id: string;
  source: number;
  t: number[];
  [metric: string]: string | number | Array<number | null>;
}

/**
 * Per-stream time series, one frame per series and metric, labelled for alert rules; a stream
 * measured by several sources (the SDK, Vonage Insights) has one series per source.
 */
export async function qualityQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const q = ctx.query;
  // The descriptor's checks ran before dispatch: a session is named, metrics, role and media
  // are known values (metric names are SQL identifiers below).
  const sessionId = q.sessionId!;
  const metrics = q.metrics && q.metrics.length > 0 ? q.metrics : QUERY_DESCRIPTORS.quality.defaults.metrics;
  if (ctx.projects.length === 0) {
    return [];
  }
  let { from, to } = ctx;
  let span: SessionSpan | undefined;
  if (q.meetingId) {
    const data = await loadSession(ctx);
    if (!data) {
      return [];
    }
    const meeting = findMeeting(data, q.meetingId);
    from = Math.max(from, meeting.start);
    to = Math.min(to, meeting.end);
    span = data.span;
  } else {
    span = await sessionSpan(ctx.store, ctx.projects, sessionId);
    if (!span) {
      return [];
    }
  }
  const where = new SqlWhere();
  where
    .add(`project = ANY(${where.param(ctx.projects)}::text[])`)
    .equalsIf('session_id', sessionId)
    .equalsIf('client_id', q.userId)
    .equalsIf('stream_id', q.streamId)
    .equalsIf('role', q.role)
    .equalsIf('media', q.media);
  if (q.sip !== undefined) {
    // SIP is a property of the user (client endpoint), recorded when it first connected.
    where.add(
      `${q.sip ? '' : 'NOT '}EXISTS (SELECT 1 FROM users u WHERE u.project = x.project AND u.session_id = x.session_id AND u.client_id = x.client_id AND u.sip)`
    );
  }
  // The session's days bound the scan (partition pruning).
  const first = Math.floor(Math.max(from, span.from));
  const last = Math.floor(Math.min(to, span.to - 1));
  const buckets = await bucketsFor(ctx, where, from, to, { first, last });
  const series = await ctx.store.query<SeriesRow>(seriesSql(where, metrics, buckets, { first, last }), where.params);
  const scalable = await publisherRules(ctx, sessionId, span);
  const described = series.map((row) => {
    const labels: Record<string, string> = {
      [QualityLabels.sessionId]: row.session_id,
      [QualityLabels.userId]: row.client_id,
      [QualityLabels.streamId]: row.stream_id,
      [QualityLabels.role]: row.role,
      [QualityLabels.media]: row.media,
      [QualityLabels.source]: sourceName(row.source),
    };
    if (row.subscriber_id) {
      labels[QualityLabels.subscriberId] = row.subscriber_id;
    }
    const rule = row.role === 'publisher' ? ruleFor(scalable, row.stream_id, row.media) : undefined;
    return { row, labels, rule };
  });
  const notices = buckets.widened
    ? [
        {
          severity: 'info',
          text: `${series.length} series: one point per ${buckets.width / 1000} s, so that each metric has at most ${Limits.qualityPointBudget.toLocaleString('en-US')} points`,
        },
      ]
    : [];
  return series.length > Limits.qualityWideSeries
    ? metrics.flatMap((metric) => wideFrame(ctx, metric, described, notices))
    : metrics.flatMap((metric) => seriesFrames(ctx, metric, described, notices));
}

interface Described {
  row: SeriesRow;
  labels: Record<string, string>;
  rule?: PublisherQualityRule;
}

/** A frame per series, each with its links: what alert rules and dashboards get below `qualityWideSeries`. */
function seriesFrames(ctx: QueryContext, metric: QualityMetric, described: Described[], notices: object[]) {
  const frames: DataFrameJSON[] = [];
  for (const { row, labels, rule } of described) {
    const values = row[metric] as Array<number | null>;
    const kept = row.t.map((_, i) => i).filter((i) => values[i] !== null);
    if (kept.length === 0) {
      continue;
    }
    const config = seriesLinks(ctx, labels, {
      unit: METRIC_COLUMNS[metric].unit,
      ...(rule ? { description: RULE_NOTES[rule] } : {}),
    });
    frames.push(
      frame(
        [
          { name: Fields.time, kind: 'time', values: kept.map((i) => row.t[i]) },
          { name: metric, kind: 'number', values: kept.map((i) => values[i]), labels, config },
        ],
        {
          name: metric,
          refId: ctx.refId,
          meta: {
            type: 'timeseries-multi',
            typeVersion: [0, 1],
            ...(rule ? { custom: { publisherRule: rule } } : {}),
            ...(notices.length > 0 ? { notices } : {}),
          },
        }
      )
    );
  }
  return frames;
}

/**
 * One frame for a metric of many series: a time field shared by all, a labelled field per
 * series (null where it has no sample), without links (per series they would be most of the
 * answer). Grafana's panels and alert rules read a wide frame's fields as series.
 */
function wideFrame(ctx: QueryContext, metric: QualityMetric, all: Described[], notices: object[]): DataFrameJSON[] {
  // Like a frame per series, a series without this metric is left out rather than all nulls.
  const described = all.filter((d) => (d.row[metric] as Array<number | null>).some((v) => v !== null));
  if (described.length === 0) {
    return [];
  }
  const times = [...new Set(described.flatMap((d) => d.row.t))].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const fields = described.map(({ row, labels, rule }) => {
    const values: Array<number | null> = times.map(() => null);
    const mine = row[metric] as Array<number | null>;
    row.t.forEach((t, i) => {
      values[at.get(t)!] = mine[i];
    });
    const config = {
      unit: METRIC_COLUMNS[metric].unit,
      ...(rule ? { description: RULE_NOTES[rule], custom: { publisherRule: rule } } : {}),
    };
    return { name: metric, kind: 'nullableNumber' as const, values, labels, config };
  });
  return [
    frame([{ name: Fields.time, kind: 'time', values: times }, ...fields], {
      name: metric,
      refId: ctx.refId,
      meta: { type: 'timeseries-wide', typeVersion: [0, 1], ...(notices.length > 0 ? { notices } : {}) },
    }),
  ];
}

/** How a range is bucketed: where buckets start, how wide, and whether rollups answer whole minutes. */
interface Buckets {
  origin: number;
  width: number;
  minutes: boolean;
  /** Wider than the panel asked, to stay within `qualityPointBudget`. */
  widened: boolean;
}

/**
 * The series a query covers and the time they span within its range, from the rollups of the
 * minutes it touches (a budget's estimate: the edge minutes count whole).
 */
async function extentOf(ctx: QueryContext, where: SqlWhere, range: { first: number; last: number }) {
  const [x] = await ctx.store.query<{ series: number; lo: number | null; hi: number | null }>(
    `SELECT count(*)::float8 AS series, min(lo)::float8 AS lo, max(hi)::float8 AS hi FROM (
       SELECT min(first_ts) AS lo, max(last_ts) AS hi FROM all_quality_minutes x
       WHERE ${where} AND minute >= ${range.first - (range.first % MINUTE_MS)} AND minute <= ${range.last}
       GROUP BY client_id, stream_id, role, media, subscriber_id, source) series`,
    [...where.params]
  );
  const span = x.lo === null || x.hi === null ? 0 : Math.min(x.hi, range.last) - Math.max(x.lo, range.first) + 1;
  return { series: x.series, span: Math.max(span, 0) };
}

/**
 * Buckets of the panel's width (at most maxDataPoints over the range, aligned to its start),
 * widened until series times points fit `qualityPointBudget`. From a minute up, buckets are
 * whole minutes on the minute grid, read from the rollups (and the samples of the range's
 * partial minutes at its edges), so the answer is the samples' means either way.
 */
async function bucketsFor(
  ctx: QueryContext,
  where: SqlWhere,
  from: number,
  to: number,
  range: { first: number; last: number }
): Promise<Buckets> {
  const asked = bucketWidth(from, to, ctx.maxDataPoints, ctx.intervalMs);
  // Points are counted over the time the series have samples in, not the whole range.
  const { series, span } = await extentOf(ctx, where, range);
  const fit = Math.ceil((span * series) / Limits.qualityPointBudget);
  const width = Math.max(asked, fit);
  if (width < MINUTE_MS) {
    return { origin: from, width, minutes: false, widened: width > asked };
  }
  // On the minute grid the first bucket starts up to a minute before `from`: still maxDataPoints at most.
  const origin = from - (from % MINUTE_MS);
  const whole = Math.max(width, Math.ceil((to - origin + 1) / ctx.maxDataPoints));
  const minutes = Math.ceil(whole / MINUTE_MS) * MINUTE_MS;
  return { origin, width: minutes, minutes: true, widened: minutes > asked };
}

/**
 * One row per series with its buckets as arrays: thousands of subscribers come back as a few
 * thousand rows instead of one per bucket, which is what costs on the embedded store. Adds the
 * bucket parameters to `where`.
 */
function seriesSql(where: SqlWhere, metrics: QualityMetric[], b: Buckets, range: { first: number; last: number }) {
  const keys = 'session_id, client_id, stream_id, role, media, subscriber_id, source';
  const rawKeys = `session_id, client_id, stream_id, role, media, coalesce(subscriber_id, '') AS subscriber_id, source`;
  const col = (m: QualityMetric) => METRIC_COLUMNS[m].column;
  let buckets: string;
  if (!b.minutes) {
    const t = bucketSql(where, 'ts', b.origin, b.width);
    buckets = `SELECT ${rawKeys}, ${t} AS t, ${metrics.map((m) => `avg(${col(m)})::float8 AS "${m}"`).join(', ')}
      FROM all_quality_samples x WHERE ${where} AND ts >= ${range.first} AND ts <= ${range.last}
      GROUP BY session_id, client_id, stream_id, role, media, coalesce(subscriber_id, ''), source, t`;
  } else {
    const span = minuteSpan(range.first, range.last);
    const parts = span.edges.map(
      ([a, z]) =>
        `SELECT ${rawKeys}, ${bucketSql(where, 'ts', b.origin, b.width)} AS t,
           ${metrics.map((m) => `coalesce(${col(m)}, 0) AS "${m}_sum", (${col(m)} IS NOT NULL)::int AS "${m}_n"`).join(', ')}
         FROM all_quality_samples x WHERE ${where} AND ts >= ${a} AND ts <= ${z}`
    );
    if (span.whole) {
      parts.push(
        `SELECT ${keys}, ${bucketSql(where, 'minute', b.origin, b.width)} AS t,
           ${metrics.map((m) => `${MINUTE_METRICS[col(m)]}_sum AS "${m}_sum", ${MINUTE_METRICS[col(m)]}_n AS "${m}_n"`).join(', ')}
         FROM all_quality_minutes x WHERE ${where} AND minute >= ${span.whole.from} AND minute < ${span.whole.to}`
      );
    }
    buckets = `SELECT ${keys}, t, ${metrics.map((m) => `(sum("${m}_sum") / nullif(sum("${m}_n"), 0))::float8 AS "${m}"`).join(', ')}
      FROM (${parts.join(' UNION ALL ')}) parts GROUP BY ${keys}, t`;
  }
  return `SELECT ${keys}, array_agg(t ORDER BY t) AS t, ${metrics.map((m) => `array_agg("${m}" ORDER BY t) AS "${m}"`).join(', ')}
    FROM (${buckets}) buckets
    GROUP BY ${keys}
    ORDER BY client_id, stream_id, role, media, subscriber_id, source`;
}
