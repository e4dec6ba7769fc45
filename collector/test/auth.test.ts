import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ALL_QUERY_TYPES } from '@model';
import { hashToken, loadConfig } from '../src/config/config';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { http, startTestCollector } from './helpers';

describe('tokens', () => {
  let c: RunningCollector;
  const records = new SessionBuilder('auth-s').user('u1', T0).records();
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  test('no token: 401 saying how to send one', async () => {
    const res = await http<{ error: string }>(`${c.url}/api/v1/sessions`);
    assert.equal(res.status, 401);
    assert.match(res.body.error, /missing bearer token/);
  });

  test('unknown token: 401 token refused', async () => {
    const res = await http<{ error: string }>(`${c.url}/api/v1/health`, { token: 'nope' });
    assert.equal(res.status, 401);
    assert.match(res.body.error, /token refused/);
  });

  test('an ingest token cannot read; a read token cannot ingest', async () => {
    const read = await http<{ error: string }>(`${c.url}/api/v1/sessions`, { token: 'ingest-a' });
    assert.equal(read.status, 403);
    assert.match(read.body.error, /ingest token can only write/);
    const write = await http<{ error: string }>(`${c.url}/api/v1/ingest`, { token: 'read-a', body: { records } });
    assert.equal(write.status, 403);
    assert.match(write.body.error, /read token cannot ingest/);
  });

  test('an ingest token writes only its project; admin must name one', async () => {
    const other = await http<{ error: string }>(`${c.url}/api/v1/ingest?project=proj-b`, {
      token: 'ingest-a',
      body: { records },
    });
    assert.equal(other.status, 403);
    assert.match(other.body.error, /writes to project 'proj-a', not 'proj-b'/);
    const admin = await http<{ error: string }>(`${c.url}/api/v1/ingest`, { token: 'admin-1', body: { records } });
    assert.equal(admin.status, 403);
    assert.match(admin.body.error, /\?project=/);
    const adminOk = await http<{ accepted: number }>(`${c.url}/api/v1/ingest?project=proj-c`, {
      token: 'admin-1',
      body: { records },
    });
    assert.equal(adminOk.status, 200);
    assert.equal(adminOk.body.accepted, 2);
  });

  test('a read token asking for a project it lacks gets 403 naming it', async () => {
    const res = await http<{ error: string }>(`${c.url}/api/v1/sessions?project=proj-b`, { token: 'read-a' });
    assert.equal(res.status, 403);
    assert.match(res.body.error, /project 'proj-b' is not granted/);
  });

  test('liveness needs no token', async () => {
    const res = await http<{ status: string }>(`${c.url}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
  });
});

describe('client-chosen keys never reach an object prototype (security finding 1)', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  const leaks = (text: string) =>
    ['ingest-a', 'read-a', 'admin-1', hashToken('admin-1'), 'databaseUrl', 'tokens'].filter((secret) =>
      text.includes(secret)
    );

  for (const queryType of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
    test(`queryType '${queryType}' is a 400 naming the accepted types, and echoes no configuration`, async () => {
      const res = await fetch(`${c.url}/api/v1/query`, {
        method: 'POST',
        headers: { authorization: 'Bearer read-a', 'content-type': 'application/json' },
        body: JSON.stringify({ queries: [{ refId: 'A', timeRange: { from: 0, to: 1 }, query: { queryType } }] }),
      });
      const text = await res.text();
      assert.deepEqual(leaks(text), []);
      const body = JSON.parse(text) as { results: Record<string, { status: number; error: string; frames?: unknown }> };
      assert.equal(body.results.A.status, 400);
      assert.equal(body.results.A.frames, undefined);
      assert.equal(body.results.A.error, `unknown queryType '${queryType}' (known: ${ALL_QUERY_TYPES.join(', ')})`);
    });
  }

  test("a refId of '__proto__' is answered like any other", async () => {
    const res = await http<{ results: Record<string, { status: number }> }>(`${c.url}/api/v1/query`, {
      token: 'read-a',
      body: { queries: [{ refId: '__proto__', timeRange: { from: 0, to: 1 }, query: { queryType: 'sessions' } }] },
    });
    assert.equal(res.status, 200);
    assert.ok(Object.hasOwn(res.body.results, '__proto__'));
    assert.equal(res.body.results['__proto__'].status, 200);
  });

  for (const kind of ['constructor', 'toString', '__proto__']) {
    test(`record kind '${kind}' is a 400 naming the field`, async () => {
      const body = `{"records":[{"kind":"${kind}","id":"x","sessionId":"s","ts":${T0},"clientId":"u"}]}`;
      const res = await http<{ error: string; field: string }>(`${c.url}/api/v1/ingest`, { token: 'ingest-a', body });
      assert.equal(res.status, 400);
      assert.equal(res.body.field, 'kind');
      assert.match(res.body.error, /record 0: field 'kind' must be 'event', 'quality', 'rating' or 'mark'/);
    });
  }

  test("a record field named 'constructor' or 'toString' is an unknown field", async () => {
    for (const key of ['constructor', 'toString']) {
      const body = `{"records":[{"kind":"event","id":"x","sessionId":"s","ts":${T0},"action":"connect","clientId":"u","${key}":{}}]}`;
      const res = await http<{ error: string; field: string }>(`${c.url}/api/v1/ingest`, { token: 'ingest-a', body });
      assert.equal(res.status, 400);
      assert.equal(res.body.field, key);
      assert.match(res.body.error, /is not a known field/);
    }
  });
});

describe('tokens are kept only as digests', () => {
  test('the loaded configuration holds no plain token', () => {
    const config = loadConfig({
      COLLECTOR_TOKENS: JSON.stringify([
        { token: 'plain-read-token', kind: 'read', projects: ['p'] },
        { token: 'plain-admin-token', kind: 'admin' },
      ]),
    });
    const text = JSON.stringify(config);
    assert.ok(!text.includes('plain-read-token') && !text.includes('plain-admin-token'));
    assert.deepEqual(
      config.tokens.map((t) => t.sha256),
      [hashToken('plain-read-token'), hashToken('plain-admin-token')]
    );
  });

  test('a token configured by its sha256 digest authenticates; a malformed digest is refused', async () => {
    const config = loadConfig({
      COLLECTOR_TOKENS: JSON.stringify([{ sha256: hashToken('hashed-read'), kind: 'read', projects: ['proj-a'] }]),
    });
    const c = await startTestCollector({ tokens: config.tokens });
    try {
      assert.equal((await http(`${c.url}/api/v1/sessions`, { token: 'hashed-read' })).status, 200);
      assert.equal((await http(`${c.url}/api/v1/sessions`, { token: hashToken('hashed-read') })).status, 401);
    } finally {
      await c.close();
    }
    assert.throws(
      () => loadConfig({ COLLECTOR_TOKENS: JSON.stringify([{ sha256: 'abc', kind: 'admin' }]) }),
      /COLLECTOR_TOKENS\[0\] must have 'token' \(the token\) or 'sha256'/
    );
  });
});
