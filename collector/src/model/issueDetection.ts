import { Thresholds, type Issue, type IssueKind, type IssueSeverity } from '@model';
import type { QualityLimitation } from './records';
import type { StoredEvent } from './sessionStats';

/** A series of quality samples: a stream's media as its publisher, or one subscriber, measured it. */
export interface SeriesId {
  clientId: string;
  connectionId: string;
  streamId: string;
  subscriberId: string | null;
  role: 'publisher' | 'subscriber';
  media: 'audio' | 'video';
}

/** One series, summed up. */
export interface SeriesStats extends SeriesId {
  samples: number;
  first: number;
  last: number;
  /** Samples that carried media (bitrate > 0). */
  flowing: number;
  /** A screen share: static content is sharp at any bitrate. */
  screen: boolean;
}

/** A sample that may break a threshold (the store hands over only those: see query/shared/issueData.ts). */
export interface CandidateSample extends SeriesId {
  ts: number;
  lossPct: number | null;
  rttMs: number | null;
  bitrateKbps: number | null;
  frameRate: number | null;
  height: number | null;
  packets: number | null;
  limitation: QualityLimitation | null;
  freezes: number | null;
}

type SeriesKey = Omit<SeriesId, 'connectionId'>;
export const seriesKey = (s: SeriesKey) =>
  [s.clientId, s.streamId, s.subscriberId ?? '', s.role, s.media].join('\u0000');

/** Whether a sample carried media: packets or a bitrate above zero. */
const flowing = (x: CandidateSample) => !(x.packets === 0 || x.bitrateKbps === 0);

/** The low-bitrate line of a video of this frame height (scaled down for thumbnails). */
export function videoLowKbps(height: number | null): number {
  const full = Thresholds.videoBitrateFullHeight;
  const f = height && height > 0 && height < full ? (height / full) ** 2 : 1;
  return Thresholds.videoBitrateLowKbps * f;
}

interface Rule {
  kind: IssueKind;
  applies: (s: SeriesStats) => boolean;
  /** `publisherSending(ts)`: the stream's publisher is known and was sending this media then. */
  breaks: (x: CandidateSample, s: SeriesStats, publisherSending: (ts: number) => boolean) => boolean;
  value: (x: CandidateSample) => number | null;
  severity: (mean: number) => IssueSeverity;
  text: (mean: number) => string;
}

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

const RULES: Rule[] = [
  {
    kind: 'high-loss',
    applies: () => true,
    breaks: (x) => flowing(x) && (x.lossPct ?? 0) > Thresholds.lossWarnPct,
    value: (x) => x.lossPct,
    severity: (m) => (m > Thresholds.lossBadPct ? 'critical' : 'warning'),
    text: (m) =>
      `loss ${round(m)} % (over ${m > Thresholds.lossBadPct ? Thresholds.lossBadPct : Thresholds.lossWarnPct} %)`,
  },
  {
    kind: 'high-latency',
    applies: () => true,
    breaks: (x) => flowing(x) && (x.rttMs ?? 0) > Thresholds.latencyHighMs,
    value: (x) => x.rttMs,
    severity: (m) => (m > Thresholds.latencyBadMs ? 'critical' : 'warning'),
    text: (m) => `round-trip time ${Math.round(m)} ms (over ${Thresholds.latencyHighMs} ms)`,
  },
  {
    kind: 'low-bitrate',
    applies: (s) => s.media === 'video' && !s.screen,
    breaks: (x) => flowing(x) && x.bitrateKbps !== null && x.bitrateKbps < videoLowKbps(x.height),
    value: (x) => x.bitrateKbps,
    severity: () => 'warning',
    text: (m) => `video ${Math.round(m)} kbps (under ${Thresholds.videoBitrateLowKbps} kbps)`,
  },
  {
    kind: 'frozen-video',
    applies: (s) => s.media === 'video' && s.role === 'subscriber' && s.flowing > 0,
    // Frames stop or freeze while data arrives, or nothing arrives while the publisher sends (a
    // stream that stops with no publisher to compare may be paused on purpose: off-screen, P2P).
    breaks: (x, _s, publisherSending) =>
      flowing(x)
        ? (x.frameRate !== null && x.frameRate < Thresholds.frozenFrameRate) || (x.freezes ?? 0) > 0
        : publisherSending(x.ts),
    value: (x) => (flowing(x) ? (x.frameRate ?? 0) : 0),
    severity: () => 'critical',
    text: (m) => `video frozen (${round(m)} frames/s shown)`,
  },
  {
    kind: 'cpu-limited',
    applies: (s) => s.media === 'video' && s.role === 'publisher',
    breaks: (x, s) => x.limitation === 'cpu' && x.ts - s.first >= Thresholds.rampUpMs,
    value: (x) => x.height,
    severity: () => 'warning',
    text: () => 'the encoder lowered resolution: CPU',
  },
  {
    kind: 'bandwidth-limited',
    applies: (s) => s.media === 'video' && s.role === 'publisher',
    breaks: (x, s) => x.limitation === 'bandwidth' && x.ts - s.first >= Thresholds.rampUpMs,
    value: (x) => x.height,
    severity: () => 'warning',
    text: () => 'the encoder lowered resolution: bandwidth',
  },
];

