import { FieldType, toDataFrame } from '@grafana/data';
import { timelineMarks } from './timelineMarks';

const events = (rows: Array<[number, string, string, string | null, string | null]>) =>
  toDataFrame({
    name: 'events',
    fields: [
      { name: 'time', type: FieldType.time, values: rows.map((r) => r[0]) },
      { name: 'event', type: FieldType.string, values: rows.map((r) => r[1]) },
      { name: 'userId', type: FieldType.string, values: rows.map((r) => r[2]) },
      { name: 'reason', type: FieldType.string, values: rows.map((r) => r[3]) },
      { name: 'message', type: FieldType.string, values: rows.map((r) => r[4]) },
    ],
  });

const colors = { good: 'green', bad: 'red', mark: 'blue' };

describe('timeline marks', () => {
  it('keeps ratings and marks in time order, low ratings drawn as bad', () => {
    const marks = timelineMarks(
      [
        events([
          [3000, 'Mark', 'u1', 'screen-share-started', null],
          [1000, 'Rating', 'u2', '2/5', 'video froze'],
          [2000, 'Rating', 'u1', '5/5', null],
          // "+mark" also matches a user id starting with "mark": not a mark.
          [2500, 'Connect Success', 'marko', null, null],
        ]),
      ],
      colors
    );
    expect(marks.map((m) => [m.time, m.kind, m.label, m.text, m.color, m.user])).toEqual([
      [1000, 'rating', 'rated 2/5', 'video froze', 'red', 'u2'],
      [2000, 'rating', 'rated 5/5', '', 'green', 'u1'],
      [3000, 'mark', 'screen-share-started', 'screen-share-started', 'blue', 'u1'],
    ]);
  });

  it('reads the events frames of both queries', () => {
    const marks = timelineMarks(
      [events([[5000, 'Mark', 'u1', 'hand-raised', null]]), events([[4000, 'Rating', 'u1', '1/5', null]])],
      colors
    );
    expect(marks.map((m) => m.time)).toEqual([4000, 5000]);
  });

  it('is empty without an events frame', () => {
    expect(timelineMarks([], colors)).toEqual([]);
  });
});
