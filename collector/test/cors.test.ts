import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/config';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { countRows, startTestCollector } from './helpers';

const PREFLIGHT = {
  'access-control-request-method': 'POST',
  'access-control-request-headers': 'authorization,content-type',
};

describe('CORS only on ingest, from the origins of each ingest token (security finding 10)', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  const post = (path: string, token: string, origin: string, body: unknown) =>
    fetch(`${c.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin },
      body: JSON.stringify(body),
    });

  test('an ingest preflight from a configured origin is allowed: POST with the two headers', async () => {
    const res = await fetch(`${c.url}/api/v1/ingest`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app-a.example', ...PREFLIGHT },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app-a.example');
    assert.equal(res.headers.get('access-control-allow-methods'), 'POST');
    assert.equal(res.headers.get('access-control-allow-headers'), 'Authorization, Content-Type');
    assert.equal(res.headers.get('vary'), 'Origin');
  });

  for (const origin of ['https://evil.example', 'null', 'https://app-a.example.evil.example']) {
    test(`an ingest preflight from ${origin} is refused without CORS headers`, async () => {
      const res = await fetch(`${c.url}/api/v1/ingest`, { method: 'OPTIONS', headers: { origin, ...PREFLIGHT } });
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      assert.match(((await res.json()) as { error: string }).error, /is not in any ingest token's origins/);
    });
  }

  test('ingest from the token’s own origin is stored and readable by the page', async () => {
    const records = new SessionBuilder('cors-ok').user('u1', T0).records();
    const res = await post('/api/v1/ingest', 'ingest-a', 'https://app-a.example', { records });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app-a.example');
    assert.deepEqual(await res.json(), { accepted: 2, duplicates: 0 });
  });

  test("ingest from another token's origin is refused (readable, nothing stored)", async () => {
    const before = await countRows(c, 'events');
    const records = new SessionBuilder('cors-cross').user('u1', T0).records();
    const res = await post('/api/v1/ingest', 'ingest-a', 'https://app-b.example', { records });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app-b.example');
    assert.match(
      ((await res.json()) as { error: string }).error,
      /origin 'https:\/\/app-b.example' is not in this ingest token's origins/
    );
    assert.equal(await countRows(c, 'events'), before);
  });

  test('an admin token has no origins: refused from a browser', async () => {
    const records = new SessionBuilder('cors-admin').user('u1', T0).records();
    const res = await post('/api/v1/ingest?project=proj-a', 'admin-1', 'https://app-a.example', { records });
    assert.equal(res.status, 403);
  });

  test('a page served from the collector’s own host is not cross-origin', async () => {
    const records = new SessionBuilder('cors-same').user('u1', T0).records();
    const res = await post('/api/v1/ingest', 'ingest-a', c.url, { records });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  for (const [method, path] of [
    ['POST', '/api/v1/query'],
    ['GET', '/api/v1/sessions'],
    ['GET', '/api/v1/health'],
    ['GET', '/api/v1/saved'],
    ['POST', '/api/v1/admin/purge'],
    ['POST', '/api/v1/import'],
    ['GET', '/healthz'],
  ]) {
    test(`${method} ${path} answers no CORS, not even to an ingest origin`, async () => {
      for (const origin of ['https://app-a.example', 'null', 'https://evil.example']) {
        const preflight = await fetch(`${c.url}${path}`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': method,
            'access-control-request-headers': 'authorization',
          },
        });
        assert.equal(preflight.headers.get('access-control-allow-origin'), null, `preflight from ${origin}`);
        const res = await fetch(`${c.url}${path}`, {
          method,
          headers: { origin, authorization: 'Bearer admin-1', 'content-type': 'application/json' },
          body: method === 'POST' ? '{}' : undefined,
        });
        await res.arrayBuffer();
        assert.equal(res.headers.get('access-control-allow-origin'), null, `${method} from ${origin}`);
        assert.equal(res.headers.get('access-control-allow-credentials'), null);
      }
    });
  }
});

describe('ingest token origins in the configuration', () => {
  const load = (token: object) => loadConfig({ COLLECTOR_TOKENS: JSON.stringify([token]) });

  test('kept per ingest token; none by default', () => {
    const config = load({
      token: 'tok1',
      kind: 'ingest',
      project: 'p',
      origins: ['https://app.example', 'http://localhost:3000'],
    });
    assert.deepEqual(config.tokens[0], {
      kind: 'ingest',
      project: 'p',
      origins: ['https://app.example', 'http://localhost:3000'],
      sha256: config.tokens[0].sha256,
    });
    assert.equal('origins' in load({ token: 'tok1', kind: 'ingest', project: 'p' }).tokens[0], false);
  });

  for (const bad of [
    '*',
    'null',
    'https://app.example/',
    'https://app.example/path',
    'ftp://app.example',
    'app.example',
    7,
  ]) {
    test(`origin ${JSON.stringify(bad)} is refused naming the field`, () => {
      assert.throws(
        () => load({ token: 'tok1', kind: 'ingest', project: 'p', origins: [bad] }),
        (err: Error) =>
          err instanceof ConfigError && /COLLECTOR_TOKENS\[0\]\.origins\[0\] must be an origin/.test(err.message)
      );
    });
  }

  test('only ingest tokens take origins', () => {
    assert.throws(
      () => load({ token: 'tok1', kind: 'read', projects: ['p'], origins: ['https://app.example'] }),
      /COLLECTOR_TOKENS\[0\]\.origins: only ingest tokens take browser origins/
    );
  });
});
