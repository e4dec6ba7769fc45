import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveMeetings, meetingAt } from '../src/model/meetings';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

test('an instant between two meetings belongs to the nearer one, inside one to that one', () => {
  // m1 two months before m2; m2 and m3 an hour apart.
  const meetings = deriveMeetings(
    [
      { connectionId: 'a', start: 0, end: 30 * MIN },
      { connectionId: 'b', start: 60 * DAY, end: 60 * DAY + 20 * MIN },
      { connectionId: 'c', start: 60 * DAY + 80 * MIN, end: 60 * DAY + 90 * MIN },
    ],
    10 * MIN
  );
  assert.deepEqual(
    meetings.map((m) => m.meetingId),
    ['m1', 'm2', 'm3']
  );
  const at = (ts: number) => meetingAt(meetings, ts)?.meetingId;
  assert.equal(at(-5 * MIN), 'm1', 'before the first meeting');
  assert.equal(at(10 * MIN), 'm1', 'inside m1');
  assert.equal(at(60 * DAY - 46_000), 'm2', 'a getUserMedia error 46 s before m2');
  assert.equal(at(30 * MIN + 1000), 'm1', 'just after m1 ended');
  assert.equal(at(60 * DAY + 49 * MIN), 'm2', 'nearer the end of m2 than the start of m3');
  assert.equal(at(60 * DAY + 51 * MIN), 'm3', 'nearer the start of m3');
  assert.equal(at(61 * DAY), 'm3', 'after the last meeting');
  assert.equal(meetingAt([], 0), undefined);
});
