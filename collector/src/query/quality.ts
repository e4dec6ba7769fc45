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
import { wideFrame } from '../frames/wide';
import type { QueryContext } from './context';
import { meansOf, QUALITY_METRICS, qualitySeries, type QualitySeries } from './shared/qualityBuckets';
import { sessionSpan, type SessionSpan } from './shared/sessionDays';
import { findMeeting, loadSession } from './shared/sessionData';
import { SqlWhere } from './shared/where';

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
  const columns = metrics.map((m) => QUALITY_METRICS[m].column);
  const { series, width, widened } = await qualitySeries(ctx, where, columns, { from, to, first, last });
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
  const notices = widened
    ? [
        {
          severity: 'info',
          text: `${series.length} series: one point per ${width / 1000} s, so that each metric has at most ${Limits.qualityPointBudget.toLocaleString('en-US')} points`,
        },
      ]
    : [];
  return series.length > Limits.qualityWideSeries
    ? metrics.flatMap((metric) => wideMetricFrame(ctx, metric, described, notices))
    : metrics.flatMap((metric) => seriesFrames(ctx, metric, described, notices));
}

interface Described {
  row: QualitySeries;
  labels: Record<string, string>;
  rule?: PublisherQualityRule;
}

/** A frame per series, each with its links: what alert rules and dashboards get below `qualityWideSeries`. */
function seriesFrames(ctx: QueryContext, metric: QualityMetric, described: Described[], notices: object[]) {
  const frames: DataFrameJSON[] = [];
  for (const { row, labels, rule } of described) {
    const values = meansOf(row, QUALITY_METRICS[metric].column);
    const kept = row.t.map((_, i) => i).filter((i) => values[i] !== null);
    if (kept.length === 0) {
      continue;
    }
    const config = seriesLinks(ctx, labels, {
      unit: QUALITY_METRICS[metric].unit,
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

/** One frame for a metric of many series, without links (per series they would be most of the answer). */
function wideMetricFrame(
  ctx: QueryContext,
  metric: QualityMetric,
  all: Described[],
  notices: object[]
): DataFrameJSON[] {
  const column = QUALITY_METRICS[metric].column;
  // Like a frame per series, a series without this metric is left out rather than all nulls.
  const series = all
    .map(({ row, labels, rule }) => ({
      t: row.t,
      values: meansOf(row, column),
      labels,
      config: {
        unit: QUALITY_METRICS[metric].unit,
        ...(rule ? { description: RULE_NOTES[rule], custom: { publisherRule: rule } } : {}),
      },
    }))
    .filter((s) => s.values.some((v) => v !== null));
  return series.length === 0 ? [] : [wideFrame(metric, ctx.refId, series, notices.length > 0 ? { notices } : {})];
}
