/** A connection's span: from its first to its last event. */
export interface ConnectionSpan {
  connectionId: string;
  start: number;
  end: number;
}

export interface Meeting {
  /** `m1`, `m2`, ... in time order within the session. */
  meetingId: string;
  start: number;
  end: number;
}

/**
 * Splits a session into meetings: a new meeting starts when a connection opens after the
 * session has had no open connection for at least `idleGapMs` (Inspector: "a new meeting is
 * set when the session is out of use for 10 minutes").
 */
export function deriveMeetings(spans: ConnectionSpan[], idleGapMs: number): Meeting[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const meetings: Meeting[] = [];
  for (const span of sorted) {
    const current = meetings[meetings.length - 1];
    if (current && span.start - current.end < idleGapMs) {
      current.end = Math.max(current.end, span.end);
    } else {
      meetings.push({ meetingId: `m${meetings.length + 1}`, start: span.start, end: span.end });
    }
  }
  return meetings;
}

/** The meeting an instant belongs to: the last one that started at or before it (or the first). */
export function meetingAt(meetings: Meeting[], ts: number): Meeting | undefined {
  let found = meetings[0];
  for (const m of meetings) {
    if (m.start <= ts) {
      found = m;
    } else {
      break;
    }
  }
  return found;
}
