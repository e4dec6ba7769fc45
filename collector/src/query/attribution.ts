import type { DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import { attribute } from '../model/attribution';
import { vonageVerdict, type VonageDegradation } from '../model/vonageVerdicts';
import type { QueryContext } from './context';
import { scopedDiagnosis } from './shared/scope';
import { sessionSpan } from './shared/sessionDays';

/** OpenTok.js reports its source on change: a report this close to a degraded stretch counts for it. */
const VONAGE_GRACE_MS = 30_000;

/**
 * B3: for each degraded subscriber stream (a subscription's overlapping quality issues), the side
 * that degraded it with its evidence, and beside it what OpenTok.js itself said (V1) when the
 * SDK captured it; a second frame counts how often the two agree. `userId` and `streamId` narrow
 * to a subscriber or a stream.
 */
export async function attributionQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const scoped = await scopedDiagnosis(ctx);
  if (!scoped) {
    return [];
  }
  const { data, diagnosis } = scoped;
  const { issues, series } = diagnosis;
  const { userId, streamId } = ctx.query;
  const rows = attribute(issues, series).filter(
    (a) => (!userId || a.userId === userId) && (!streamId || a.streamId === streamId)
  );
  const span = (await sessionSpan(ctx.store, [data.project], data.sessionId)) ?? { from: 0, to: 0 };
  const reports = await ctx.store.query<VonageDegradation>(
    `SELECT ts::float8 AS ts, connection_id AS "connectionId", stream_id AS "streamId", subscriber_id AS "subscriberId",
       detail->>'networkDegradationSource' AS source
     FROM all_events WHERE project = $1 AND session_id = $2 AND ts >= $3::bigint AND ts < $4::bigint
       AND action = 'networkConditionChanged' AND detail->>'networkDegradationSource' IS NOT NULL`,
    [data.project, data.sessionId, span.from, span.to]
  );
  const publishers = new Map(series.filter((s) => s.role === 'publisher').map((s) => [s.streamId, s.clientId]));
  const theirs = rows.map((a) => vonageVerdict(reports, a, a.start, a.end, VONAGE_GRACE_MS) ?? null);
  const compared = theirs.filter((v) => v !== null).length;
  const agreed = theirs.filter((v, i) => v !== null && v === rows[i].verdict).length;
  const col = <T>(f: (a: (typeof rows)[number], i: number) => T) => rows.map(f);
  return [
    frame(
      [
        { name: 'start', kind: 'time', values: col((a) => a.start) },
        { name: 'end', kind: 'time', values: col((a) => a.end) },
        { name: 'userId', kind: 'string', values: col((a) => a.userId) },
        { name: 'subscriberId', kind: 'string', values: col((a) => a.subscriberId) },
        { name: 'streamId', kind: 'string', values: col((a) => a.streamId) },
        { name: 'publisherId', kind: 'nullableString', values: col((a) => publishers.get(a.streamId) ?? null) },
        { name: 'kinds', kind: 'string', values: col((a) => a.kinds.join(', ')) },
        { name: 'verdict', kind: 'string', values: col((a) => a.verdict) },
        { name: 'confidence', kind: 'string', values: col((a) => a.confidence) },
        { name: 'evidence', kind: 'string', values: col((a) => a.evidence.join('; ')) },
        { name: 'otherSubscribersBad', kind: 'number', values: col((a) => a.otherSubscribers.bad) },
        { name: 'otherSubscribers', kind: 'number', values: col((a) => a.otherSubscribers.of) },
        { name: 'otherStreamsBad', kind: 'number', values: col((a) => a.otherStreams.bad) },
        { name: 'otherStreams', kind: 'number', values: col((a) => a.otherStreams.of) },
        { name: 'restBad', kind: 'number', values: col((a) => a.rest.bad) },
        { name: 'rest', kind: 'number', values: col((a) => a.rest.of) },
        { name: 'vonageVerdict', kind: 'nullableString', values: theirs },
      ],
      { name: 'attribution', refId: ctx.refId, meta: { preferredVisualisationType: 'table' } }
    ),
    frame(
      [
        { name: 'degradedStreams', kind: 'number', values: [rows.length] },
        { name: 'comparedWithVonage', kind: 'number', values: [compared] },
        { name: 'agreeWithVonage', kind: 'number', values: [agreed] },
      ],
      { name: 'agreement', refId: ctx.refId }
    ),
  ];
}
