import assert from 'node:assert/strict';
import type { WireQuery } from '@model';
import { after, before, describe, test } from 'node:test';
import { writeBatch } from '../src/ingest/writeBatch';
import type { QualitySampleRecord } from '../src/model/records';
import { videoScore } from '../src/model/scores';
import { runQueries } from '../src/query/runQueries';
import { diagnose } from '../src/query/shared/issueData';
import { migrate } from '../src/store/migrations';
import { dayStart, partitionName } from '../src/store/partitions';
import { openStore } from '../src/store/openStore';
import { refreshMinutes } from '../src/store/qualityMinutes';
import { purge } from '../src/store/retention';
import { deleteSaved, saveSession } from '../src/store/savedSessions';
import type { Store } from '../src/store/store';
import { testConfig } from './helpers';

// Starts 20 s into a minute, so ranges and batches cut minutes in two.
const T = Date.UTC(2026, 5, 1, 12, 0, 20);

/** Two series, a sample every 5 s: alice's published video, and bob's view of it with some gaps in media. */
function samples(sessionId: string, from: number, n: number): QualitySampleRecord[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const bob = i % 2 === 1;
    return {
      kind: 'quality',
      id: `q${i}`,
      sessionId,
      ts: T + Math.floor(i / 2) * 5000,
      clientId: bob ? 'bob' : 'alice',
      connectionId: bob ? 'c-bob' : 'c-alice',
      streamId: 'st-alice',
      role: bob ? 'subscriber' : 'publisher',
      media: 'video',
      ...(bob ? { subscriberId: 'sub-bob' } : {}),
      // Every 7th carries no media, every 11th has no bitrate but packets: both count as in issue detection.
      ...(i % 7 === 0 ? { bitrateKbps: 0, packets: 0 } : i % 11 === 0 ? { packets: 40 } : { bitrateKbps: 300 + i }),
      lossPct: i % 3,
      rttMs: 40 + (i % 5),
      ...(i % 4 === 0 ? {} : { frameRate: 24, height: 360, width: 640 }),
      // Bob's view freezes now and then; the codec changes once, so a minute holds both.
      ...(bob ? { freezes: i % 5 === 0 ? 1 : 0 } : {}),
      codec: i < 150 ? 'h264' : 'vp9',
    };
  });
}

interface MinuteRow {
  client_id: string;
  minute: number;
  samples: number;
  first_ts: number;
  last_ts: number;
  flowing: number;
  bitrate_sum: number;
  bitrate_n: number;
  fps_n: number;
  loss_sum: number;
  width_sum: number;
  width_n: number;
  freezes_sum: number;
  freezes_n: number;
  codec: string;
}

/** The rollups a list of samples should have, worked out here rather than in SQL. */
function expected(list: QualitySampleRecord[]): MinuteRow[] {
  const rows = new Map<string, MinuteRow>();
  for (const s of list) {
    const minute = s.ts - (s.ts % 60_000);
    const key = `${s.clientId}/${minute}`;
    const r = rows.get(key) ?? {
      client_id: s.clientId,
      minute,
      samples: 0,
      first_ts: s.ts,
      last_ts: s.ts,
      flowing: 0,
      bitrate_sum: 0,
      bitrate_n: 0,
      fps_n: 0,
      loss_sum: 0,
      width_sum: 0,
      width_n: 0,
      freezes_sum: 0,
      freezes_n: 0,
      codec: s.codec!,
    };
    r.samples += 1;
    r.first_ts = Math.min(r.first_ts, s.ts);
    r.last_ts = Math.max(r.last_ts, s.ts);
    r.flowing += (s.bitrateKbps ?? 0) > 0 || (s.bitrateKbps === undefined && (s.packets ?? 0) > 0) ? 1 : 0;
    r.bitrate_sum += s.bitrateKbps ?? 0;
    r.bitrate_n += s.bitrateKbps === undefined ? 0 : 1;
    r.fps_n += s.frameRate === undefined ? 0 : 1;
    r.loss_sum += s.lossPct ?? 0;
    r.width_sum += s.width ?? 0;
    r.width_n += s.width === undefined ? 0 : 1;
    r.freezes_sum += s.freezes ?? 0;
    r.freezes_n += s.freezes === undefined ? 0 : 1;
    // The rollup keeps the greatest codec name its minute saw.
    r.codec = s.codec! > r.codec ? s.codec! : r.codec;
    rows.set(key, r);
  }
  return [...rows.values()].sort((a, b) => a.client_id.localeCompare(b.client_id) || a.minute - b.minute);
}

async function minutes(store: Store, table: string, sessionId: string): Promise<MinuteRow[]> {
  return store.query<MinuteRow>(
    `SELECT client_id, minute::float8 AS minute, samples, first_ts::float8 AS first_ts, last_ts::float8 AS last_ts,
       flowing, bitrate_sum, bitrate_n, fps_n, loss_sum, width_sum, width_n, freezes_sum, freezes_n, codec
     FROM ${table} WHERE project = 'p' AND session_id = $1 ORDER BY client_id, minute`,
    [sessionId]
  );
}

