import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { countRows, http, ingest, query, startTestCollector } from './helpers';

describe('ingest', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  test('stores a batch and answers what it accepted', async () => {
    const s = new SessionBuilder('ingest-ok').user('u1', T0, 'st1');
    s.sample({ ts: T0 + 1000, clientId: 'u1', streamId: 'st1', role: 'publisher', media: 'video', bitrateKbps: 400 });
    const res = await ingest(c, 'ingest-a', s.records());
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { accepted: 5, duplicates: 0 });
    assert.equal(await countRows(c, 'events'), 4);
    assert.equal(await countRows(c, 'quality_samples'), 1);
    assert.equal(await countRows(c, 'users'), 1);
  });

  test('freshness (I11): what ingest acknowledged is answered by the very next query', async () => {
    const s = new SessionBuilder('fresh-now').user('u9', T0 + 9000, 'st9');
    s.sample({ ts: T0 + 10_000, clientId: 'u9', streamId: 'st9', role: 'publisher', media: 'audio', bitrateKbps: 31 });
    assert.equal((await ingest(c, 'ingest-a', s.records())).status, 200);
    const r = await query(c, 'read-a', [
      {
        refId: 'S',
        timeRange: { from: T0, to: T0 + 60_000 },
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'sessions', sessionIdPrefix: 'fresh-' },
      },
      {
        refId: 'Q',
        timeRange: { from: T0, to: T0 + 60_000 },
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'quality', sessionId: 'fresh-now', metrics: ['bitrateKbps'] },
      },
    ]);
    assert.deepEqual(r.body.results.S.frames![0].data.values[0], ['fresh-now']);
    assert.deepEqual(r.body.results.Q.frames![0].data.values[1], [31]);
  });

  test('a re-sent batch stores nothing twice', async () => {
    const s = new SessionBuilder('ingest-retry').user('u2', T0 + 5000, 'st2');
    const before = await countRows(c, 'events');
    const first = await ingest(c, 'ingest-a', s.records());
    const again = await ingest(c, 'ingest-a', s.records());
    assert.deepEqual(first.body, { accepted: 4, duplicates: 0 });
    assert.deepEqual(again.body, { accepted: 0, duplicates: 4 });
    assert.equal(await countRows(c, 'events'), before + 4);
  });

  test('one malformed record rejects the whole batch with its index and field', async () => {
    const s = new SessionBuilder('ingest-bad').user('u3', T0).user('u4', T0 + 10);
    const records: unknown[] = s.records();
    records[2] = { ...(records[2] as object), ts: '2026-11-20T12:00:00Z' };
    const eventsBefore = await countRows(c, 'events');
    const usersBefore = await countRows(c, 'users');
    const res = await http<{ error: string; index: number; field: string }>(`${c.url}/api/v1/ingest`, {
      token: 'ingest-a',
      body: { records },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.index, 2);
    assert.equal(res.body.field, 'ts');
    assert.match(res.body.error, /record 2: field 'ts' must be a number \(epoch ms\)/);
    assert.equal(await countRows(c, 'events'), eventsBefore);
    assert.equal(await countRows(c, 'users'), usersBefore);
  });

  test('names nested and unknown fields', async () => {
    const base = new SessionBuilder('ingest-nested').user('u5', T0).records()[1];
    const nested = await http<{ field: string; error: string }>(`${c.url}/api/v1/ingest`, {
      token: 'ingest-a',
      body: { records: [{ ...base, client: { country: 'United States' } }] },
    });
    assert.equal(nested.status, 400);
    assert.equal(nested.body.field, 'client.country');
    const unknown = await http<{ field: string; error: string }>(`${c.url}/api/v1/ingest`, {
      token: 'ingest-a',
      body: { records: [{ ...base, colour: 'red' }] },
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.field, 'colour');
    assert.match(unknown.body.error, /is not a known field/);
  });

  test('accepts NDJSON and reports a bad line', async () => {
    const s = new SessionBuilder('ingest-ndjson').user('u6', T0 + 20000);
    const body =
      s
        .records()
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n';
    const ok = await http<{ accepted: number }>(`${c.url}/api/v1/ingest`, {
      token: 'ingest-a',
      body,
      contentType: 'application/x-ndjson',
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.accepted, 2);
    const bad = await http<{ error: string; index: number }>(`${c.url}/api/v1/ingest`, {
      token: 'ingest-a',
      body: `${JSON.stringify(s.records()[0])}\n{not json`,
      contentType: 'application/x-ndjson',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.index, 1);
    assert.match(bad.body.error, /NDJSON line 2/);
  });

  test('refuses empty, oversized and shapeless batches', async () => {
    const empty = await http<{ error: string }>(`${c.url}/api/v1/ingest`, { token: 'ingest-a', body: { records: [] } });
    assert.equal(empty.status, 400);
    assert.match(empty.body.error, /no records/);
    const shapeless = await http<{ error: string }>(`${c.url}/api/v1/ingest`, {
      token: 'ingest-a',
      body: { events: [] },
    });
    assert.equal(shapeless.status, 400);
    assert.match(shapeless.body.error, /records/);
    const one = new SessionBuilder('big').user('u7', T0).records()[0];
    const big = await http<{ error: string }>(`${c.url}/api/v1/ingest`, {
      token: 'ingest-a',
      body: { records: Array.from({ length: 5001 }, (_, i) => ({ ...one, id: `big-${i}` })) },
    });
    assert.equal(big.status, 400);
    assert.match(big.body.error, /5001 records; at most 5000/);
  });
});
