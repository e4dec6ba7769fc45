import { DataFrameType, FieldType, type DataFrame } from '@grafana/data';

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

/**
 * Frames of one series each. The collector answers many series (over 1,000: a large broadcast)
 * as one wide frame per metric, a shared time field and a field per series; the Inspector's
 * charts and heatmap read a frame per series, so a wide frame is split here, each series
 * keeping only its points (a wide frame holds nulls where a series has no sample).
 */
export function seriesFrames(frames: DataFrame[]): DataFrame[] {
  return frames.flatMap((frame) => {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    if (frame.meta?.type !== DataFrameType.TimeSeriesWide || !time) {
      return [frame];
    }
    return frame.fields
      .filter((f) => f !== time)
      .map((field): DataFrame => {
        const kept = field.values.map((_, i) => i).filter((i) => field.values[i] !== null);
        const rule = field.config.custom?.publisherRule;
        return {
          ...frame,
          length: kept.length,
          meta: {
            ...frame.meta,
            type: DataFrameType.TimeSeriesMulti,
            ...(rule ? { custom: { publisherRule: rule } } : {}),
          },
          fields: [
            { ...time, values: kept.map((i) => time.values[i]) },
            { ...field, values: kept.map((i) => field.values[i]) },
          ],
        };
      });
  });
}
