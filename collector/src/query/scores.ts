import { Limits, QualityLabels, type DataFrameJSON, type ScoreBand } from '@model';
import { frame } from '../frames/frame';
import { audioBand, audioScore, videoBand, videoScore, type ScoreFactor } from '../model/scores';
import type { QueryContext } from './context';
import { wideFrame } from '../frames/wide';
import type { MinuteMetricColumn } from '../store/qualityMinutes';
import { meansOf, qualitySeries, type QualitySeries } from './shared/qualityBuckets';
import { findMeeting, loadSession } from './shared/sessionData';
import { SqlWhere } from './shared/where';

/** What the audio and video scores are computed from, per bucket. */
const SCORE_COLUMNS = [
  'loss_pct',
  'rtt_ms',
  'jitter_ms',
  'bitrate_kbps',
  'frame_rate',
  'height',
  'width',
  'freezes',
] as const satisfies readonly MinuteMetricColumn[];

/**
 * A stream measured by several sources (the SDK, Vonage Insights) is scored from all of its
 * samples: the sources' sums and counts added up per bucket.
 */
function mergeSources(list: QualitySeries[]): QualitySeries[] {
  const merged = new Map<string, QualitySeries>();
  for (const s of list) {
    const id = [s.client_id, s.stream_id, s.subscriber_id, s.role, s.media].join('\u0000');
    const into = merged.get(id);
    if (!into) {
      merged.set(id, s);
      continue;
    }
    const t = [...new Set([...into.t, ...s.t])].sort((a, b) => a - b);
    const at = new Map(t.map((time, i) => [time, i]));
    const add = (a: QualitySeries, b: QualitySeries, pick: (x: QualitySeries) => number[]) => {
      const out = t.map(() => 0);
      for (const x of [a, b]) {
        const values = pick(x);
        x.t.forEach((time, i) => {
          out[at.get(time)!] += values[i];
        });
      }
      return out;
    };
    merged.set(id, {
      ...into,
      t,
      sum: Object.fromEntries(SCORE_COLUMNS.map((c) => [c, add(into, s, (x) => x.sum[c]!)])),
      n: Object.fromEntries(SCORE_COLUMNS.map((c) => [c, add(into, s, (x) => x.n[c]!)])),
      codec:
        [into.codec, s.codec]
          .filter((c) => c !== null)
          .sort()
          .pop() ?? null,
    });
  }
  return [...merged.values()];
}

interface Series {
  key: Pick<QualitySeries, 'client_id' | 'stream_id' | 'subscriber_id' | 'role' | 'media'>;
  t: number[];
  scores: number[];
  factors: ScoreFactor[][];
}

/** A factor that costs this much of a score is a reason worth naming. */
const REASON_COST = 0.2;

interface Reason {
  factor: string;
  value: number;
  start: number;
  end: number;
}

/** Consecutive buckets where a factor pulled the score down, with the factor's mean value over them. */
function reasonsOf(s: Series, width: number): Reason[] {
  const out: Reason[] = [];
  const open = new Map<string, { start: number; end: number; values: number[] }>();
  const close = (factor: string) => {
    const run = open.get(factor);
    if (run) {
      out.push({
        factor,
        value: run.values.reduce((a, b) => a + b, 0) / run.values.length,
        start: run.start,
        end: run.end,
      });
      open.delete(factor);
    }
  };
  s.t.forEach((t, i) => {
    const present = new Set<string>();
    for (const f of s.factors[i].filter((x) => x.cost >= REASON_COST)) {
      present.add(f.factor);
      const run = open.get(f.factor);
      if (run && t - run.end <= width) {
        run.end = t + width;
        run.values.push(f.value);
      } else {
        close(f.factor);
        open.set(f.factor, { start: t, end: t + width, values: [f.value] });
      }
    }
    for (const factor of [...open.keys()].filter((k) => !present.has(k))) {
      close(factor);
    }
  });
  for (const factor of [...open.keys()]) {
    close(factor);
  }
  return out.sort((a, b) => a.start - b.start);
}

const UNITS: Record<string, string> = {
  loss: '%',
  latency: 'ms RTT',
  jitter: 'ms jitter',
  bitrate: 'kbps',
  'frame rate': 'fps',
  resolution: 'p',
  freezes: 'freezes/min',
};

