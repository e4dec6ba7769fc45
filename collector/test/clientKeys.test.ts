import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { REST } from '@model';
import { applyV3Delta } from '../src/importers/statsDelta';
import type { RunningCollector } from '../src/server';
import { assertRefused, http, startTestCollector } from './helpers';

describe('keys a client or a dump chooses reach no prototype (security finding 1, the rest of the audit)', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  test('v3 stats objects named constructor or toString are carried over like any other', () => {
    const base = new Map([
      ['constructor', { type: 'codec', timestamp: 1 }],
      ['toString', { type: 'codec', timestamp: 1 }],
      ['RTCCodec_1', { type: 'codec', timestamp: 1 }],
    ]);
    const next = applyV3Delta(base, { t: 2 });
    assert.deepEqual([...next.keys()], ['constructor', 'toString', 'RTCCodec_1']);
    assert.equal(next.get('constructor')?.timestamp, 2);
    const removed = applyV3Delta(base, { t: 3, constructor: null });
    assert.deepEqual([...removed.keys()], ['toString', 'RTCCodec_1']);
  });

  test('route and query parameters named or valued __proto__ / constructor are plain text', async () => {
    const search = await http<{ sessions: unknown[] }>(`${c.url}${REST.sessions}?__proto__=x&constructor=y`, {
      token: 'read-a',
    });
    assert.equal(search.status, 200);
    assert.deepEqual(search.body.sessions, []);
    assertRefused(await http(`${c.url}${REST.sessions}?project=__proto__`, { token: 'read-a' }), 403, 'project');
    const put = await http(`${c.url}${REST.savedOne('__proto__', 'constructor')}`, {
      method: 'PUT',
      token: 'admin-1',
      headers: { 'x-grafana-role': 'Admin' },
      body: { name: 'n' },
    });
    assertRefused(put, 404, 'sessionId');
    assert.match(
      (put.body as { error: string }).error,
      /session 'constructor' has no data in retention in project '__proto__'/
    );
  });
});
