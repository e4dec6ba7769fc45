import { Thresholds, type DataFrameJSON, type Issue, type IssueKind } from '@model';
import type { EventRecord } from '../src/model/records';
import { audioBand, videoBand } from '../src/model/scores';
import { degradedSeries, type DegradedSeries } from '../src/simulator/degradations';
import type { GeneratedSession } from '../src/simulator/generate';
import type { DegradationWindow } from '../src/simulator/manifest';
import { col, rowsOf } from './helpers';

/**
 * The ground truth of B2 on a simulated session: the issues its injected windows, failures and
 * reconnects must give, compared with what the collector found.
 */
const QUALITY_KINDS: IssueKind[] = [
  'high-loss',
  'high-latency',
  'low-bitrate',
  'bandwidth-limited',
  'cpu-limited',
  'frozen-video',
  'one-way-media',
];

/** The issue kinds a window gives on a series it reached. */
function kindsOf(w: DegradationWindow, s: DegradedSeries): IssueKind[] {
  if (w.metric === 'lossPct') {
    return ['high-loss'];
  }
  if (w.metric === 'rttMs') {
    return ['high-latency'];
  }
  // A publisher whose own uplink lost bandwidth also reports itself bandwidth-limited.
  return w.side === 'publisher' && s.role === 'publisher' ? ['low-bitrate', 'bandwidth-limited'] : ['low-bitrate'];
}

const sameSeries = (i: Issue, s: DegradedSeries) =>
  i.userId === s.clientId &&
  i.streamId === s.streamId &&
  (i.subscriberId ?? null) === s.subscriberId &&
  i.role === s.role &&
  i.media === s.media;

export interface IssueCheck {
  /** Injected (series, kind) pairs long enough to be an issue, and those found with the right times. */
  expected: number;
  found: number;
  /** Quality issues that match no injected (series, kind): outside the windows, or a second one inside. */
  extra: Issue[];
  missing: string[];
  /** Failures and reconnects of the session, and the event issues found for them. */
  events: number;
  eventIssues: number;
}

export function checkIssues(g: GeneratedSession, issues: Issue[], intervalMs: number): IssueCheck {
  const result: IssueCheck = { expected: 0, found: 0, extra: [], missing: [], events: 0, eventIssues: 0 };
  const matched = new Set<Issue>();
  for (const s of degradedSeries(g.truth, g.records)) {
    // A series the window reached for too short a time (a subscriber who joined or left in it) need not be tagged.
    const start = Math.max(s.window.start, s.first - intervalMs);
    if (s.samples < Thresholds.issueMinSamples || s.last - start < Thresholds.issueMinDurationMs) {
      continue;
    }
    for (const kind of kindsOf(s.window, s)) {
      result.expected++;
      const hit = issues.find(
        (i) =>
          i.kind === kind &&
          sameSeries(i, s) &&
          Math.abs(i.start - Math.max(s.window.start, s.first - intervalMs)) <= intervalMs &&
          Math.abs(i.end - Math.min(s.window.end, s.last)) <= intervalMs &&
          !matched.has(i)
      );
      if (hit) {
        result.found++;
        matched.add(hit);
      } else {
        result.missing.push(`${kind} ${s.window.side} ${s.role} ${s.media} ${s.streamId} ${s.subscriberId ?? ''}`);
      }
    }
  }
  // No other quality issue: nothing outside the windows, no window split in two.
  result.extra = issues.filter((i) => QUALITY_KINDS.includes(i.kind) && !matched.has(i));
  const events = g.records.filter((r): r is EventRecord => r.kind === 'event');
  result.events =
    events.filter((e) => e.variation === 'failure').length + events.filter((e) => e.action === 'reconnected').length;
  result.eventIssues = issues.filter((i) => !QUALITY_KINDS.includes(i.kind)).length;
  return result;
}

export interface AttributionCheck {
  /** Injected windows, and the subscriber streams they degraded (long enough to be an issue). */
  cases: number;
  streams: number;
  /** Of those streams: attributed to the injected side. */
  correct: number;
  wrong: string[];
}

