import {
  Fields,
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
import { bucketSql, bucketWidth } from './shared/buckets';
import { sessionSpan, type SessionSpan } from './shared/sessionDays';
import { findMeeting, loadSession } from './shared/sessionData';
import { SqlWhere } from './shared/where';

const METRIC_COLUMNS: Record<QualityMetric, { sql: string; unit: string }> = {
  [QualityMetric.Bitrate]: { sql: 'avg(bitrate_kbps)', unit: 'Kbits' },
  [QualityMetric.PacketLoss]: { sql: 'avg(loss_pct)', unit: 'percent' },
  [QualityMetric.Latency]: { sql: 'avg(rtt_ms)', unit: 'ms' },
  [QualityMetric.Jitter]: { sql: 'avg(jitter_ms)', unit: 'ms' },
  [QualityMetric.FrameRate]: { sql: 'avg(frame_rate)', unit: 'fps' },
  [QualityMetric.FrameHeight]: { sql: 'avg(height)', unit: 'px' },
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
  // The session's days bound the scan (partition pruning); buckets stay aligned to the query's from.
  const where = new SqlWhere()
    .scope(ctx.projects, Math.max(from, span.from), Math.min(to, span.to - 1))
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
  const bucket = bucketSql(where, 'ts', from, bucketWidth(from, to, ctx.maxDataPoints, ctx.intervalMs));
  // One row per series with its buckets as arrays: thousands of subscribers come back as a few
  // thousand rows instead of one per bucket, which is what costs on the embedded store.
  const series = await ctx.store.query<SeriesRow>(
    `SELECT session_id, client_id, stream_id, role, media, subscriber_id, source,
       array_agg(t ORDER BY t) AS t, ${metrics.map((m) => `array_agg("${m}" ORDER BY t) AS "${m}"`).join(', ')}
     FROM (
       SELECT session_id, client_id, stream_id, role, media, coalesce(subscriber_id, '') AS subscriber_id, source,
         ${bucket} AS t,
         ${metrics.map((m) => `${METRIC_COLUMNS[m].sql}::float8 AS "${m}"`).join(', ')}
       FROM all_quality_samples x
       WHERE ${where}
       GROUP BY session_id, client_id, stream_id, role, media, coalesce(subscriber_id, ''), source, t
     ) buckets
     GROUP BY session_id, client_id, stream_id, role, media, subscriber_id, source
     ORDER BY client_id, stream_id, role, media, subscriber_id, source`,
    where.params
  );

  const scalable = await publisherRules(ctx, sessionId, span);
  const frames: DataFrameJSON[] = [];
  for (const metric of metrics) {
    for (const row of series) {
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
      const values = row[metric] as Array<number | null>;
      const kept = row.t.map((_, i) => i).filter((i) => values[i] !== null);
      if (kept.length === 0) {
        continue;
      }
      const rule = row.role === 'publisher' ? ruleFor(scalable, row.stream_id, row.media) : undefined;
      const config = seriesLinks(ctx, labels, {
        unit: METRIC_COLUMNS[metric].unit,
        ...(rule ? { description: RULE_NOTES[rule] } : {}),
      });
      frames.push(
        frame(
          [
            { name: Fields.time, kind: 'time', values: kept.map((i) => row.t[i]) },
            {
              name: metric,
              kind: 'number',
              values: kept.map((i) => values[i]),
              labels,
              config,
            },
          ],
          {
            name: metric,
            refId: ctx.refId,
            meta: {
              type: 'timeseries-multi',
              typeVersion: [0, 1],
              ...(rule ? { custom: { publisherRule: rule } } : {}),
            },
          }
        )
      );
    }
  }
  return frames;
}
