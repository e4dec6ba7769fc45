import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WireQuery } from '@model';
import { runQueries } from '../src/query/runQueries';
import { generateSession } from '../src/simulator/generate';
import { writeBatch } from '../src/ingest/writeBatch';
import { openStore } from '../src/store/openStore';
import type { Queryable, Store } from '../src/store/store';
import { testConfig } from './helpers';

const START = Date.UTC(2026, 10, 20, 10, 0, 0);
const RANGE = { from: START - 60_000, to: START + 30 * 60_000 };

/** The store, counting the statements that read a session's events or its quality for issues. */
function counting(store: Store) {
  const seen = { events: 0, issueSeries: 0 };
  const count = (sql: string) => {
    if (/FROM all_events WHERE project = ANY/.test(sql)) {
      seen.events++;
    }
    if (/sum\(samples\)::float8 AS samples, min\(first\)/.test(sql)) {
      seen.issueSeries++;
    }
  };
  const wrap = (q: Queryable): Queryable => ({
    query: (sql, params) => {
      count(sql);
      return q.query(sql, params);
    },
  });
  const counted: Store = { ...store, ...wrap(store), tx: (fn) => store.tx((q) => fn(wrap(q))) };
  return { counted, seen };
}

const ask = (store: Store, queries: Array<[string, Record<string, unknown>]>) =>
  runQueries(store, testConfig(), ['p'], {
    queries: queries.map(([refId, q]): WireQuery => ({
      refId,
      timeRange: RANGE,
      maxDataPoints: 100,
      intervalMs: 1000,
      query: { sessionId: 'shared-1', ...q } as WireQuery['query'],
    })),
  });

describe('the queries of one request', () => {
  let store: Store;
  before(async () => {
    store = await openStore(testConfig());
    const g = generateSession(
      {
        sessionId: 'shared-1',
        shape: 'multiparty',
        start: START,
        meetings: 1,
        reuseGapMs: 0,
        minutes: 20,
        users: 4,
        sampleIntervalMs: 10_000,
        trouble: 2,
      },
      3
    );
    await writeBatch(store, 'p', g.records);
  });
  after(() => store.close());

  const DIAGNOSIS: Array<[string, Record<string, unknown>]> = [
    ['baseline', { queryType: 'baseline' }],
    ['issues', { queryType: 'issues' }],
    ['attribution', { queryType: 'attribution' }],
  ];

  test("read the session's events once and its diagnosis once, and answer as each would alone", async () => {
    const { counted, seen } = counting(store);
    const together = await ask(counted, DIAGNOSIS);
    assert.deepEqual(seen, { events: 1, issueSeries: 1 });
    for (const [refId, q] of DIAGNOSIS) {
      const alone = await ask(store, [[refId, q]]);
      assert.equal(together.results[refId].status, 200, together.results[refId].error);
      assert.deepEqual(together.results[refId], alone.results[refId], refId);
    }
    assert.ok((together.results.issues.frames?.[0].data.values[0] as unknown[]).length > 0, 'issues found');
  });

  test('queries of different scopes share only what is the same', async () => {
    const { counted, seen } = counting(store);
    const res = await ask(counted, [
      ['issues', { queryType: 'issues' }],
      ['meeting', { queryType: 'issues', meetingId: 'm1' }],
      ['other', { queryType: 'issues', sessionId: 'no-such-session' }],
    ]);
    // The session's events once (the unknown one has no days to read); a diagnosis per scope.
    assert.deepEqual(seen, { events: 1, issueSeries: 2 });
    // The one meeting is the whole session: the same issues.
    assert.deepEqual(res.results.issues.frames![0].data, res.results.meeting.frames![0].data);
    assert.deepEqual(res.results.other.frames, []);
  });
});
