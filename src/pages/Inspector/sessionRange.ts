import { Limits } from '../../model';
import { frameRows, num, str } from '../../dataAccess/frames';
import type { DataFrame } from '@grafana/data';
import type { TimeWindow } from '../../dataAccess/queryRequest';

export interface MeetingRow {
  meetingId: string;
  start: number;
  end: number;
  users: number;
  subscribers: number;
}

const DAY = 86_400_000;
/** Quality samples are bucketed and may start a little before the first connection event. */
export const RANGE_PADDING_MS = 60_000;

/** Where to look for a session's meetings: as far back as saved sessions are kept. */
export function lookupWindow(now: number): TimeWindow {
  return { from: now - (Limits.savedRetentionMonths * 31 + 1) * DAY, to: now + RANGE_PADDING_MS };
}

export function meetingsOf(frames: DataFrame[]): MeetingRow[] {
  return frameRows(frames.find((f) => f.name === 'meetings')).map((r) => ({
    meetingId: str(r.meetingId),
    start: num(r.start),
    end: num(r.end),
    users: num(r.users),
    subscribers: num(r.subscribers),
  }));
}

/**
 * A large session (the heatmap, and the publishers' quality only) has more than
 * `largeSessionSubscribers` subscribers in the meeting inspected, or in all its meetings together.
 * Told by the meetings answer, so that no module waits for another query to know it; a zoom
 * keeps the layout of the meeting it zooms into.
 */
export function isLargeSession(meetings: MeetingRow[], meetingId: string | undefined): boolean {
  const chosen = meetingId ? meetings.filter((m) => m.meetingId === meetingId) : meetings;
  return chosen.reduce((n, m) => n + m.subscribers, 0) > Limits.largeSessionSubscribers;
}

/** The whole session, or the chosen meeting, padded; a zoom (from/to) narrows it. */
export function inspectedRange(
  meetings: MeetingRow[],
  meetingId: string | undefined,
  zoom: Partial<TimeWindow>
): TimeWindow | undefined {
  const chosen = meetingId ? meetings.filter((m) => m.meetingId === meetingId) : meetings;
  if (chosen.length === 0) {
    return undefined;
  }
  if (zoom.from !== undefined && zoom.to !== undefined) {
    return { from: zoom.from, to: zoom.to };
  }
  return {
    from: Math.min(...chosen.map((m) => m.start)) - RANGE_PADDING_MS,
    to: Math.max(...chosen.map((m) => m.end)) + RANGE_PADDING_MS,
  };
}
