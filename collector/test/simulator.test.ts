import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Limits, type DataFrameJSON } from '@model';
import { validateRecord } from '../src/ingest/validate';
import type { EventRecord, QualitySampleRecord } from '../src/model/records';
import type { RunningCollector } from '../src/server';
import { hits } from '../src/simulator/degradations';
import { generateSession, type SessionSpec } from '../src/simulator/generate';
import { FAILURES } from '../src/simulator/profiles';
import { generateBackfill, simulate } from '../src/simulator/simulate';
import { writeRecords } from '../src/simulator/writer';
import { query, startTestCollector } from './helpers';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const backfill = (seed: number, sessions = 40) =>
  generateBackfill({ seed, sessions, hours: 6, sampleIntervalMs: 30_000, now: NOW });

function spec(overrides: Partial<SessionSpec>): SessionSpec {
  return {
    sessionId: 'spec-session',
    shape: 'one-to-one',
    start: NOW - 3_600_000,
    meetings: 1,
    reuseGapMs: 11 * 60_000,
    minutes: 10,
    users: 2,
    sampleIntervalMs: 10_000,
    trouble: 1,
    ...overrides,
  };
}

describe('simulator generation', () => {
  test('the same seed replays byte for byte; another seed differs', () => {
    const a = JSON.stringify(backfill(7, 12));
    assert.equal(JSON.stringify(backfill(7, 12)), a);
    assert.notEqual(JSON.stringify(backfill(8, 12)), a);
  });

  test('the default mix has every call type, and the manifest classifies each session', () => {
    const sessions = backfill(1);
    const types = new Set(sessions.map((s) => s.truth.callType));
    assert.deepEqual([...types].sort(), ['broadcast', 'multiparty', 'one-to-one', 'one-to-zero']);
    for (const s of sessions) {
      assert.ok(s.truth.end <= NOW, 'backfilled sessions are over by now');
      if (s.truth.shape === 'broadcast') {
        assert.ok(
          s.truth.meetings[0].subscribers >= 150 * 0.9,
          `broadcast has ${s.truth.meetings[0].subscribers} subscribers`
        );
      }
    }
    assert.ok(
      sessions.some((s) => s.truth.meetings.length > 1),
      'some session ids are reused'
    );
  });

  test('every record is valid for the ingest API and every failure code is documented', () => {
    const documented = new Set(Object.values(FAILURES).flatMap((list) => list.map(([code]) => code)));
    let failures = 0;
    for (const s of backfill(3, 20)) {
      s.records.forEach((r, i) => validateRecord(r, i));
      for (const e of s.records.filter((r): r is EventRecord => r.kind === 'event' && r.variation === 'failure')) {
        assert.ok(documented.has(e.code!), `code ${e.code}`);
        failures++;
      }
      assert.equal(s.records.filter((r) => r.kind === 'event' && r.variation === 'failure').length, s.truth.errors);
    }
    assert.ok(failures > 0);
  });

  test('a reuse after the idle gap is a new meeting in the manifest', () => {
    const gap = Limits.meetingIdleGapMs;
    const two = generateSession(spec({ meetings: 2, reuseGapMs: gap + 1000 }), 5).truth;
    assert.equal(two.meetings.length, 2);
    assert.equal(two.meetings[1].start - two.meetings[0].end, gap + 1000);
    const three = generateSession(spec({ meetings: 3, reuseGapMs: gap + 60_000 }), 5).truth;
    assert.equal(three.meetings.length, 3);
  });

  test('samples inside an injected window carry the injected magnitude', () => {
    let checked = 0;
    for (let seed = 1; seed < 40 && checked < 3; seed++) {
      const g = generateSession(
        spec({ shape: 'multiparty', users: 4, minutes: 20, trouble: 3, sessionId: `deg-${seed}` }),
        seed
      );
      for (const w of g.truth.degradations) {
        const inside = g.records.filter((r): r is QualitySampleRecord => r.kind === 'quality' && hits(w, r));
        assert.ok(inside.length > 0);
        const mean = inside.reduce((s, r) => s + (r[w.metric] as number), 0) / inside.length;
        const tolerance = w.metric === 'lossPct' ? 1 : w.metric === 'rttMs' ? 15 : 5;
        assert.ok(Math.abs(mean - w.value) < tolerance, `${w.metric} mean ${mean} vs injected ${w.value}`);
        checked++;
      }
    }
    assert.ok(checked >= 3, 'found degradation windows to check');
  });
});

describe('simulator writer', () => {
  test('splits into batches of at most the limit and retries a 503', async () => {
    const sizes: number[] = [];
    let calls = 0;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls++;
        if (calls === 1) {
          res.writeHead(503).end(JSON.stringify({ error: 'busy' }));
          return;
        }
        const n = JSON.parse(body).records.length;
        sizes.push(n);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: n, duplicates: 0 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const records = backfill(2, 6)
        .flatMap((s) => s.records)
        .slice(0, 12_345);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await writeRecords({ url, token: 't', backoffMs: 5 }, records);
      assert.deepEqual(sizes, [5000, 5000, 2345]);
      assert.equal(res.accepted, 12_345);
      assert.equal(calls, 4);
    } finally {
      server.close();
    }
  });
});

describe('simulator through a real collector', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  test('the sessions query finds every simulated session with the manifest counts', async () => {
    const manifest = await simulate({
      url: c.url,
      token: 'ingest-a',
      seed: 11,
      sessions: 16,
      hours: 6,
      sampleIntervalMs: 60_000,
      live: false,
      now: NOW,
    });
    const res = await query(c, 'read-a', [
      {
        refId: 'A',
        timeRange: { from: NOW - 24 * 3_600_000, to: NOW },
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'sessions', limit: 1000 },
      },
    ]);
    const f: DataFrameJSON = res.body.results.A.frames![0];
    const col = (name: string) => f.data.values[f.schema.fields.findIndex((x) => x.name === name)];
    const ids = col('sessionId') as string[];
    assert.equal(ids.length, manifest.sessions.length);
    for (const truth of manifest.sessions) {
      const i = ids.indexOf(truth.sessionId);
      assert.ok(i >= 0, truth.sessionId);
      assert.equal(col('callType')[i], truth.callType, `${truth.sessionId} call type`);
      assert.equal(col('users')[i], truth.users.length, `${truth.sessionId} users`);
      assert.equal(col('connections')[i], truth.connections.length, `${truth.sessionId} connections`);
      assert.equal(col('streams')[i], truth.streams.length, `${truth.sessionId} streams`);
      assert.equal(
        col('subscribers')[i],
        truth.subscribers.filter((s) => s.success).length,
        `${truth.sessionId} subscribers`
      );
      assert.equal(col('errors')[i], truth.errors, `${truth.sessionId} errors`);
    }
    const again = await simulate({
      url: c.url,
      token: 'ingest-a',
      seed: 11,
      sessions: 16,
      hours: 6,
      sampleIntervalMs: 60_000,
      live: false,
      now: NOW,
    });
    assert.deepEqual(again, manifest, 'replaying the seed is idempotent');
  });
});
