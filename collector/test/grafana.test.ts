import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DashboardUid, INSPECTOR_PATH, type DataFrameJSON, type WireQuery } from '@model';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { ingest, query, startTestCollector } from './helpers';

const RANGE = { from: T0 - 60_000, to: T0 + 3_600_000 };

function wire(q: Record<string, unknown>, timeRange = RANGE): WireQuery {
  return { refId: 'A', timeRange, maxDataPoints: 1000, intervalMs: 1000, query: q as WireQuery['query'] };
}

async function frames(c: RunningCollector, q: Record<string, unknown>, timeRange = RANGE): Promise<DataFrameJSON[]> {
  const res = await query(c, 'read-a', [wire(q, timeRange)]);
  assert.equal(res.body.results.A.status, 200, res.body.results.A.error);
  return res.body.results.A.frames ?? [];
}

function field(f: DataFrameJSON, name: string) {
  const i = f.schema.fields.findIndex((x) => x.name === name);
  assert.ok(i >= 0, `field ${name} in ${f.schema.fields.map((x) => x.name).join(',')}`);
  return { schema: f.schema.fields[i], values: f.data.values[i] };
}

function links(f: DataFrameJSON, name: string): Array<{ title: string; url: string }> {
  return (field(f, name).schema.config?.links ?? []) as Array<{ title: string; url: string }>;
}

