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

/**
 * The meeting an instant belongs to: the one it falls in, else the nearer of the two around it
 * (a getUserMedia error 46 s before a meeting belongs to it, not to one that ended months before).
 */
export function meetingAt(meetings: Meeting[], ts: number): Meeting | undefined {
  let before: Meeting | undefined;
  for (const m of meetings) {
    if (m.start > ts) {
      return before && ts - before.end <= m.start - ts ? before : m;
    }
    before = m;
  }
  return before;
}
