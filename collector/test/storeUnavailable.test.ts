import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { storeUnavailable } from '../src/errors';
import { buildApp } from '../src/http/server';
import { openStore } from '../src/store/openStore';
import type { Store } from '../src/store/store';
import { SessionBuilder, T0 } from './fixtures';
import { http, testConfig } from './helpers';

/**
 * What PGlite threw on a full disk (a 40 MB tmpfs under `collector demo`): its message, SQLSTATE
 * 53100 and hint, as the store hands them on.
 */
function diskFull(): Error {
  return Object.assign(new Error('could not extend file "base/5/16629": No space left on device'), {
    severity: 'ERROR',
    code: '53100',
    hint: 'Check free disk space.',
    routine: 'mdzeroextend',
  });
}

/** A real store whose every statement fails with `failure()` while it is set. */
function failing(store: Store, failure: { current?: () => Error }): Store {
  const check = () => {
    if (failure.current) {
      throw failure.current();
    }
  };
  return {
    ...store,
    query: async (sql, params) => (check(), store.query(sql, params)),
    tx: async (fn) => (check(), store.tx(fn)),
    writeBatch: store.writeBatch && (async (...args) => (check(), store.writeBatch!(...args))),
  };
}

const records = new SessionBuilder('full-disk')
  .sample({ ts: T0, clientId: 'u1', streamId: 's1', role: 'publisher', media: 'video', bitrateKbps: 500 })
  .records();

describe('a store that cannot take the work now (no disk space)', () => {
  let store: Store;
  let app: FastifyInstance;
  let url: string;
  const failure: { current?: () => Error } = {};
  before(async () => {
    const config = testConfig();
    store = await openStore(config);
    app = await buildApp({ store: failing(store, failure), config, vonage: [] });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  test('ingest answers 503 naming the cause, with Retry-After, logs it once a minute, and takes the batch once the store recovers', async (t) => {
    const logged = t.mock.method(console, 'error', () => undefined);
    failure.current = diskFull;
    const send = () =>
      fetch(`${url}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: 'Bearer ingest-a', 'content-type': 'application/json' },
        body: JSON.stringify({ records }),
      });
    const res = await send();
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '30');
    const body = (await res.json()) as { error: string; code: string };
    assert.equal(body.code, 'unavailable');
    assert.match(body.error, /no disk space left/);
    assert.match(body.error, /SQLSTATE 53100/);
    assert.match(body.error, /RETENTION_DAYS/);
    assert.doesNotMatch(body.error, /base\/5|extend file/, 'no store internals in the answer');
    assert.equal((await send()).status, 503);
    const lines = logged.mock.calls.map((c) => String(c.arguments[0]));
    assert.equal(lines.length, 1, `one log line for two refusals: ${lines.join(' | ')}`);
    assert.match(lines[0], /unavailable \(SQLSTATE 53100\) in POST \/api\/v1\/ingest: could not extend file/);

    failure.current = undefined;
    const ok = await http<{ accepted: number }>(`${url}/api/v1/ingest`, { token: 'ingest-a', body: { records } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.accepted, 1);
  });

  test("a query's answer is a 503 of the store, not the plugin's internal error", async (t) => {
    t.mock.method(console, 'error', () => undefined);
    failure.current = () => Object.assign(new Error('out of memory'), { code: '53200' });
    const res = await http<{ results: Record<string, { status: number; error: string; errorSource: string }> }>(
      `${url}/api/v1/query`,
      {
        token: 'read-a',
        body: {
          queries: [
            {
              refId: 'A',
              timeRange: { from: T0 - 60_000, to: T0 + 60_000 },
              query: { queryType: 'summary', sessionId: 'full-disk' },
            },
          ],
        },
      }
    );
    failure.current = undefined;
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.results.A, {
      status: 503,
      error: 'the store cannot take this now (SQLSTATE 53200): it is out of memory; retry later',
      errorSource: 'downstream',
    });
  });

  test('any other failure is still a 500 that shows no internal text', async (t) => {
    const logged = t.mock.method(console, 'error', () => undefined);
    failure.current = () => new TypeError("Cannot read properties of undefined (reading 'rows')");
    const res = await http<{ error: string; code: string }>(`${url}/api/v1/ingest`, {
      token: 'ingest-a',
      body: { records },
    });
    failure.current = undefined;
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, { error: 'internal error (the collector log has the details)', code: 'internal' });
    assert.match(String(logged.mock.calls[0].arguments[0]), /internal error in POST \/api\/v1\/ingest/);
  });
});

describe('storeUnavailable', () => {
  test('maps the SQLSTATEs of a store out of resources, unreachable or shutting down, and nothing else', (t) => {
    t.mock.method(console, 'error', () => undefined);
    const status = (code: unknown) => storeUnavailable({ code }, 'a test')?.status;
    for (const code of ['53100', '53200', '53300', '53400', '08006', '08001', '57P01', '57P03']) {
      assert.equal(status(code), 503, code);
    }
    for (const code of ['23505', '42P01', '57014', '57P04', '5310', '531000', 'invalid_field', 53100, undefined]) {
      assert.equal(status(code), undefined, String(code));
    }
    assert.equal(storeUnavailable(null, 'a test'), undefined);
  });
});