/** "2 min 10 s", "45 s". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}` : `${s} s`;
}

/** The series' sampling interval: its span over its samples. */
export function intervalOf(s: SeriesStats): number {
  return s.samples > 1 ? (s.last - s.first) / (s.samples - 1) : 10_000;
}

function seriesIssue(
  s: SeriesStats,
  kind: IssueKind,
  severity: IssueSeverity,
  start: number,
  end: number,
  value: number | undefined,
  detail: string
): Issue {
  return {
    kind,
    severity,
    start,
    end,
    userId: s.clientId,
    connectionId: s.connectionId,
    streamId: s.streamId,
    ...(s.subscriberId ? { subscriberId: s.subscriberId } : {}),
    role: s.role,
    media: s.media,
    ...(value === undefined ? {} : { value }),
    detail,
  };
}

/**
 * Quality issues of a set of series: a threshold broken by at least `issueMinSamples` consecutive
 * samples spanning `issueMinDurationMs`. A sample describes the interval since the one before, so
 * an issue starts one interval before its first sample and ends at its last. A subscriber that
 * never received anything while its publisher sent is one-way media (and not also frozen).
 */
export function qualityIssues(series: SeriesStats[], candidates: CandidateSample[]): Issue[] {
  const bySeries = new Map<string, CandidateSample[]>();
  for (const x of candidates) {
    const k = seriesKey(x);
    const list = bySeries.get(k);
    if (list) {
      list.push(x);
    } else {
      bySeries.set(k, [x]);
    }
  }
  const publishers = new Map<string, SeriesStats>();
  for (const s of series) {
    if (s.role === 'publisher') {
      publishers.set(`${s.streamId}\u0000${s.media}`, s);
    }
  }
  const issues: Issue[] = [];
  for (const s of series) {
    const interval = intervalOf(s);
    const publisher = s.role === 'subscriber' ? publishers.get(`${s.streamId}\u0000${s.media}`) : undefined;
    if (s.role === 'subscriber' && s.flowing === 0 && publisher && publisher.flowing > 0) {
      if (s.samples >= Thresholds.issueMinSamples) {
        const start = s.first - interval;
        issues.push(
          seriesIssue(
            s,
            'one-way-media',
            'critical',
            start,
            s.last,
            0,
            `nothing received for ${duration(s.last - start)} while the publisher sent`
          )
        );
      }
      continue;
    }
    const samples = (bySeries.get(seriesKey(s)) ?? []).sort((a, b) => a.ts - b.ts);
    const publisherIdle = publisher
      ? (bySeries.get(seriesKey(publisher)) ?? []).filter((x) => !flowing(x)).map((x) => x.ts)
      : [];
    const publisherSending = (ts: number) =>
      publisher !== undefined &&
      publisher.flowing > 0 &&
      ts >= publisher.first &&
      ts <= publisher.last + intervalOf(publisher) &&
      !publisherIdle.some((t) => Math.abs(t - ts) <= intervalOf(publisher));
    for (const rule of RULES) {
      if (!rule.applies(s)) {
        continue;
      }
      let run: CandidateSample[] = [];
      const close = () => {
        const [first, last] = [run[0], run[run.length - 1]];
        const start = first.ts - interval;
        if (run.length >= Thresholds.issueMinSamples && last.ts - start >= Thresholds.issueMinDurationMs) {
          const values = run.map(rule.value).filter((v): v is number => v !== null);
          const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
          issues.push(
            seriesIssue(
              s,
              rule.kind,
              rule.severity(mean),
              start,
              last.ts,
              round(mean, 2),
              `${rule.text(mean)} for ${duration(last.ts - start)}`
            )
          );
        }
        run = [];
      };
      for (const x of samples) {
        if (!rule.breaks(x, s, publisherSending)) {
          continue;
        }
        // Consecutive: no sample in between (it would have been a candidate only if it broke a threshold too).
        if (run.length > 0 && x.ts - run[run.length - 1].ts > 1.5 * interval) {
          close();
        }
        run.push(x);
      }
      if (run.length > 0) {
        close();
      }
    }
  }
  return issues;
}

