import { Fields, type DataFrameJSON } from '@model';
import { frame } from './frame';

/** One labelled series of a wide frame: its bucket times and values (null: no value there). */
export interface WideSeries {
  t: number[];
  values: Array<number | null>;
  labels: Record<string, string>;
  config?: Record<string, unknown>;
}

/**
 * One frame for many series of a metric: a time field shared by all, a labelled field per series
 * (null where it has no value), values to a thousandth (their full 17 digits were half of a large
 * broadcast's answer). Grafana's panels and alert rules read a wide frame's fields as series.
 */
export function wideFrame(
  name: string,
  refId: string,
  series: WideSeries[],
  meta: Record<string, unknown> = {}
): DataFrameJSON {
  const times = [...new Set(series.flatMap((s) => s.t))].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const fields = series.map(({ t, values, labels, config }) => {
    const column: Array<number | null> = times.map(() => null);
    t.forEach((x, i) => {
      const v = values[i];
      column[at.get(x)!] = v === null ? null : Math.round(v * 1000) / 1000;
    });
    return { name, kind: 'nullableNumber' as const, values: column, labels, ...(config ? { config } : {}) };
  });
  return frame([{ name: Fields.time, kind: 'time', values: times }, ...fields], {
    name,
    refId,
    meta: { type: 'timeseries-wide', typeVersion: [0, 1], ...meta },
  });
}