function reasonText(r: Reason): string {
  const minutes = Math.round((r.end - r.start) / 60_000);
  const value = r.value >= 10 ? Math.round(r.value) : Math.round(r.value * 10) / 10;
  const unit = UNITS[r.factor] ?? '';
  return `${r.factor} ${value}${unit === 'p' || unit === '%' ? '' : ' '}${unit} for ${minutes >= 1 ? `${minutes} min` : `${Math.round((r.end - r.start) / 1000)} s`}`;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const round2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

/**
 * B1: per stream and user, over time, an audio MOS (ITU-T G.107 E-model) and a video score
 * (resolution, frame rate, freezes, loss and bitrate for the codec), each with its band and the
 * reasons that pulled it down ("loss 6.2 % for 2 min"). Frames: `scores` (one row per series:
 * mean, lowest, band, reasons), `scoreReasons` (each reason with its start and end), `userScores`
 * (per user: what they received, else what they sent) and one `score` time series per series,
 * bucketed like quality.
 */
export async function scoresQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const q = ctx.query;
  const data = await loadSession(ctx);
  if (!data) {
    return [];
  }
  let { from, to } = ctx;
  if (q.meetingId) {
    const m = findMeeting(data, q.meetingId);
    from = Math.max(from, m.start);
    to = Math.min(to, m.end);
  }
  // Only the days the session has rows in (the planner then reads only their partitions).
  from = Math.max(from, data.span.from);
  to = Math.min(to, data.span.to - 1);
  const where = new SqlWhere();
  where
    .add(`project = ${where.param(data.project)}`)
    .equalsIf('session_id', data.sessionId)
    .equalsIf('client_id', q.userId)
    .equalsIf('stream_id', q.streamId)
    .equalsIf('role', q.role)
    .equalsIf('media', q.media);
  // The quality query's buckets: whole minutes from the rollups for a large session.
  const answer = await qualitySeries(ctx, where, [...SCORE_COLUMNS], { from, to, first: from, last: to });
  const { width } = answer;
  const list: Series[] = [];
  for (const r of mergeSources(answer.series)) {
    const s: Series = { key: r, t: [], scores: [], factors: [] };
    list.push(s);
    const mean = Object.fromEntries(SCORE_COLUMNS.map((c) => [c, meansOf(r, c)])) as Record<
      (typeof SCORE_COLUMNS)[number],
      Array<number | null>
    >;
    const freezes = r.n.freezes!;
    r.t.forEach((t, i) => {
      const { score, factors } =
        r.media === 'audio'
          ? audioScore(mean.loss_pct[i], mean.rtt_ms[i], mean.jitter_ms[i])
          : videoScore({
              height: mean.height[i],
              width: mean.width[i],
              frameRate: mean.frame_rate[i],
              bitrateKbps: mean.bitrate_kbps[i],
              lossPct: mean.loss_pct[i],
              freezesPerMinute: freezes[i] > 0 ? r.sum.freezes![i] / (width / 60_000) : null,
              codec: r.codec,
            });
      s.t.push(t);
      s.scores.push(score);
      s.factors.push(factors);
    });
  }
  const band = (s: Series, v: number): ScoreBand => (s.key.media === 'audio' ? audioBand(v) : videoBand(v));
  const summary = list.map((s) => {
    const avg = mean(s.scores) as number;
    const reasons = reasonsOf(s, width);
    return { s, avg, min: Math.min(...s.scores), band: band(s, avg), reasons };
  });
  const users = new Map<
    string,
    { received: Record<'audio' | 'video', number[]>; sent: Record<'audio' | 'video', number[]> }
  >();
  for (const x of summary) {
    const u = users.get(x.s.key.client_id) ?? { received: { audio: [], video: [] }, sent: { audio: [], video: [] } };
    (x.s.key.role === 'subscriber' ? u.received : u.sent)[x.s.key.media === 'audio' ? 'audio' : 'video'].push(x.avg);
    users.set(x.s.key.client_id, u);
  }
  const userRows = [...users].map(([userId, u]) => {
    const audio = mean(u.received.audio.length ? u.received.audio : u.sent.audio);
    const video = mean(u.received.video.length ? u.received.video : u.sent.video);
    return {
      userId,
      audioMos: round2(audio),
      audioBand: audio === null ? null : audioBand(audio),
      videoScore: round2(video),
      videoBand: video === null ? null : videoBand(video),
    };
  });
  const reasonRows = summary.flatMap((x) => x.reasons.map((r) => ({ ...r, key: x.s.key })));
  const col = <T>(f: (x: (typeof summary)[number]) => T) => summary.map(f);
  return [
    frame(
      [
        { name: 'userId', kind: 'string', values: col((x) => x.s.key.client_id) },
        { name: 'streamId', kind: 'string', values: col((x) => x.s.key.stream_id) },
        { name: 'subscriberId', kind: 'nullableString', values: col((x) => x.s.key.subscriber_id || null) },
        { name: 'role', kind: 'string', values: col((x) => x.s.key.role) },
        { name: 'media', kind: 'string', values: col((x) => x.s.key.media) },
        { name: 'score', kind: 'number', values: col((x) => round2(x.avg)) },
        { name: 'lowest', kind: 'number', values: col((x) => round2(x.min)) },
        { name: 'band', kind: 'string', values: col((x) => x.band) },
        { name: 'reasons', kind: 'string', values: col((x) => x.reasons.map(reasonText).join('; ')) },
      ],
      { name: 'scores', refId: ctx.refId, meta: { preferredVisualisationType: 'table' } }
    ),
    frame(
      [
        { name: 'userId', kind: 'string', values: reasonRows.map((r) => r.key.client_id) },
        { name: 'streamId', kind: 'string', values: reasonRows.map((r) => r.key.stream_id) },
        { name: 'subscriberId', kind: 'nullableString', values: reasonRows.map((r) => r.key.subscriber_id || null) },
        { name: 'media', kind: 'string', values: reasonRows.map((r) => r.key.media) },
        { name: 'factor', kind: 'string', values: reasonRows.map((r) => r.factor) },
        { name: 'value', kind: 'number', values: reasonRows.map((r) => round2(r.value)) },
        { name: 'start', kind: 'time', values: reasonRows.map((r) => r.start) },
        { name: 'end', kind: 'time', values: reasonRows.map((r) => r.end) },
      ],
      { name: 'scoreReasons', refId: ctx.refId }
    ),
    frame(
      [
        { name: 'userId', kind: 'string', values: userRows.map((u) => u.userId) },
        { name: 'audioMos', kind: 'nullableNumber', values: userRows.map((u) => u.audioMos) },
        { name: 'audioBand', kind: 'nullableString', values: userRows.map((u) => u.audioBand) },
        { name: 'videoScore', kind: 'nullableNumber', values: userRows.map((u) => u.videoScore) },
        { name: 'videoBand', kind: 'nullableString', values: userRows.map((u) => u.videoBand) },
      ],
      { name: 'userScores', refId: ctx.refId }
    ),
    ...scoreSeries(ctx, data.sessionId, list),
  ];
}

/** One `score` time series per series, labelled like quality's; above `qualityWideSeries`, one wide frame. */
function scoreSeries(ctx: QueryContext, sessionId: string, list: Series[]): DataFrameJSON[] {
  const described = list.map((s) => {
    const labels: Record<string, string> = {
      [QualityLabels.sessionId]: sessionId,
      [QualityLabels.userId]: s.key.client_id,
      [QualityLabels.streamId]: s.key.stream_id,
      [QualityLabels.role]: s.key.role,
      [QualityLabels.media]: s.key.media,
    };
    if (s.key.subscriber_id) {
      labels[QualityLabels.subscriberId] = s.key.subscriber_id;
    }
    return { t: s.t, values: s.scores.map((v) => round2(v)), labels };
  });
  if (described.length > Limits.qualityWideSeries) {
    return [wideFrame('score', ctx.refId, described)];
  }
  return described.map(({ t, values, labels }) =>
    frame(
      [
        { name: 'time', kind: 'time', values: t },
        { name: 'score', kind: 'number', labels, values },
      ],
      { name: 'score', refId: ctx.refId, meta: { type: 'timeseries-multi', typeVersion: [0, 1] } }
    )
  );
}