/** A query over 12:00:50 to 12:10:10 in at most 3 points: 4-minute buckets on the minute grid (12:00, 12:04, 12:08). */
async function inFourMinutes(store: Store, query: WireQuery['query']) {
  const from = T + 30_000;
  const to = T + 11 * 60_000 - 10_000;
  const { results } = await runQueries(store, testConfig(), ['p'], {
    queries: [{ refId: 'A', timeRange: { from, to }, maxDataPoints: 3, intervalMs: 1000, query }],
  });
  assert.equal(results.A.status, 200, results.A.error);
  return { from, to, frames: results.A.frames! };
}

describe('quality rollups per stream and minute', () => {
  let store: Store;
  before(async () => {
    store = await openStore(testConfig());
  });
  after(() => store.close());

  test('ingest keeps them equal to the samples: small and large (COPY) batches, retried ones counted once', async () => {
    const all = samples('s-write', 0, 400);
    assert.deepEqual(await writeBatch(store, 'p', all.slice(0, 9)), { accepted: 9, duplicates: 0 });
    assert.deepEqual(await writeBatch(store, 'p', all.slice(9, 309)), { accepted: 300, duplicates: 0 });
    // A retry that overlaps both: only the 91 new samples may add to the rollups.
    assert.deepEqual(await writeBatch(store, 'p', all.slice(5, 400)), { accepted: 91, duplicates: 304 });
    assert.deepEqual(await writeBatch(store, 'p', all.slice(0, 3)), { accepted: 0, duplicates: 3 });
    const got = await minutes(store, 'quality_minutes', 's-write');
    assert.deepEqual(got, expected(all));
    // 200 samples per series, 12:00:20 to 12:16:55: 17 minutes each.
    assert.equal(got.length, 34);
  });

  test('concurrent batches over the same minutes, in opposite orders, all land and add up', async () => {
    const all = samples('s-concurrent', 0, 1200);
    const parts = [0, 1, 2, 3].map((k) => {
      const part = all.filter((_, i) => i % 4 === k);
      return k % 2 === 0 ? part : part.reverse();
    });
    const results = await Promise.all(parts.map((part) => writeBatch(store, 'p', part)));
    assert.deepEqual(
      results.map((r) => r.accepted),
      [300, 300, 300, 300]
    );
    assert.deepEqual(await minutes(store, 'quality_minutes', 's-concurrent'), expected(all));
  });

  test('issue detection counts each series the same from rollups and partial minutes as from the samples', async () => {
    const all = samples('s-write', 0, 400);
    // From 50 s into the first minute to 10 s into the 12th: two partial edges and whole minutes between.
    const from = T + 30_000;
    const to = T + 11 * 60_000 - 10_000;
    const found = await diagnose(store, { projects: ['p'], sessionIds: ['s-write'], from, to }, new Map());
    const series = found.get('s-write')!.series.sort((a, b) => a.clientId.localeCompare(b.clientId));
    const inRange = all.filter((s) => s.ts >= from && s.ts <= to);
    for (const [i, client] of ['alice', 'bob'].entries()) {
      const mine = inRange.filter((s) => s.clientId === client);
      const flowing = expected(mine).reduce((n, r) => n + r.flowing, 0);
      assert.deepEqual(
        [series[i].clientId, series[i].samples, series[i].first, series[i].last, series[i].flowing],
        [client, mine.length, mine[0].ts, mine[mine.length - 1].ts, flowing]
      );
    }
  });

  test('quality in buckets of whole minutes: the means of the samples in range, from rollups and edge samples', async () => {
    const all = samples('s-write', 0, 400);
    const { from, to, frames } = await inFourMinutes(store, {
      queryType: 'quality',
      sessionId: 's-write',
      metrics: ['bitrateKbps', 'frameRate'],
    });
    const origin = from - (from % 60_000);
    for (const f of frames) {
      const [time, value] = f.data.values as [number[], number[]];
      const client = f.schema.fields[1].labels!.user;
      const column = f.schema.name === 'bitrateKbps' ? 'bitrateKbps' : 'frameRate';
      const buckets = new Map<number, number[]>();
      for (const x of all.filter((x) => x.clientId === client && x.ts >= from && x.ts <= to)) {
        const v = x[column];
        const b = origin + Math.floor((x.ts - origin) / 240_000) * 240_000;
        if (v !== undefined) {
          buckets.set(b, [...(buckets.get(b) ?? []), v]);
        }
      }
      assert.deepEqual(time, [...buckets.keys()], `${f.schema.name} ${client}`);
      const means = [...buckets.values()].map((vs) => vs.reduce((a, b) => a + b, 0) / vs.length);
      value.forEach((v, i) =>
        assert.ok(Math.abs(v - means[i]) < 1e-9, `${f.schema.name} ${client}: ${v} != ${means[i]}`)
      );
    }
    assert.equal(frames.length, 4);
  });

  test('scores in buckets of whole minutes: each bucket scored from the means and freezes of its samples', async () => {
    const all = samples('s-scores', 0, 400);
    const connects = ['alice', 'bob'].map((clientId, i) => ({
      kind: 'event' as const,
      id: `e${i}`,
      sessionId: 's-scores',
      ts: T,
      clientId,
      connectionId: `c-${clientId}`,
      action: 'connect' as const,
    }));
    await writeBatch(store, 'p', [...connects, ...all]);
    const { from, to, frames } = await inFourMinutes(store, { queryType: 'scores', sessionId: 's-scores' });
    const series = frames.filter((f) => f.schema.name === 'score');
    assert.equal(series.length, 2);
    const origin = from - (from % 60_000);
    const width = 240_000;
    const mean = (xs: Array<number | undefined>) => {
      const got = xs.filter((x): x is number => x !== undefined);
      return got.length ? got.reduce((a, b) => a + b, 0) / got.length : null;
    };
    for (const f of series) {
      const [time, value] = f.data.values as [number[], number[]];
      const client = f.schema.fields[1].labels!.user;
      const buckets = new Map<number, QualitySampleRecord[]>();
      for (const x of all.filter((x) => x.clientId === client && x.ts >= from && x.ts <= to)) {
        const b = origin + Math.floor((x.ts - origin) / width) * width;
        buckets.set(b, [...(buckets.get(b) ?? []), x]);
      }
      assert.deepEqual(time, [...buckets.keys()], client);
      const expectedScores = [...buckets.values()].map((xs) => {
        const freezes = xs.filter((x) => x.freezes !== undefined);
        return videoScore({
          height: mean(xs.map((x) => x.height)),
          width: mean(xs.map((x) => x.width)),
          frameRate: mean(xs.map((x) => x.frameRate)),
          bitrateKbps: mean(xs.map((x) => x.bitrateKbps)),
          lossPct: mean(xs.map((x) => x.lossPct)),
          freezesPerMinute: freezes.length ? freezes.reduce((n, x) => n + x.freezes!, 0) / (width / 60_000) : null,
          // A stream's codec is the greatest name among its samples.
          codec: 'vp9',
        }).score;
      });
      assert.deepEqual(
        value,
        expectedScores.map((v) => Math.round(v * 100) / 100),
        client
      );
    }
  });

  test('migration 9 rebuilds the rollups from the samples (a store whose rollups predate its columns)', async () => {
    const all = samples('s-migrate', 0, 60);
    await writeBatch(store, 'p', all);
    await store.query('DELETE FROM schema_migrations WHERE version = 9');
    // Migration 8's rollups, as a store that ran it before the rollups moved to migration 9 has them.
    await store.query('DROP VIEW all_quality_minutes');
    for (const table of ['quality_minutes', 'saved_quality_minutes']) {
      await store.query(
        `ALTER TABLE ${table} DROP COLUMN codec, DROP COLUMN width_sum, DROP COLUMN width_n, DROP COLUMN freezes_sum, DROP COLUMN freezes_n`
      );
    }
    assert.deepEqual(await migrate(store), [9]);
    assert.deepEqual(await minutes(store, 'quality_minutes', 's-migrate'), expected(all));
    assert.deepEqual(await minutes(store, 'quality_minutes', 's-write'), expected(samples('s-write', 0, 400)));
  });

  test('a recompute follows samples changed under them (a connection given to another user)', async () => {
    const all = samples('s-move', 0, 40);
    await writeBatch(store, 'p', all);
    await store.query(
      `UPDATE quality_samples SET client_id = 'bob-2' WHERE session_id = 's-move' AND client_id = 'bob'`
    );
    await store.tx((q) => refreshMinutes(q, '', 'p', ['s-move'], ['c-bob']));
    assert.deepEqual(
      await minutes(store, 'quality_minutes', 's-move'),
      expected(all.map((s) => (s.clientId === 'bob' ? { ...s, clientId: 'bob-2' } : s)))
    );
  });

  test("retention drops a day's rollups with its samples, keeps a saved session's, and unsaving removes them", async () => {
    const all = samples('s-kept', 0, 30);
    const connect = {
      kind: 'event' as const,
      id: 'e1',
      sessionId: 's-kept',
      ts: T,
      clientId: 'alice',
      action: 'connect' as const,
    };
    await writeBatch(store, 'p', [connect, ...all, ...samples('s-gone', 0, 30)]);
    await saveSession(store, 'p', 's-kept', { name: 'kept' }, null, { now: T });
    const result = await purge(store, { now: T + 30 * 86_400_000, retentionDays: 20 });
    assert.ok(result.droppedPartitions.includes(partitionName('quality_minutes', dayStart(T))));
    const [gone] = await store.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [
      partitionName('quality_minutes', dayStart(T)),
    ]);
    assert.equal(gone.table, null);
    assert.deepEqual(await minutes(store, 'saved_quality_minutes', 's-kept'), expected(all));
    assert.deepEqual(await minutes(store, 'saved_quality_minutes', 's-gone'), []);
    await deleteSaved(store, [{ project: 'p', sessionId: 's-kept' }]);
    assert.deepEqual(await minutes(store, 'saved_quality_minutes', 's-kept'), []);
  });
});
