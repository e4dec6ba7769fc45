import type { DataFrame } from '@grafana/data';

export type Row = Record<string, unknown>;

/** A frame's rows as records keyed by field name (frames from the collector are small tables). */
export function frameRows(frame: DataFrame | undefined): Row[] {
  if (!frame) {
    return [];
  }
  const rows: Row[] = [];
  for (let i = 0; i < frame.length; i++) {
    const row: Row = {};
    for (const f of frame.fields) {
      row[f.name] = f.values[i];
    }
    rows.push(row);
  }
  return rows;
}

export function frameNamed(frames: DataFrame[], name: string): DataFrame | undefined {
  return frames.find((f) => f.name === name);
}

export const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
