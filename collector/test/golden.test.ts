import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ALL_QUERY_TYPES, QUERY_DESCRIPTORS, type WireQuery, type WireResult } from '@model';
import { writeBatch } from '../src/ingest/writeBatch';
import { runQueries } from '../src/query/runQueries';
import { openStore } from '../src/store/openStore';
import type { Store } from '../src/store/store';
import { SessionBuilder, T0 } from './fixtures';
import { testConfig } from './helpers';

/**
 * Golden answers: one query of every query type (fleet in both formats, and one refused query)
 * run by the collector's own runQueries over fixed sessions, one file per query in
 * pkg/plugin/testdata/frames/. The Go backend's test replays each file through QueryData and
 * checks the frames come out unchanged, so a frame change anywhere in the collector shows as
 * one reviewed diff. `UPDATE_GOLDEN=1` rewrites the files (`npm run golden -w collector`);
 * otherwise a difference fails, on PGlite and on PostgreSQL alike.
 */
const GOLDEN_DIR = path.resolve(__dirname, '../../pkg/plugin/testdata/frames');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const RANGE = { from: T0 - 60_000, to: T0 + 540_000 };

const QUERIES: Record<string, WireQuery['query']> = {
  sessions: { queryType: 'sessions' },
  meetings: { queryType: 'meetings', sessionId: 'sess-1' },
  summary: { queryType: 'summary', sessionId: 'sess-1' },
  users: { queryType: 'users', sessionId: 'sess-1' },
  errors: { queryType: 'errors', sessionId: 'sess-1' },
  failureRates: { queryType: 'failureRates', sessionId: 'sess-1' },
  events: { queryType: 'events', sessionId: 'sess-1', textFilter: '-attempt' },
  quality: { queryType: 'quality', sessionId: 'sess-1', metrics: ['lossPct', 'frameRate'] },
  largeSession: { queryType: 'largeSession', sessionId: 'sess-1' },
  fleet: { queryType: 'fleet', fleetMetric: 'lossPct', stat: 'p95', groupBy: 'stream' },
  fleetNumeric: {
    queryType: 'fleet',
    fleetMetric: 'failureRate',
    action: 'subscribe',
    groupBy: 'session',
    format: 'numeric',
  },
  annotations: { queryType: 'annotations', sessionId: 'sess-1' },
  variables: { queryType: 'variables', variable: 'users', sessionId: 'sess-1' },
  qualityWithoutSession: { queryType: 'quality' },
  issues: { queryType: 'issues', sessionId: 'sess-1' },
  attribution: { queryType: 'attribution', sessionId: 'sess-1' },
  scores: { queryType: 'scores', sessionId: 'sess-1' },
  baseline: { queryType: 'baseline', sessionId: 'sess-1' },
  repro: { queryType: 'repro', sessionId: 'sess-1', userId: 'bob' },
};

/** Two users for ten minutes: alice publishes video, bob audio; bob watches alice, alice fails to watch bob. */
function fixture() {
  const s = new SessionBuilder('sess-1')
    .user('alice', T0, 'st-alice')
    .user('bob', T0 + 1000, 'st-bob')
    .subscribe('bob', 'st-alice', T0 + 2000)
    .subscribe('alice', 'st-bob', T0 + 2500, false);
  for (let i = 0; i < 6; i++) {
    const ts = T0 + 60_000 + 60_000 * i;
    s.sample({
      ts,
      clientId: 'alice',
      streamId: 'st-alice',
      role: 'publisher',
      media: 'video',
      lossPct: i,
      frameRate: 30,
    });
    s.sample({
      ts,
      clientId: 'bob',
      streamId: 'st-alice',
      subscriberId: 'bob-sub-st-alice',
      role: 'subscriber',
      media: 'video',
      lossPct: 2 * i,
      frameRate: 24,
    });
    s.sample({ ts, clientId: 'bob', streamId: 'st-bob', role: 'publisher', media: 'audio', lossPct: 0.5 });
  }
  s.event({
    ts: T0 + 480_000,
    action: 'disconnect',
    clientId: 'bob',
    connectionId: 'bob-conn',
    reason: 'clientDisconnected',
  });
  return s.records();
}

const fileOf = (refId: string) => path.join(GOLDEN_DIR, `${refId}.json`);
const text = (result: WireResult) => `${JSON.stringify(result, null, 2)}\n`;

describe('golden answers of every query type', () => {
  let store: Store;
  let results: Record<string, WireResult>;

  before(async () => {
    const config = testConfig();
    store = await openStore(config);
    await writeBatch(store, 'proj-a', fixture());
    const queries = Object.entries(QUERIES).map(([refId, query]) => ({
      refId,
      timeRange: RANGE,
      maxDataPoints: 60,
      intervalMs: 1000,
      query,
    }));
    ({ results } = await runQueries(store, config, ['proj-a'], { queries }));
    if (UPDATE) {
      rmSync(GOLDEN_DIR, { recursive: true, force: true });
      mkdirSync(GOLDEN_DIR, { recursive: true });
      for (const [refId, result] of Object.entries(results)) {
        writeFileSync(fileOf(refId), text(result));
      }
    }
  });
  after(async () => store.close());

  test('every query type has a golden answer with frames named by its descriptor', () => {
    const covered = new Set(Object.values(QUERIES).map((q) => q.queryType));
    assert.deepEqual([...covered].sort(), [...ALL_QUERY_TYPES].sort());
    for (const [refId, result] of Object.entries(results)) {
      if (refId === 'qualityWithoutSession') {
        continue;
      }
      assert.equal(result.status, 200, `${refId}: ${result.error}`);
      const declared: readonly string[] = QUERY_DESCRIPTORS[QUERIES[refId].queryType].frames;
      const names = (result.frames ?? []).map((f) => f.schema.name ?? '');
      assert.ok(names.length > 0, `${refId} answered no frame`);
      assert.deepEqual(
        names.filter((n) => !declared.includes(n)),
        [],
        `${refId} frames outside its descriptor`
      );
    }
    assert.deepEqual(results.qualityWithoutSession, {
      status: 400,
      error: 'quality needs a sessionId',
      errorSource: 'downstream',
    });
  });

  test('the answers equal the checked-in golden files (UPDATE_GOLDEN=1 rewrites them)', () => {
    assert.deepEqual(
      readdirSync(GOLDEN_DIR).sort(),
      Object.keys(QUERIES)
        .map((refId) => `${refId}.json`)
        .sort()
    );
    for (const [refId, result] of Object.entries(results)) {
      assert.equal(text(result), readFileSync(fileOf(refId), 'utf8'), `${refId}.json differs from the answer`);
    }
  });
});
