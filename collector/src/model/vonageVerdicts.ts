import type { DegradedSideVerdict } from '@model';

/** OpenTok.js's own degradation source (V1, a subscriber's `networkConditionChanged`), as the SDK captured it. */
export interface VonageDegradation {
  ts: number;
  connectionId: string | null;
  streamId: string | null;
  subscriberId: string | null;
  /** `none`, `local`, `remote` or `bothOrUnclear` (Vonage's NetworkDegradationSource). */
  source: string;
}

/**
 * A subscriber's degradation source in our terms: `local` is the subscriber's own network (its
 * downlink), `remote` the publisher's; `bothOrUnclear` says no side; `none` says nothing degraded.
 */
export function vonageSide(source: string): DegradedSideVerdict | 'none' | undefined {
  const s = source.toLowerCase();
  if (s === 'local') {
    return 'subscriber';
  }
  if (s === 'remote') {
    return 'publisher';
  }
  if (s.includes('unclear') || s.includes('both')) {
    return 'unclear';
  }
  return s === 'none' ? 'none' : undefined;
}

/**
 * What OpenTok.js said about one degraded subscriber stream during [start, end] (with a grace of
 * `graceMs` either side: it reports on change): the side it named most often, if it named one.
 */
export function vonageVerdict(
  reports: VonageDegradation[],
  who: { subscriberId: string; connectionId: string; streamId: string },
  start: number,
  end: number,
  graceMs: number
): DegradedSideVerdict | undefined {
  const counts = new Map<DegradedSideVerdict, number>();
  for (const r of reports) {
    const mine =
      (r.subscriberId !== null && r.subscriberId === who.subscriberId) ||
      (r.subscriberId === null && r.connectionId === who.connectionId && r.streamId === who.streamId);
    const side = vonageSide(r.source);
    if (mine && r.ts >= start - graceMs && r.ts <= end + graceMs && side && side !== 'none') {
      counts.set(side, (counts.get(side) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
