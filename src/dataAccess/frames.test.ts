import { DataFrameType, FieldType, toDataFrame } from '@grafana/data';
import { seriesFrames } from './frames';

describe('seriesFrames', () => {
  it('splits a wide frame into a frame per series, each with only its points and its publisher rule', () => {
    const wide = toDataFrame({
      name: 'lossPct',
      refId: 'A',
      meta: { type: DataFrameType.TimeSeriesWide },
      fields: [
        { name: 'time', type: FieldType.time, values: [1000, 2000, 3000] },
        { name: 'lossPct', type: FieldType.number, values: [1, null, 3], labels: { user: 'a' } },
        {
          name: 'lossPct',
          type: FieldType.number,
          values: [null, 5, null],
          labels: { user: 'b' },
          config: { custom: { publisherRule: 'worstSubscriber' } },
        },
      ],
    });
    const [a, b] = seriesFrames([wide]);
    expect(a.fields.map((f) => f.values)).toEqual([
      [1000, 3000],
      [1, 3],
    ]);
    expect([a.length, a.fields[1].labels, a.meta?.type, a.meta?.custom]).toEqual([
      2,
      { user: 'a' },
      DataFrameType.TimeSeriesMulti,
      undefined,
    ]);
    expect(b.fields.map((f) => f.values)).toEqual([[2000], [5]]);
    expect(b.meta?.custom).toEqual({ publisherRule: 'worstSubscriber' });
  });

  it('leaves every other frame as it is', () => {
    const multi = toDataFrame({
      meta: { type: DataFrameType.TimeSeriesMulti },
      fields: [
        { name: 'time', type: FieldType.time, values: [1] },
        { name: 'x', type: FieldType.number, values: [2] },
      ],
    });
    expect(seriesFrames([multi])).toEqual([multi]);
  });
});
