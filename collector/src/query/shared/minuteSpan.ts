import { MINUTE_MS } from '../../store/qualityMinutes';

/**
 * How a time range [from, to] (epoch ms, both inclusive) is read with the per-minute rollups:
 * the whole minutes inside it from the rollups, the partial minutes at its edges from the
 * samples, so an answer is the same as from the samples alone.
 */
export interface MinuteSpan {
  /** Whole minutes: rollups with `minute >= from AND minute < to`; none when absent. */
  whole?: { from: number; to: number };
  /** Inclusive sample time ranges outside the whole minutes. */
  edges: Array<[number, number]>;
}

export function minuteSpan(from: number, to: number): MinuteSpan {
  const wholeFrom = Math.ceil(from / MINUTE_MS) * MINUTE_MS;
  const wholeTo = Math.floor((to + 1) / MINUTE_MS) * MINUTE_MS;
  if (wholeFrom >= wholeTo) {
    return { edges: [[from, to]] };
  }
  const edges: Array<[number, number]> = [];
  if (from < wholeFrom) {
    edges.push([from, wholeFrom - 1]);
  }
  if (wholeTo <= to) {
    edges.push([wholeTo, to]);
  }
  return { whole: { from: wholeFrom, to: wholeTo }, edges };
}
