import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { IngestRecord } from '../src/model/records';
import { audioMos, audioMosSql } from '../src/model/emodel';
import type { RunningCollector } from '../src/server';
import { generateSession, type SessionSpec } from '../src/simulator/generate';
import { writeRecords } from '../src/simulator/writer';
import { askOk, rowsOf, startTestCollector } from './helpers';

const HOUR = 3_600_000;
const END = Date.UTC(2026, 10, 20, 12);
const CHROME_BR = {
  sdk: 'js-2.27.1',
  browser: 'Chrome',
  browserVersion: '131',
  os: 'Windows 11',
  device: 'desktop',
  country: 'BR',
  city: 'São Paulo',
};

/** A simulated one-to-one call whose users are all Chrome 131 in Brazil; `videoScale` scales received video bitrate. */
function call(sessionId: string, start: number, seed: number, videoScale = 1): IngestRecord[] {
  const spec: SessionSpec = {
    sessionId,
    shape: 'one-to-one',
    start,
    meetings: 1,
    reuseGapMs: 0,
    minutes: 8,
    users: 2,
    sampleIntervalMs: 30_000,
    trouble: 0,
  };
  return generateSession(spec, seed).records.map((r) => {
    if (r.kind === 'event' && r.client) {
      return { ...r, client: CHROME_BR };
    }
    if (r.kind === 'quality' && r.role === 'subscriber' && r.media === 'video' && r.bitrateKbps !== undefined) {
      return { ...r, bitrateKbps: Math.round(r.bitrateKbps * videoScale * 10) / 10 };
    }
    return r;
  });
}

