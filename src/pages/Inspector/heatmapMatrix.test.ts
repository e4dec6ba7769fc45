import { FieldType, toDataFrame } from '@grafana/data';
import { heatmapColumns, heatmapRows } from './heatmapMatrix';

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
});