/** B3 ground truth: every subscriber stream a window degraded must be attributed to the window's side. */
export function checkAttribution(
  g: GeneratedSession,
  rows: Array<{ subscriberId: string; start: number; end: number; verdict: string }>,
  intervalMs: number
): AttributionCheck {
  const result: AttributionCheck = { cases: g.truth.degradations.length, streams: 0, correct: 0, wrong: [] };
  const degraded = new Map<string, DegradedSeries>();
  for (const s of degradedSeries(g.truth, g.records)) {
    const start = Math.max(s.window.start, s.first - intervalMs);
    if (
      s.role !== 'subscriber' ||
      !s.subscriberId ||
      s.samples < Thresholds.issueMinSamples ||
      s.last - start < Thresholds.issueMinDurationMs
    ) {
      continue;
    }
    degraded.set(`${g.truth.degradations.indexOf(s.window)}\u0000${s.subscriberId}`, s);
  }
  for (const s of degraded.values()) {
    result.streams++;
    const found = rows.filter(
      (a) => a.subscriberId === s.subscriberId && a.start <= s.window.end && s.window.start <= a.end
    );
    if (found.length > 0 && found.every((a) => a.verdict === s.window.side)) {
      result.correct++;
    } else {
      result.wrong.push(
        `${s.window.side} ${s.window.metric} → ${found.map((a) => a.verdict).join(', ') || 'no episode'} (${s.subscriberId})`
      );
    }
  }
  return result;
}

export interface ScoreCheck {
  /** Samples (one bucket each) inside loss, latency (audio) and bitrate windows, and clean ones away from any window. */
  checked: { loss: number; latency: number; bitrate: number; clean: number };
  /** Those not in the band the thresholds give, and windows whose reasons do not name their factor. */
  wrong: string[];
  reasons: number;
}

/**
 * B1 ground truth: inside a loss window the score is poor, inside a latency window the audio MOS
 * is no longer good (latency impairs the conversation, not the picture), inside a bandwidth drop
 * the video score is poor; away from every window both are good. Frames: a scores answer with one
 * bucket per sample.
 */
export function checkScores(g: GeneratedSession, frames: DataFrameJSON[], intervalMs: number): ScoreCheck {
  const result: ScoreCheck = { checked: { loss: 0, latency: 0, bitrate: 0, clean: 0 }, wrong: [], reasons: 0 };
  const reached = degradedSeries(g.truth, g.records);
  const reasons = rowsOf(frames.find((f) => f.schema.name === 'scoreReasons')!);
  for (const f of frames.filter((x) => x.schema.name === 'score')) {
    const l = f.schema.fields[1].labels!;
    const times = col(f, 'time') as number[];
    const scores = col(f, 'score') as number[];
    const windows = reached.filter(
      (s) =>
        s.clientId === l.user &&
        s.streamId === l.stream &&
        (s.subscriberId ?? undefined) === l.subscriber &&
        s.role === l.role &&
        s.media === l.media
    );
    times.forEach((t, i) => {
      const band = l.media === 'audio' ? audioBand(scores[i]) : videoBand(scores[i]);
      const w = windows.find((s) => t >= s.window.start && t < s.window.end)?.window;
      const near = windows.some((s) => t >= s.window.start - intervalMs && t < s.window.end + intervalMs);
      const where = `${l.role} ${l.media} ${l.stream} at ${new Date(t).toISOString()}: ${scores[i]} (${band})`;
      if (w?.metric === 'lossPct') {
        result.checked.loss++;
        if (band !== 'poor') {
          result.wrong.push(`loss window, ${where}`);
        }
      } else if (w?.metric === 'rttMs') {
        if (l.media === 'audio') {
          result.checked.latency++;
          if (band === 'good') {
            result.wrong.push(`latency window, ${where}`);
          }
        }
      } else if (w?.metric === 'bitrateKbps') {
        result.checked.bitrate++;
        if (band !== 'poor') {
          result.wrong.push(`bitrate window, ${where}`);
        }
      } else if (!near) {
        result.checked.clean++;
        if (band !== 'good') {
          result.wrong.push(`clean, ${where}`);
        }
      }
    });
    for (const s of windows.filter((x) => x.window.metric !== 'rttMs' || x.media === 'audio')) {
      const factor = s.window.metric === 'lossPct' ? 'loss' : s.window.metric === 'rttMs' ? 'latency' : 'bitrate';
      const named = reasons.some(
        (x) =>
          x.streamId === l.stream &&
          x.subscriberId === l.subscriber &&
          x.media === l.media &&
          x.factor === factor &&
          (x.start as number) < s.window.end &&
          (x.end as number) > s.window.start
      );
      result.reasons++;
      if (!named) {
        result.wrong.push(`no ${factor} reason on ${l.role} ${l.media} ${l.stream}`);
      }
    }
  }
  return result;
}