/** Error codes of a peer connection that could not connect or was lost (ICE). */
const ICE_CODES = new Set(['PEER_CONNECTION_FAILED', 'OT_ICE_WORKFLOW_FAILED', '1013']);

function eventIssue(e: StoredEvent, kind: IssueKind, severity: IssueSeverity, detail: string, end = e.ts): Issue {
  return {
    kind,
    severity,
    start: e.ts,
    end,
    userId: e.clientId,
    ...(e.connectionId ? { connectionId: e.connectionId } : {}),
    ...(e.streamId ? { streamId: e.streamId } : {}),
    ...(e.subscriberId ? { subscriberId: e.subscriberId } : {}),
    detail,
  };
}

const failure = (e: StoredEvent) => [e.code, e.message].filter(Boolean).join(': ') || 'no error code';

/**
 * Issues from events: ICE failures, failed connects, publishes (and camera or microphone that
 * could not be opened) and subscribes, and reconnects (from reconnecting to reconnected; one that
 * never came back ends at the connection's end, and is critical unless a failure already says so).
 */
export function eventIssues(events: StoredEvent[]): Issue[] {
  const issues: Issue[] = [];
  const reconnecting = new Map<string, StoredEvent>();
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    const ice = e.code !== null && ICE_CODES.has(e.code);
    if (e.variation === 'failure') {
      if (ice && (e.action === 'connect' || e.action === 'disconnect' || e.action === 'subscribe')) {
        issues.push(eventIssue(e, 'ice-failure', 'critical', `${e.action} failed: ${failure(e)}`));
      } else if (e.action === 'connect') {
        issues.push(eventIssue(e, 'failed-connect', 'critical', `connect failed: ${failure(e)}`));
      } else if (e.action === 'publish' || e.action === 'getUserMedia') {
        const what = e.action === 'publish' ? 'publish failed' : 'camera or microphone could not be opened';
        issues.push(eventIssue(e, 'failed-publish', 'critical', `${what}: ${failure(e)}`));
      } else if (e.action === 'subscribe') {
        issues.push(eventIssue(e, 'failed-subscribe', 'critical', `subscribe failed: ${failure(e)}`));
      }
    }
    const conn = e.connectionId ?? '';
    if (e.action === 'reconnecting' && !reconnecting.has(conn)) {
      reconnecting.set(conn, e);
    } else if (e.action === 'reconnected' && reconnecting.has(conn)) {
      const from = reconnecting.get(conn) as StoredEvent;
      reconnecting.delete(conn);
      issues.push(
        eventIssue(
          from,
          'reconnect',
          'warning',
          `reconnected after ${duration(e.ts - from.ts)}${from.reason ? ` (${from.reason})` : ''}`,
          e.ts
        )
      );
    } else if (e.action === 'disconnect' && reconnecting.has(conn)) {
      const from = reconnecting.get(conn) as StoredEvent;
      reconnecting.delete(conn);
      if (e.variation !== 'failure') {
        issues.push(eventIssue(from, 'reconnect', 'critical', `never reconnected (${duration(e.ts - from.ts)})`, e.ts));
      }
    }
  }
  return issues;
}
