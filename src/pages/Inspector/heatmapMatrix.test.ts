import { FieldType, toDataFrame } from '@grafana/data';
import { Thresholds } from '../../model';
import { bandRuns, heatmapColumns, heatmapRows, type HeatmapRow } from './heatmapMatrix';

function series(subscriber: string, times: number[], loss: number[]) {
  return toDataFrame({
    fields: [
      { name: 'time', type: FieldType.time, values: times },
      {
        name: 'lossPct',
        type: FieldType.number,
        values: loss,
        labels: { subscriber, user: `user-${subscriber}`, stream: 'st' },
      },
    ],
  });
}

describe('subscriber heatmap', () => {
  const frames = [
    series('a', [0, 10, 20, 30], [1, 1, 1, 1]),
    series('b', [0, 10, 20, 30], [0, 8, 10, 2]),
    series('c', [0, 30], [4, 4]),
  ];

  it('puts every subscriber in a row, worst mean first, cells averaged per column', () => {
    const rows = heatmapRows(frames, 0, 40, 2);
    expect(rows.map((r) => r.subscriber)).toEqual(['b', 'c', 'a']);
    expect(rows[0].cells).toEqual([4, 6]);
    expect(rows[0].mean).toBe(5);
    expect(rows[0].max).toBe(10);
    expect(rows[1].user).toBe('user-c');
  });

  it('leaves cells empty across a gap longer than a sample covers, and ignores samples outside the range', () => {
    const rows = heatmapRows([series('c', [0, 300_000, 990_000], [4, 4, 50])], 0, 400_000, 4);
    expect(rows[0].cells).toEqual([4, null, null, 4]);
    expect(rows[0].max).toBe(4);
  });

  it('fills the columns a sample covers back to the one before it (stats are deltas)', () => {
    const rows = heatmapRows([series('d', [0, 30_000, 60_000], [1, 2, 3])], 0, 80_000, 8);
    expect(rows[0].cells).toEqual([1, 2, 2, 2, 3, 3, 3, null]);
    expect(rows[0].mean).toBe(2);
  });

  it('uses no more columns than the samples fill', () => {
    expect(heatmapColumns(frames, 0, 40, 120)).toBe(4);
    expect(heatmapColumns(frames, 0, 4000, 120)).toBe(120);
  });

  it('draws runs of cells in one band as one rectangle each, gaps left out', () => {
    const warn = (Thresholds.lossWarnPct + Thresholds.lossBadPct) / 2;
    const bad = Thresholds.lossBadPct + 1;
    const row = (cells: Array<number | null>): HeatmapRow => ({
      subscriber: 's',
      user: 'u',
      stream: 'st',
      cells,
      mean: 0,
      max: 0,
    });
    const runs = bandRuns([row([0, 0, warn, null, 0, bad, bad]), row([bad, 0, 0, 0])]);
    expect(runs.good).toEqual([
      { row: 0, start: 0, length: 2 },
      { row: 0, start: 4, length: 1 },
      { row: 1, start: 1, length: 3 },
    ]);
    expect(runs.warn).toEqual([{ row: 0, start: 2, length: 1 }]);
    expect(runs.bad).toEqual([
      { row: 0, start: 5, length: 2 },
      { row: 1, start: 0, length: 1 },
    ]);
    expect(bandRuns([row([Thresholds.lossWarnPct, Thresholds.lossBadPct])])).toEqual({
      good: [{ row: 0, start: 0, length: 1 }],
      warn: [{ row: 0, start: 1, length: 1 }],
      bad: [],
    });
  });
});