describe('baseline (B5)', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
    const records: IngestRecord[] = [];
    // The usual: 20 calls over the 6 days before, and one 9 days before (outside the 7 days).
    for (let i = 0; i < 20; i++) {
      records.push(...call(`usual-${i}`, END - 6 * 24 * HOUR + i * 7 * HOUR, 500 + i));
    }
    records.push(...call('too-old', END - 9 * 24 * HOUR, 900, 0.1));
    records.push(...call('slow', END - 10 * 60_000, 600, 0.6));
    await writeRecords({ url: c.url, token: 'ingest-a' }, records);
  });
  after(async () => c.close());

  const baseline = async (sessionId: string) => {
    const r = await askOk(c, { queryType: 'baseline', sessionId }, { from: END - 30 * 24 * HOUR, to: END });
    return { summary: rowsOf(r.frames![0]), rows: rowsOf(r.frames![1]) };
  };

  test("the session's percentiles and the cohort's p50 / p95 equal a plain SQL computation over each stream's minute means", async () => {
    const { summary, rows } = await baseline('slow');
    assert.deepEqual(
      summary.map((s) => [s.cohort, s.browser, s.browserVersion, s.sdk, s.country, s.users]),
      [['Chrome 131 users in BR', 'Chrome', '131', 'js-2.27.1', 'BR', 2]]
    );
    const slowEnd = (
      await c.store.query<{ t: number }>(`SELECT max(ts)::float8 AS t FROM events WHERE session_id = 'slow'`)
    )[0].t;
    // Straight from the samples: each stream's mean per minute, then the percentiles of those.
    const plain = async (sql: string, samples: string, where: string, others: boolean) =>
      (
        await c.store.query<{ p50: number; p95: number; n: number }>(
          `WITH m AS (
             SELECT session_id, role, media, ts - ts % 60000 AS minute, avg(loss_pct) AS loss, avg(rtt_ms) AS rtt,
               avg(jitter_ms) AS jitter, avg(bitrate_kbps) AS kbps, count(loss_pct) AS loss_n, count(rtt_ms) AS rtt_n,
               count(jitter_ms) AS jitter_n, count(bitrate_kbps) AS kbps_n, count(*) AS samples
             FROM quality_samples
             GROUP BY session_id, client_id, connection_id, stream_id, subscriber_id, role, media, source, minute
           )
           SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ${sql})::float8 AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY ${sql})::float8 AS p95, sum(${samples})::float8 AS n
           FROM m x WHERE ${where}
             AND ${others ? `x.session_id <> 'slow' AND x.minute BETWEEN ${slowEnd - 7 * 24 * HOUR} AND ${slowEnd}` : `x.session_id = 'slow'`}`
        )
      )[0];
    const metrics: Array<[string, string, string, string]> = [
      ['videoKbps', 'x.kbps', 'x.kbps_n', "x.role = 'subscriber' AND x.media = 'video'"],
      [
        'audioMos',
        audioMosSql('x.loss', 'x.rtt', 'x.jitter'),
        'x.samples',
        "x.role = 'subscriber' AND x.media = 'audio'",
      ],
      ['lossPct', 'x.loss', 'x.loss_n', "x.role = 'subscriber'"],
      ['rttMs', 'x.rtt', 'x.rtt_n', 'true'],
      ['jitterMs', 'x.jitter', 'x.jitter_n', "x.role = 'subscriber'"],
    ];
    for (const [id, sql, samples, where] of metrics) {
      const row = rows.find((r) => r.metric === id)!;
      const usual = await plain(sql, samples, where, true);
      const session = await plain(sql, samples, where, false);
      assert.ok(usual.n > 100, `${id}: ${usual.n} samples`);
      assert.ok(Math.abs((row.p50 as number) - usual.p50) < 1e-9, `${id} p50 ${row.p50} vs ${usual.p50}`);
      assert.ok(Math.abs((row.p95 as number) - usual.p95) < 1e-9, `${id} p95 ${row.p95} vs ${usual.p95}`);
      assert.ok(
        Math.abs((row.session as number) - session.p50) < 1e-9,
        `${id} session ${row.session} vs ${session.p50}`
      );
      assert.equal(row.samples, usual.n);
    }
  });

  test('the sentence names the metric that is worse than usual, and by how much', async () => {
    const { summary, rows } = await baseline('slow');
    const video = rows.find((r) => r.metric === 'videoKbps')!;
    assert.ok((video.deltaPct as number) < -35 && (video.deltaPct as number) > -45, `video ${video.deltaPct} %`);
    assert.match(
      String(summary[0].sentence),
      /^video bitrate 4\d % below your usual Chrome 131 users in BR \(\d+ kbps against a median of \d+ kbps\)$/
    );
    const usual = await baseline('usual-3');
    assert.match(
      String(usual.summary[0].sentence),
      /^in line with your usual Chrome 131 users in BR \(video bitrate \d+ kbps, audio MOS 4\.\d+/
    );
  });

  test('the SQL audio MOS is the E-model of emodel.ts, sample for sample', async () => {
    const rows = await c.store.query<{ loss: number | null; rtt: number | null; jitter: number | null; mos: number }>(
      `SELECT loss_pct AS loss, rtt_ms AS rtt, jitter_ms AS jitter, ${audioMosSql('loss_pct', 'rtt_ms', 'jitter_ms')}::float8 AS mos
       FROM quality_samples WHERE media = 'audio' LIMIT 200`
    );
    const extra = await c.store.query<{ mos: number }>(
      `SELECT ${audioMosSql('v.loss', 'v.rtt', 'v.jitter')}::float8 AS mos FROM (VALUES (12.0, 900.0, 40.0), (0.0, 0.0, 0.0), (60.0, 3000.0, 200.0)) AS v(loss, rtt, jitter)`
    );
    assert.equal(rows.length, 200);
    for (const r of rows) {
      const js = audioMos(r.loss ?? 0, r.rtt ?? 0, r.jitter ?? 0).mos;
      assert.ok(Math.abs(js - r.mos) < 1e-9, `${JSON.stringify(r)}: ${js}`);
    }
    assert.deepEqual(
      extra.map((e) => Math.round(e.mos * 1e6)),
      [audioMos(12, 900, 40), audioMos(0, 0, 0), audioMos(60, 3000, 200)].map((x) => Math.round(x.mos * 1e6))
    );
  });
});
