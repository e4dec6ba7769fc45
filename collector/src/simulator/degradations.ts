import type { SeriesId } from '../model/issueDetection';
import type { IngestRecord, QualitySampleRecord } from '../model/records';
import type { DegradationWindow, DegradedSide } from './manifest';
import type { Random } from './random';

const MINUTE = 60_000;

/** Whether a sample is within a window's reach: its time, its media, and the streams of the side that degraded. */
export function hits(
  w: DegradationWindow,
  s: Pick<QualitySampleRecord, 'ts' | 'media' | 'role' | 'streamId' | 'connectionId'>
): boolean {
  if (s.ts < w.start || s.ts >= w.end || !w.media.includes(s.media)) {
    return false;
  }
  if (w.side === 'publisher') {
    return s.streamId === w.streamId;
  }
  // The server forwards every stream; a downlink carries every stream its subscriber receives.
  return s.role === 'subscriber' && (w.side === 'server' || s.connectionId === w.connectionId);
}

/** What goes wrong in a window: bursty loss (6-15 %), a latency spike (400-900 ms RTT) or a video bandwidth drop (70-120 kbps). */
export function injection(r: Random, audioOnly: boolean): Pick<DegradationWindow, 'metric' | 'value' | 'media'> {
  const metric = audioOnly
    ? r.pick(['lossPct', 'rttMs'] as const)
    : r.pick(['lossPct', 'rttMs', 'bitrateKbps'] as const);
  const value =
    metric === 'lossPct'
      ? Math.round(r.between(6, 15) * 10) / 10
      : metric === 'rttMs'
        ? r.int(400, 900)
        : r.int(70, 120);
  const media: Array<'audio' | 'video'> =
    metric === 'bitrateKbps' ? ['video'] : audioOnly ? ['audio'] : ['audio', 'video'];
  return { metric, value, media };
}

export interface InjectionTargets {
  meeting: number;
  /** Published streams, and whether each carries audio only. */
  streams: Array<{ streamId: string; audioOnly: boolean; start: number; end: number }>;
  /** Subscriber connections, with the streams each receives and when. */
  subscribers: Array<{ connectionId: string; from: number; to: number; streams: number }>;
  start: number;
  end: number;
}

/**
 * Explicit injections of a meeting, one per side asked, in time slots that never overlap (2-3
 * minutes each, a minute apart), each on a target present for its whole slot: the ground truth
 * of the B2 and B3 tests.
 */
export function plannedWindows(r: Random, sides: DegradedSide[], t: InjectionTargets): DegradationWindow[] {
  const windows: DegradationWindow[] = [];
  let at = t.start + 2 * MINUTE;
  for (const side of sides) {
    const start = at + r.int(0, 30) * 1000;
    const end = start + r.int(2, 3) * MINUTE;
    if (end > t.end - MINUTE) {
      break;
    }
    at = end + MINUTE;
    const covers = (x: { start?: number; end?: number; from?: number; to?: number }) =>
      (x.start ?? x.from ?? 0) <= start - MINUTE && (x.end ?? x.to ?? 0) >= end + MINUTE;
    if (side === 'publisher') {
      const candidates = t.streams.filter(covers);
      if (candidates.length === 0) {
        continue;
      }
      const s = r.pick(candidates);
      windows.push({ side, streamId: s.streamId, meeting: t.meeting, start, end, ...injection(r, s.audioOnly) });
    } else if (side === 'subscriber') {
      const candidates = t.subscribers.filter((x) => covers(x) && x.streams >= 2);
      if (candidates.length === 0) {
        continue;
      }
      const c = r.pick(candidates);
      windows.push({ side, connectionId: c.connectionId, meeting: t.meeting, start, end, ...injection(r, false) });
    } else {
      windows.push({ side, meeting: t.meeting, start, end, ...injection(r, false) });
    }
  }
  return windows;
}

/** One series (a stream's media as its publisher or one subscriber measured it) a window reached. */
export interface DegradedSeries extends SeriesId {
  window: DegradationWindow;
  /** First and last sample inside the window, and how many. */
  first: number;
  last: number;
  samples: number;
}

/** Every series each window of a generated session reached, from its samples: the ground truth of B2 and B3. */
export function degradedSeries(
  truth: { degradations: DegradationWindow[] },
  records: IngestRecord[]
): DegradedSeries[] {
  const out = new Map<string, DegradedSeries>();
  for (const r of records) {
    if (r.kind !== 'quality') {
      continue;
    }
    truth.degradations.forEach((w, i) => {
      if (!hits(w, r)) {
        return;
      }
      const key = [i, r.clientId, r.streamId, r.subscriberId ?? '', r.role, r.media].join('\u0000');
      const s = out.get(key);
      if (s) {
        s.first = Math.min(s.first, r.ts);
        s.last = Math.max(s.last, r.ts);
        s.samples++;
      } else {
        out.set(key, {
          window: w,
          clientId: r.clientId,
          connectionId: r.connectionId,
          streamId: r.streamId,
          subscriberId: r.subscriberId ?? null,
          role: r.role,
          media: r.media,
          first: r.ts,
          last: r.ts,
          samples: 1,
        });
      }
    });
  }
  return [...out.values()];
}
