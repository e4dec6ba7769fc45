import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { IngestRecord } from '../../collector/src/model/records';
import type { RunningCollector } from '../../collector/src/server';
import { startTestCollector } from '../../collector/test/helpers';
import { backoffMs, retryAfterMs, Transport, type TransportOptions } from '../src/transport';
import { Network, until } from './helpers';

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
let seq = 0;
const mark = (session: string, i: number): IngestRecord => ({
  kind: 'mark',
  id: `${session}-${seq++}`,
  sessionId: session,
  ts: T0 + i,
  clientId: 'u1',
  name: `m${i}`,
});

describe('transport against a real collector', () => {
  let c: RunningCollector;
  let net: Network;
  before(async () => {
    c = await startTestCollector();
    net = await new Network(c.url).start();
  });
  after(async () => {
    await net.close();
    await c.close();
  });

  const open: Transport[] = [];
  afterEach(() => open.splice(0).forEach((t) => t.close()));

  const transport = (over: Partial<TransportOptions> = {}) => {
    const seen = { dropped: [] as number[][], rejected: [] as Array<[number, string, number]> };
    const t = new Transport({
      url: `${net.url}/api/v1/ingest`,
      token: 'ingest-a',
      maxRecords: 100,
      maxDelayMs: 50,
      bufferSize: 1000,
      initialRetryMs: 100,
      maxRetryMs: 400,
      requestTimeoutMs: 2000,
      onDropped: (n, from, to) => seen.dropped.push([n, from, to]),
      onRejected: (status, error, n) => seen.rejected.push([status, error, n]),
      ...over,
    });
    open.push(t);
    return { t, seen };
  };

  /** Stored rows of a session: id and receive time, in the order the collector received them. */
  const stored = (session: string) =>
    c.store.query<{ id: string; received_at: number }>(
      `SELECT id, received_at::float8 AS received_at FROM events WHERE session_id = $1 ORDER BY received_at, ts`,
      [session]
    );

  test('batches by count and by time, in the order taken', async () => {
    net.mode = 'up';
    const { t } = transport();
    const before = net.log.length;
    for (let i = 0; i < 250; i++) {
      t.push(mark('tr-order', i));
    }
    await t.flush();
    const requests = net.log.slice(before);
    assert.deepEqual(
      requests.map((r) => r.ids.length),
      [100, 100, 50],
      'two full batches at once, the rest after maxDelayMs'
    );
    const rows = await stored('tr-order');
    assert.equal(rows.length, 250);
    const ids = requests.flatMap((r) => r.ids);
    assert.deepEqual(rows.map((r) => r.id).sort(), [...ids].sort());
    for (let i = 1; i < requests.length; i++) {
      const prev = rows.find((r) => r.id === requests[i - 1].ids[0])!.received_at;
      const next = rows.find((r) => r.id === requests[i].ids[0])!.received_at;
      assert.ok(next >= prev, 'each batch received after the one before');
    }
  });

  test('network errors and 5xx are retried with the same ids: stored once', async () => {
    const { t } = transport();
    const before = net.log.length;
    net.mode = 'down';
    for (let i = 0; i < 30; i++) {
      t.push(mark('tr-retry', i));
    }
    await until(() => net.log.length >= before + 2, 'two failed sends');
    net.mode = { status: 503 };
    await until(() => net.log.length >= before + 3, 'a 503');
    net.mode = 'up';
    await until(() => t.counters.sent === 30, 'the records after the link returns');
    assert.equal((await stored('tr-retry')).length, 30);
    const sends = net.log.slice(before);
    assert.ok(sends.length >= 4);
    for (const s of sends) {
      assert.deepEqual(s.ids, sends[0].ids, 'every retry carries the same records');
    }
    assert.equal(t.counters.retries, sends.length - 1);
  });

  test('429 with Retry-After: the next try waits at least that long', async () => {
    const { t } = transport();
    net.mode = { status: 429, retryAfter: '2' };
    const before = net.log.length;
    t.push(mark('tr-429', 0));
    await until(() => net.log.length > before, 'the first send');
    net.mode = 'up';
    await until(() => net.log.length > before + 1, 'the retry', 10_000);
    const [first, second] = net.log.slice(before).filter((x) => x.ids.some((id) => id.startsWith('tr-429')));
    assert.equal(first.status, 429);
    assert.equal(second.status, 200);
    assert.ok(second.at - first.at >= 1900, `retried after ${second.at - first.at} ms, asked for 2000`);
  });

  test('a refused batch is reported and not sent again; the next one goes', async () => {
    const { t, seen } = transport();
    const bad = { ...mark('tr-bad', 0), name: '' } as IngestRecord;
    t.push(bad);
    await t.flush();
    t.push(mark('tr-bad', 1));
    await t.flush();
    assert.equal(seen.rejected.length, 1);
    assert.equal(seen.rejected[0][0], 400);
    assert.match(seen.rejected[0][1], /record 0: field 'name' must be a non-empty string/);
    assert.equal((await stored('tr-bad')).length, 1);
    assert.equal(t.counters.rejected, 1);
  });

  test('a full buffer drops the oldest records and reports how many once the collector is back', async () => {
    const { t, seen } = transport({ bufferSize: 200 });
    net.mode = 'down';
    for (let i = 0; i < 500; i++) {
      t.push(mark('tr-full', i));
    }
    assert.equal(t.counters.dropped, 300);
    net.mode = 'up';
    await until(() => seen.dropped.length === 1, 'the drop report');
    // The oldest 300 went (ts T0..T0+299, the first batch was already on its way and is kept).
    const [[count, from, to]] = seen.dropped;
    assert.equal(count, 300);
    assert.ok(from >= T0 && to < T0 + 500 && to - from >= 299);
    await until(async () => (await stored('tr-full')).length === 200, 'the kept records');
  });
});

describe('retry timing rules', () => {
  test('Retry-After in seconds or as an HTTP date', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1)), 10_000);
    assert.equal(retryAfterMs(null), undefined);
    assert.equal(retryAfterMs('soon'), undefined);
    assert.equal(retryAfterMs('99999'), 600_000, 'capped at 10 minutes');
  });

  test('exponential backoff with equal jitter, capped', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, 1000, 30_000, 0)),
      [500, 1000, 2000, 4000, 8000, 15_000, 15_000]
    );
    assert.deepEqual(
      [1, 2, 7].map((n) => backoffMs(n, 1000, 30_000, 1)),
      [1000, 2000, 30_000]
    );
  });
});
