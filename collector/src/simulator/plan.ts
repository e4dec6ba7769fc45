import { Limits } from '@model';
import type { Shape } from './manifest';
import type { SessionSpec } from './generate';
import { Random } from './random';

const MINUTE = 60 * 1000;

export interface PlanOptions {
  seed: number;
  sessions: number;
  /** Sessions end before `now` and start within the last `hours`. */
  hours: number;
  now: number;
  sampleIntervalMs: number;
}

/** The mix of a realistic fleet; the first four sessions cover every shape. */
const SHAPES: Array<readonly [Shape, number]> = [
  ['one-to-one', 40],
  ['multiparty', 35],
  ['broadcast', 8],
  ['one-to-zero', 17],
];

/** OpenTok-looking session ids (`1_MX4…`), deterministic from the generator. */
export function sessionId(r: Random): string {
  return `1_MX4${r.token(6, '0123456789')}fn${r.token(30)}`;
}

export function specFor(r: Random, shape: Shape, start: number, sampleIntervalMs: number): SessionSpec {
  const reuse = shape !== 'broadcast' && r.chance(0.15);
  const minutes = shape === 'broadcast' ? r.int(15, 30) : shape === 'one-to-zero' ? r.int(2, 12) : r.int(6, 35);
  return {
    sessionId: sessionId(r),
    shape,
    start,
    meetings: reuse ? r.int(2, 3) : 1,
    // Longer than the idle gap, so each reuse is a new meeting.
    reuseGapMs: Limits.meetingIdleGapMs + r.int(1, 40) * MINUTE,
    minutes,
    users: shape === 'multiparty' ? r.int(3, 12) : shape === 'broadcast' ? r.int(151, 200) : 2,
    sampleIntervalMs,
    trouble: r.chance(0.3) ? 3 : 1,
  };
}

/** How long a spec lasts from its start to its last meeting's end, at most. */
export function specSpanMs(spec: SessionSpec): number {
  return spec.meetings * spec.minutes * MINUTE + (spec.meetings - 1) * spec.reuseGapMs;
}

/** Sessions spread over the backfill window, each finished by `now`. */
export function planBackfill(o: PlanOptions): SessionSpec[] {
  const r = new Random(o.seed);
  const specs: SessionSpec[] = [];
  const windowStart = o.now - o.hours * 60 * MINUTE;
  for (let i = 0; i < o.sessions; i++) {
    const shape = i < SHAPES.length ? SHAPES[i][0] : r.weighted(SHAPES);
    const spec = specFor(r, shape, 0, o.sampleIntervalMs);
    const latest = o.now - specSpanMs(spec) - MINUTE;
    spec.start = Math.round(Math.max(windowStart, Math.min(latest, windowStart + r.next() * (latest - windowStart))));
    specs.push(spec);
  }
  return specs;
}

/**
 * Routed multiparty calls of 4-6 users, 16 minutes each, every one with a degradation of each
 * side (publisher uplink, media server, one subscriber's downlink) at known, separate times:
 * the cases the issue (B2) and attribution (B3) tests and the diagnosis bench check.
 */
export function planInjected(o: {
  seed: number;
  sessions: number;
  start: number;
  sampleIntervalMs: number;
}): SessionSpec[] {
  const r = new Random(o.seed);
  return Array.from({ length: o.sessions }, (_, i) => ({
    sessionId: `injected-${o.seed}-${i}-${r.token(8)}`,
    shape: 'multiparty' as const,
    start: o.start + i * 20 * MINUTE,
    meetings: 1,
    reuseGapMs: 0,
    minutes: 16,
    users: r.int(4, 6),
    sampleIntervalMs: o.sampleIntervalMs,
    trouble: 1,
    inject: r.chance(0.5) ? ['publisher', 'server', 'subscriber'] : ['subscriber', 'publisher', 'server'],
  }));
}
