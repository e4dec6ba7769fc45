import { FieldType, toDataFrame } from '@grafana/data';
import { Limits } from '../../model';
import { inspectedRange, isLargeSession, meetingsOf, RANGE_PADDING_MS } from './sessionRange';

const meetingsFrame = (rows: Array<[string, number, number, number]>) =>
  toDataFrame({
    name: 'meetings',
    fields: [
      { name: 'meetingId', type: FieldType.string, values: rows.map((r) => r[0]) },
      { name: 'start', type: FieldType.time, values: rows.map((r) => r[1]) },
      { name: 'end', type: FieldType.time, values: rows.map((r) => r[2]) },
      { name: 'users', type: FieldType.number, values: rows.map((r) => r[3] + 1) },
      { name: 'subscribers', type: FieldType.number, values: rows.map((r) => r[3]) },
    ],
  });

const LIMIT = Limits.largeSessionSubscribers;

describe('session range', () => {
  const meetings = meetingsOf([
    meetingsFrame([
      ['m1', 1_000_000, 2_000_000, LIMIT],
      ['m2', 5_000_000, 6_000_000, 1],
    ]),
  ]);

  it('reads each meeting with its subscribers', () => {
    expect(meetings).toEqual([
      { meetingId: 'm1', start: 1_000_000, end: 2_000_000, users: LIMIT + 1, subscribers: LIMIT },
      { meetingId: 'm2', start: 5_000_000, end: 6_000_000, users: 2, subscribers: 1 },
    ]);
  });

  it('is large above the limit of subscribers, in the meeting inspected or all meetings together', () => {
    expect(isLargeSession(meetings, 'm1')).toBe(false);
    expect(isLargeSession(meetings, 'm2')).toBe(false);
    expect(isLargeSession(meetings, undefined)).toBe(true);
    expect(isLargeSession(meetings, 'gone')).toBe(false);
    expect(isLargeSession([], undefined)).toBe(false);
  });

  it('inspects the chosen meeting padded, or the zoom', () => {
    expect(inspectedRange(meetings, 'm2', {})).toEqual({
      from: 5_000_000 - RANGE_PADDING_MS,
      to: 6_000_000 + RANGE_PADDING_MS,
    });
    expect(inspectedRange(meetings, undefined, {})).toEqual({
      from: 1_000_000 - RANGE_PADDING_MS,
      to: 6_000_000 + RANGE_PADDING_MS,
    });
    expect(inspectedRange(meetings, undefined, { from: 1, to: 2 })).toEqual({ from: 1, to: 2 });
    expect(inspectedRange(meetings, 'gone', {})).toBeUndefined();
  });
});
