import type { DataFrame } from '@grafana/data';
import { Limits, QualityLabels, Thresholds } from '../../model';

export interface HeatmapRow {
  subscriber: string;
  user: string;
  stream: string;
  /** Mean loss % per column; null where the subscriber had no sample. */
  cells: Array<number | null>;
  mean: number;
  max: number;
}

/**
 * B4: one row per subscriber, one column per time bucket over [from, to), sorted worst first
 * (by mean, then max), so a 1,000-subscriber broadcast reads top-down. A column without a sample
 * of its own shows the next sample when that one covers it (`heatmapSampleCoverMs`): samples
 * every 10-30 s must not draw as stripes of "no sample".
 */
export function heatmapRows(frames: DataFrame[], from: number, to: number, columns: number): HeatmapRow[] {
  const width = (to - from) / Math.max(1, columns);
  const rows: HeatmapRow[] = [];
  for (const f of frames) {
    const time = f.fields.find((x) => x.type === 'time');
    const value = f.fields.find((x) => x.type === 'number');
    if (!time || !value) {
      continue;
    }
    const sums = new Array<number>(columns).fill(0);
    const counts = new Array<number>(columns).fill(0);
    const covered = new Array<number | null>(columns).fill(null);
    let previous: { t: number; c: number } | undefined;
    let total = 0;
    let n = 0;
    let max = 0;
    for (let i = 0; i < f.length; i++) {
      const t = time.values[i] as number;
      const v = value.values[i] as number | null;
      if (v === null || t < from || t >= to) {
        continue;
      }
      const c = Math.min(columns - 1, Math.floor((t - from) / width));
      sums[c] += v;
      counts[c]++;
      if (previous && t - previous.t <= Limits.heatmapSampleCoverMs) {
        covered.fill(v, previous.c + 1, c);
      }
      previous = { t, c };
      total += v;
      n++;
      max = Math.max(max, v);
    }
    const labels = value.labels ?? {};
    rows.push({
      subscriber: labels[QualityLabels.subscriberId] ?? f.name ?? '',
      user: labels[QualityLabels.userId] ?? '',
      stream: labels[QualityLabels.streamId] ?? '',
      cells: sums.map((s, i) => (counts[i] ? s / counts[i] : covered[i])),
      mean: n ? total / n : 0,
      max,
    });
  }
  return rows.sort((a, b) => b.mean - a.mean || b.max - a.max || a.subscriber.localeCompare(b.subscriber));
}

/** Columns no finer than the samples: finer ones would leave empty stripes between samples. */
export function heatmapColumns(frames: DataFrame[], from: number, to: number, max: number): number {
  let spacing = Infinity;
  for (const f of frames.slice(0, 20)) {
    const t = f.fields.find((x) => x.type === 'time')?.values as number[] | undefined;
    for (let i = 1; t && i < t.length; i++) {
      spacing = Math.min(spacing, t[i] - t[i - 1] || Infinity);
    }
  }
  return Number.isFinite(spacing) ? Math.max(1, Math.min(max, Math.floor((to - from) / spacing))) : max;
}

/** A cell's colour band: at most the warning loss, up to the bad loss, above it. */
export type LossBand = 'good' | 'warn' | 'bad';

export const lossBand = (v: number): LossBand =>
  v > Thresholds.lossBadPct ? 'bad' : v > Thresholds.lossWarnPct ? 'warn' : 'good';

/** Consecutive cells of one row in one band: `length` columns from column `start`. */
export interface CellRun {
  row: number;
  start: number;
  length: number;
}

/**
 * Each band's runs of cells: the canvas draws a rectangle per run and sets each colour once,
 * instead of a colour and a rectangle per cell (120,000 of them for 1,000 subscribers).
 */
export function bandRuns(rows: HeatmapRow[]): Record<LossBand, CellRun[]> {
  const runs: Record<LossBand, CellRun[]> = { good: [], warn: [], bad: [] };
  rows.forEach((r, row) => {
    let open: { band: LossBand; run: CellRun } | undefined;
    r.cells.forEach((v, column) => {
      const band = v === null ? undefined : lossBand(v);
      if (open && open.band === band) {
        open.run.length++;
        return;
      }
      open = band && { band, run: { row, start: column, length: 1 } };
      if (open) {
        runs[open.band].push(open.run);
      }
    });
  });
  return runs;
}
