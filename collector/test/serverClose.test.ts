import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { connect } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { slowIngest, startTestCollector } from './helpers';

/** Settles once the collector has read a request's headers: Node publishes each request there. */
function requestStarted(): Promise<void> {
  return new Promise((resolve) => {
    const started = () => {
      unsubscribe('http.server.request.start', started);
      resolve();
    };
    subscribe('http.server.request.start', started);
  });
}

/** Whether the collector still accepts connections. */
function accepting(c: RunningCollector): Promise<boolean> {
  const u = new URL(c.url);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port), u.hostname, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('a request still being handled when the collector closes is answered, with Connection: close, and the collector closes', async () => {
  const c = await startTestCollector();
  const records = new SessionBuilder('sess-closing')
    .sample({ ts: T0, clientId: 'u1', streamId: 's1', role: 'publisher', media: 'video', bitrateKbps: 500 })
    .records();
  const handling = requestStarted();
  const held = await slowIngest(c, JSON.stringify({ records }));
  await handling;
  let answer = '';
  held.socket.on('data', (d: Buffer) => (answer += d.toString()));
  const ended = new Promise((resolve) => held.socket.once('end', resolve));
  const closed = c.close();
  // The idle connections are reaped and the listener closed before this request's body arrives.
  while (await accepting(c)) {
    await sleep(10);
  }
  held.finish();
  while (!/\r\n\r\n[\s\S]*\}$/.test(answer)) {
    await sleep(10);
  }
  assert.match(answer, /^HTTP\/1\.1 200 /);
  assert.match(answer, /"accepted":1/);
  assert.match(answer, /\r\nconnection: close\r\n/i);
  await ended;
  await closed;
});

// Without the grace period the close waits for good (Node stops its request timeouts as it
// closes): the test's limit catches that.
test(
  'a client that stops half-way through its request holds the close for the grace period only',
  { timeout: 20_000 },
  async () => {
    const c = await startTestCollector({ shutdownGraceMs: 200 });
    const handling = requestStarted();
    // The body never comes.
    const held = await slowIngest(c, JSON.stringify({ records: [] }));
    await handling;
    const dropped = new Promise((resolve) => held.socket.once('close', resolve));
    await c.close();
    await dropped;
    assert.equal(held.socket.destroyed, true);
  }
);
