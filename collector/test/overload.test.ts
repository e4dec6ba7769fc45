import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { IngestRecord } from '../src/model/records';
import type { RunningCollector } from '../src/server';
import { IngestAdmission } from '../src/ingest/admission';
import { writeRecords } from '../src/simulator/writer';
import { SessionBuilder, T0 } from './fixtures';
import { countRows, http, ingest, slowIngest, startTestCollector } from './helpers';

/** `n` quality samples of one session, ids unique to `tag`. */
function samples(tag: string, n: number): IngestRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: 'quality',
    id: `${tag}-${i}`,
    sessionId: `load-${tag}`,
    ts: T0 + i,
    clientId: 'u1',
    connectionId: 'c1',
    streamId: 's1',
    role: 'publisher',
    media: 'video',
    bitrateKbps: 500,
  }));
}

/**
 * An open connection to the collector: `send` writes a whole ingest request at once and settles
 * with the answer's status. Connections opened beforehand let many requests arrive together.
 */
function connection(c: RunningCollector): Promise<{ send: (body: string) => Promise<number> }> {
  const u = new URL(c.url);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port), u.hostname, () =>
      resolve({
        send: (body) =>
          new Promise((answered, failed) => {
            let head = '';
            socket.on('data', (d) => {
              head += d;
              const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
              if (status) {
                socket.destroy();
                answered(Number(status));
              }
            });
            socket.on('error', failed);
            socket.write(
              `POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ingest-a\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
            );
          }),
      })
    );
  });
}

describe('backpressure: 429 with Retry-After instead of an unbounded queue (security finding 7)', () => {
  test('batches beyond what can be written in time are refused with 429 and Retry-After; the accepted ones are all stored', async () => {
    const c = await startTestCollector({ ingestMaxQueueMs: 1, ingestWriters: 1 });
    try {
      const batches = Array.from({ length: 12 }, (_, b) => samples(`b${b}`, 2000));
      const answers = await Promise.all(
        batches.map((records) =>
          fetch(`${c.url}/api/v1/ingest`, {
            method: 'POST',
            headers: { authorization: 'Bearer ingest-a', 'content-type': 'application/json' },
            body: JSON.stringify({ records }),
          })
        )
      );
      const statuses = answers.map((a) => a.status);
      const refused = answers.filter((a) => a.status === 429);
      assert.ok(refused.length > 0, `some batches are refused: ${statuses}`);
      assert.ok(
        statuses.every((s) => s === 200 || s === 429),
        `only 200 and 429: ${statuses}`
      );
      for (const r of refused) {
        assert.ok(Number(r.headers.get('retry-after')) >= 1, 'Retry-After in whole seconds');
        const body = (await r.json()) as { code: string; error: string };
        assert.equal(body.code, 'overloaded');
        assert.match(body.error, /ingest is saturated .*retry after \d+ s/);
      }
      const accepted = answers.filter((a) => a.status === 200).length;
      assert.equal(await countRows(c, 'quality_samples'), accepted * 2000);
    } finally {
      await c.close();
    }
  });

  test('the simulator waits as Retry-After says and its batch is then stored', async () => {
    const c = await startTestCollector({ ingestMaxQueueMs: 1, ingestWriters: 1 });
    try {
      // One admitted request whose body never finishes keeps the queue busy: every other is a 429.
      const held = await slowIngest(c, JSON.stringify({ records: samples('held', 1) }));
      const waits: number[] = [];
      const written = writeRecords(
        {
          url: c.url,
          token: 'ingest-a',
          onOverloaded: (ms) => {
            waits.push(ms);
            held.finish();
          },
        },
        samples('sim', 300)
      );
      const result = await written;
      held.socket.destroy();
      assert.ok(waits.length >= 1, 'told to come back later at least once');
      assert.ok(waits[0] >= 1000, `waited ${waits[0]} ms, as Retry-After: 1 asks`);
      assert.deepEqual(result, { accepted: 300, duplicates: 0, batches: 1 });
    } finally {
      await c.close();
    }
  });

  test('while a batch is in flight and the event loop runs late, a new batch gets 429 naming it', async () => {
    const c = await startTestCollector();
    try {
      const held = await slowIngest(c, JSON.stringify({ records: samples('held', 1) }));
      // Keep the collector's thread (this one) busy 200 ms out of every 220 for over a second.
      const until = performance.now() + 1500;
      while (performance.now() < until) {
        const busy = performance.now() + 200;
        while (performance.now() < busy) {
          // spin: the event loop cannot run
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      const late = await ingest(c, 'ingest-a', samples('late', 1));
      assert.equal(late.status, 429);
      assert.match(String(late.body.error), /ingest is saturated \(the collector runs \d+ ms late\)/);
      // Once the loop is on time again, a batch is admitted beside the one still in flight.
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal((await ingest(c, 'ingest-a', samples('on-time', 1))).status, 200);
      held.socket.destroy();
    } finally {
      await c.close();
    }
  });

  test('while a batch is in flight and recent batches took longer than the queue limit to answer, a new batch gets 429', async () => {
    const options = { writers: 1, maxQueueMs: 50, maxPending: 64, maxPendingBytes: 1 << 20, maxLoopDelayMs: 600_000 };
    const answeredAfter = async (admission: IngestAdmission, timed: boolean) => {
      const release = admission.admit(100, timed);
      await new Promise((r) => setTimeout(r, 300));
      release();
    };
    // A batch answered after 300 ms or more (60 ms or more once weighted, past the 50 ms limit;
    // the queue estimate stays at 1 batch x 20 ms).
    const slowed = new IngestAdmission(options);
    await answeredAfter(slowed, true);
    const alone = slowed.admit(100); // nothing in flight: admitted whatever came before
    assert.throws(() => slowed.admit(100), {
      message: /ingest is saturated \(admitted batches take about \d+ ms to be answered\)/,
    });
    alone();
    // An upload takes as long as its file: its time does not count.
    const uploaded = new IngestAdmission(options);
    await answeredAfter(uploaded, false);
    const first = uploaded.admit(100);
    const second = uploaded.admit(100);
    first();
    second();
    assert.deepEqual(
      [slowed.counts, uploaded.counts],
      [
        { admitted: 2, refused: 1 },
        { admitted: 3, refused: 0 },
      ]
    );
  });

  test('a query sent behind a queue of ingest batches is answered before most of them (order, not time)', async () => {
    // No 429 here: the queue may be as long as it gets, however late this thread runs.
    const c = await startTestCollector({ ingestMaxQueueMs: 600_000, ingestMaxLoopDelayMs: 600_000 });
    try {
      await ingest(c, 'ingest-a', new SessionBuilder('read-me').user('u1', T0).records());
      // Every batch arrives at once, on connections opened beforehand: all of them are read and
      // waiting before the first is written (through fetch, they would trickle in as the
      // collector's thread, shared with this test, gets to them).
      const batches = 24;
      const order: string[] = [];
      const connections = await Promise.all(Array.from({ length: batches }, () => connection(c)));
      await new Promise((r) => setTimeout(r, 200));
      const bodies = connections.map((_, b) => JSON.stringify({ records: samples(`q${b}`, 100) }));
      const writes = connections.map((conn, b) =>
        conn.send(bodies[b]).then((status) => {
          assert.equal(status, 200);
          order.push('ingest');
        })
      );
      // The query leaves as soon as this thread sees the first answer.
      while (order.length === 0) {
        await new Promise((r) => setTimeout(r, 5));
      }
      const answeredWhenSent = order.length;
      const read = http(`${c.url}/api/v1/sessions?q=read-me&from=${T0 - 1000}&to=${T0 + 1000}`, {
        token: 'read-a',
      }).then((r) => {
        assert.equal(r.status, 200);
        order.push('query');
      });
      await Promise.all([...writes, read]);
      // Served in arrival order (or with the thread held until the queue drains), the query would
      // come after every batch; the collector lets it pass the waiting ones.
      const answeredAfter = order.length - 1 - order.indexOf('query');
      assert.ok(
        answeredAfter >= batches / 2,
        `${answeredWhenSent} of ${batches} batches were answered when the query was sent, ${answeredAfter} after it: ${order.join(' ')}`
      );
    } finally {
      await c.close();
    }
  });
});

describe('slow bodies and too many connections (security finding 8)', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector({ requestTimeoutMs: 2000, maxConnections: 5 });
  });
  after(async () => c.close());

  test('a body sent a byte at a time is cut off with 408 and the connection closed', async () => {
    const u = new URL(c.url);
    const socket = connect(Number(u.port), u.hostname);
    let answer = '';
    socket.on('data', (d) => (answer += d));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      'POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ingest-a\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n'
    );
    let sent = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed && sent < 60) {
        socket.write(' ');
        sent++;
      }
    }, 500);
    await closed;
    clearInterval(drip);
    assert.ok(sent < 60, `the collector waited for all 60 bytes (${sent} sent)`);
    assert.match(answer, /^HTTP\/1.1 408/);
  });

  test('connections past the limit are dropped; the first ones still work', async () => {
    const u = new URL(c.url);
    const open = (): Promise<{ socket: Socket; dropped: Promise<boolean> }> =>
      new Promise((resolve) => {
        const socket = connect(Number(u.port), u.hostname, () => {
          const dropped = new Promise<boolean>((r) => {
            socket.on('close', () => r(true));
            setTimeout(() => r(false), 1500);
          });
          resolve({ socket, dropped });
        });
      });
    const sockets = [];
    for (let i = 0; i < 8; i++) {
      sockets.push(await open());
    }
    const dropped = await Promise.all(sockets.map((s) => s.dropped));
    assert.deepEqual(dropped, [false, false, false, false, false, true, true, true]);
    sockets.forEach((s) => s.socket.destroy());
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await http(`${c.url}/healthz`)).status, 200);
  });
});