/** Data links, fleet series per stream / session and their numeric form, annotations and variables. */
describe('Grafana features', () => {
  let c: RunningCollector;

  before(async () => {
    c = await startTestCollector();
    // st-bad loses 8 % for the first 5 minutes then 0.5 %; st-good stays at 0.5 %.
    const s = new SessionBuilder('sess/1')
      .user('alice', T0, 'st-bad')
      .user('bob', T0 + 1000, 'st-good')
      .subscribe('bob', 'st-bad', T0 + 2000);
    for (let i = 0; i < 60; i++) {
      const ts = T0 + 10_000 * i;
      s.sample({
        ts,
        clientId: 'alice',
        streamId: 'st-bad',
        role: 'publisher',
        media: 'video',
        bitrateKbps: 800,
        lossPct: i < 30 ? 8 : 0.5,
        rttMs: 100,
      });
      s.sample({
        ts,
        clientId: 'bob',
        streamId: 'st-good',
        role: 'publisher',
        media: 'audio',
        bitrateKbps: 40,
        lossPct: 0.5,
        rttMs: 100,
      });
    }
    // A session whose connects fail 3 times out of 4.
    const f = new SessionBuilder('failing').user('carol', T0 + 60_000);
    for (let i = 0; i < 3; i++) {
      f.event({
        ts: T0 + 61_000 + i * 1000,
        action: 'connect',
        variation: 'attempt',
        clientId: 'dave',
        connectionId: `d${i}`,
      });
      f.event({
        ts: T0 + 61_500 + i * 1000,
        action: 'connect',
        variation: 'failure',
        clientId: 'dave',
        connectionId: `d${i}`,
        code: '1006',
        message: 'Connect failed',
      });
    }
    for (const b of [s, f]) {
      assert.equal((await ingest(c, 'ingest-a', b.records())).status, 200);
    }
  });
  after(async () => c.close());

  test('fleet by stream: one labelled series per stream, p50 per bucket', async () => {
    // Under an hour: from the samples.
    const got = await frames(
      c,
      { queryType: 'fleet', fleetMetric: 'lossPct', stat: 'p50', groupBy: 'stream' },
      { from: T0 - 60_000, to: T0 + 58 * 60_000 }
    );
    assert.equal(got.length, 2);
    for (const f of got) {
      assert.deepEqual(f.schema.meta, { type: 'timeseries-multi', typeVersion: [0, 1] });
      assert.equal(f.schema.fields[0].type, 'time');
    }
    const bad = got.find((f) => f.schema.fields[1].labels?.stream === 'st-bad')!;
    assert.deepEqual(bad.schema.fields[1].labels, {
      metric: 'lossPct',
      stat: 'p50',
      project: 'proj-a',
      session: 'sess/1',
      stream: 'st-bad',
      // The stream's publisher, so that an alert about it can name whose stream it is.
      user: 'alice',
    });
    const values = bad.data.values[1] as number[];
    assert.equal(values.length, 60);
    assert.equal(values[0], 8);
    assert.equal(values[59], 0.5);
  });

  test("fleet over an hour or more: each stream's minute means from the rollups, in whole-minute buckets, said in a notice", async () => {
    const got = await frames(c, { queryType: 'fleet', fleetMetric: 'lossPct', stat: 'p50', groupBy: 'stream' });
    const bad = got.find((f) => f.schema.fields[1].labels?.stream === 'st-bad')!;
    assert.deepEqual(bad.schema.meta, {
      type: 'timeseries-multi',
      typeVersion: [0, 1],
      notices: [
        { severity: 'info', text: "Over an hour or more: each stream's minute means, in buckets of whole minutes" },
      ],
    });
    // A sample every 10 s, 8 % for the first 30 (five minutes), then 0.5 %.
    assert.deepEqual(
      bad.data.values[0],
      Array.from({ length: 10 }, (_, i) => T0 - (T0 % 60_000) + i * 60_000)
    );
    assert.deepEqual(bad.data.values[1], [8, 8, 8, 8, 8, 0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  test('fleet numeric: one number per series over the range (numeric-multi)', async () => {
    const firstFive = { from: T0, to: T0 + 299_999 };
    const got = await frames(
      c,
      { queryType: 'fleet', fleetMetric: 'lossPct', stat: 'max', groupBy: 'stream', format: 'numeric' },
      firstFive
    );
    const byStream = Object.fromEntries(got.map((f) => [f.schema.fields[0].labels!.stream, f.data.values[0]]));
    assert.deepEqual(byStream, { 'st-bad': [8], 'st-good': [0.5] });
    assert.deepEqual(got[0].schema.meta, { type: 'numeric-multi', typeVersion: [0, 1] });
    assert.equal(got[0].schema.fields.length, 1);
  });

  test('fleet failure rate per session: failures / attempts', async () => {
    const got = await frames(c, {
      queryType: 'fleet',
      fleetMetric: 'failureRate',
      action: 'connect',
      groupBy: 'session',
      format: 'numeric',
    });
    const bySession = Object.fromEntries(got.map((f) => [f.schema.fields[0].labels!.session, f.data.values[0][0]]));
    // failing: carol 1 attempt ok, dave 3 attempts failed; sess/1: 2 attempts, 0 failures.
    assert.deepEqual(bySession, { failing: 0.75, 'sess/1': 0 });
  });

  test('fleet rejects an unknown format or grouping by name', async () => {
    const res = await query(c, 'read-a', [
      wire({ queryType: 'fleet', format: 'csv' }),
      { ...wire({ queryType: 'fleet', groupBy: 'city' }), refId: 'B' },
    ]);
    assert.equal(res.body.results.A.status, 400);
    assert.match(res.body.results.A.error!, /format must be one of timeseries, numeric, table/);
    assert.match(res.body.results.B.error!, /groupBy must be one of .*stream/);
  });

  test('data links: session ids, users and streams open the Inspector and the session dashboard', async () => {
    const [sessions] = await frames(c, { queryType: 'sessions' });
    const sl = links(sessions, 'sessionId');
    assert.deepEqual(
      sl.map((l) => l.url),
      [
        `${INSPECTOR_PATH}/\${__value.raw}?project=\${__data.fields.project}&from=\${__from}&to=\${__to}`,
        `/d/${DashboardUid.session}?var-project=\${__data.fields.project}&var-session=\${__value.raw}&from=\${__from}&to=\${__to}`,
      ]
    );
    const users = await frames(c, { queryType: 'users', sessionId: 'sess/1', meetingId: 'm1' });
    assert.equal(
      links(users[0], 'userId')[0].url,
      `${INSPECTOR_PATH}/sess%2F1?project=proj-a&meeting=m1&user=\${__value.raw}&from=\${__from}&to=\${__to}`
    );
    const [events] = await frames(c, { queryType: 'events', sessionId: 'sess/1' });
    assert.equal(
      links(events, 'streamId')[1].url,
      `/d/${DashboardUid.session}?var-project=proj-a&var-session=sess%2F1&var-stream=\${__value.raw}&from=\${__from}&to=\${__to}`
    );
    const quality = await frames(c, { queryType: 'quality', sessionId: 'sess/1', metrics: ['lossPct'] });
    const q = quality.find(
      (f) => f.schema.fields[1].labels?.stream === 'st-bad' && f.schema.fields[1].labels?.role === 'publisher'
    )!;
    assert.deepEqual(field(q, 'lossPct').schema.config, {
      unit: 'percent',
      description: 'Publisher quality reflects the worst subscriber (no scalable video, or audio)',
      links: [
        {
          title: 'Open in Session Inspector',
          url: `${INSPECTOR_PATH}/sess%2F1?project=proj-a&user=alice&from=\${__from}&to=\${__to}`,
        },
        {
          title: 'Session drilldown dashboard',
          url: `/d/${DashboardUid.session}?var-project=proj-a&var-session=sess%2F1&var-user=alice&var-stream=st-bad&from=\${__from}&to=\${__to}`,
        },
      ],
    });
  });

  test("annotations: a session's events, errors tagged; fleet-wide only failures", async () => {
    const [own] = await frames(c, { queryType: 'annotations', sessionId: 'failing' });
    assert.equal(field(own, 'title').values.length, 8);
    const errorTags = (field(own, 'tags').values as string[]).filter((t) => t.split(',').includes('error'));
    assert.equal(errorTags.length, 3);
    const [fleet] = await frames(c, { queryType: 'annotations' });
    assert.deepEqual(field(fleet, 'title').values, [
      'connect failure (1006)',
      'connect failure (1006)',
      'connect failure (1006)',
    ]);
    assert.match((field(fleet, 'text').values as string[])[0], /Connect failed · user dave · session failing/);
  });

  test('variables: projects, sessions, users and streams of a session', async () => {
    const values = async (q: Record<string, unknown>) =>
      field((await frames(c, { queryType: 'variables', ...q }))[0], 'value').values;
    assert.deepEqual(await values({ variable: 'projects' }), ['proj-a']);
    assert.deepEqual([...((await values({ variable: 'sessions' })) as string[])].sort(), ['failing', 'sess/1']);
    assert.deepEqual(await values({ variable: 'users', sessionId: 'sess/1' }), ['alice', 'bob']);
    assert.deepEqual(await values({ variable: 'streams', sessionId: 'sess/1' }), ['st-bad', 'st-good']);
    assert.deepEqual(await values({ variable: 'meetings', sessionId: 'sess/1' }), ['m1']);
    const res = await query(c, 'read-a', [wire({ queryType: 'variables', variable: 'rooms' })]);
    assert.match(res.body.results.A.error!, /variable must be one of projects, sessions, meetings, users, streams/);
  });
});
