import { Thresholds, type Issue, type IssueKind } from '@model';
import type { EventRecord } from '../src/model/records';
import { degradedSeries, type DegradedSeries } from '../src/simulator/degradations';
import type { GeneratedSession } from '../src/simulator/generate';
import type { DegradationWindow } from '../src/simulator/manifest';

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
