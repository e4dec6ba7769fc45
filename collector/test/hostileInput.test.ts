import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Limits, REST, type WireQueryResponse } from '@model';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { assertRefused, countRows, http, ingest, INTERNAL_TEXT, startTestCollector, type HttpResult } from './helpers';

const RANGE = { from: T0 - 3_600_000, to: T0 + 3_600_000 };
const ADMIN = { 'x-grafana-role': 'Admin' };

/** A valid event with one field replaced; `raw` is spliced in as JSON text. */
function eventJson(fields: Record<string, unknown> = {}, raw?: [string, string]): string {
  const json = JSON.stringify({
    kind: 'event',
    id: `e-${Math.random()}`,
    sessionId: 'hostile-s',
    ts: T0,
    action: 'connect',
    clientId: 'u1',
    ...fields,
  });
  return raw ? json.replace(`"${raw[0]}"`, raw[1]) : json;
}

async function rows(c: RunningCollector) {
  return [await countRows(c, 'events'), await countRows(c, 'quality_samples'), await countRows(c, 'users')];
}

async function queryOne(c: RunningCollector, query: Record<string, unknown>, timeRange: unknown = RANGE) {
  return http<WireQueryResponse>(`${c.url}/api/v1/query`, {
    token: 'read-a',
    body: { queries: [{ refId: 'A', timeRange, maxDataPoints: 100, intervalMs: 1000, query }] },
  });
}

/** A per-query refusal: the request answers 200, the query 400 with a message naming `field`. */
function assertQueryRefused(res: HttpResult<WireQueryResponse>, field: RegExp): void {
  assert.equal(res.status, 200);
  const r = res.body.results.A;
  assert.equal(r.status, 400, JSON.stringify(r));
  assert.equal(r.errorSource, 'downstream');
  assert.match(r.error!, field);
  assert.doesNotMatch(r.error!, INTERNAL_TEXT);
}

describe('client input never gives a 500 or internal text (security finding 6)', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
    await ingest(c, 'ingest-a', new SessionBuilder('hostile-s').user('u1', T0, 'st-1').records());
  });
  after(async () => c.close());

  const ingestCases: Array<[string, string, string | RegExp]> = [
    ['U+0000 in an id', eventJson({ clientId: 'u\u0000' }), 'records[0].clientId'],
    ['U+0000 in a message', eventJson({ message: 'a\u0000b', variation: 'failure' }), 'records[0].message'],
    ['U+0000 in a detail value', eventJson({ detail: { note: '\u0000' } }), 'records[0].detail.note'],
    ['U+0000 in a detail key', eventJson({ detail: { 'k\u0000': 1 } }), /^records\[0\]\.detail\.k\?$/],
    ['a lone surrogate', eventJson({}, ['u1', '"\\ud800"']), 'records[0].clientId'],
    ['a lone low surrogate in detail', eventJson({ detail: { x: 'X' } }, ['X', '"a\\udc00"']), 'records[0].detail.x'],
    [
      'detail nested 5,000 deep',
      eventJson({ detail: 'D' }, ['D', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`]),
      /^records\[0\]\.detail(\.a)+$/,
    ],
  ];
  for (const [name, record, field] of ingestCases) {
    test(`ingest: ${name} is a 400 naming the field, nothing written`, async () => {
      const before = await rows(c);
      const res = await http(`${c.url}/api/v1/ingest`, { token: 'ingest-a', body: `{"records":[${record}]}` });
      assertRefused(res, 400, field);
      const nd = await http(`${c.url}/api/v1/ingest`, {
        token: 'ingest-a',
        body: record,
        contentType: 'application/x-ndjson',
      });
      assertRefused(nd, 400, field);
      assert.deepEqual(await rows(c), before);
    });
  }

  test("ingest: 'width': 1280.5 is a 400 naming width", async () => {
    const before = await rows(c);
    const sample = {
      kind: 'quality',
      id: 'q-frac',
      sessionId: 'hostile-s',
      ts: T0,
      clientId: 'u1',
      connectionId: 'c1',
      streamId: 'st-1',
      role: 'publisher',
      media: 'video',
      width: 1280.5,
    };
    const res = await http<{ index: number }>(`${c.url}/api/v1/ingest`, {
      token: 'ingest-a',
      body: { records: [sample] },
    });
    assertRefused(res, 400, 'width');
    assert.equal(res.body.index, 0);
    assert.deepEqual(await rows(c), before);
  });

  test('REST search: a repeated parameter, an impossible time, a bad flag are 400s naming them', async () => {
    assertRefused(await http(`${c.url}/api/v1/sessions?q=a&q=b`, { token: 'read-a' }), 400, 'q');
    assertRefused(await http(`${c.url}/api/v1/sessions?from=-1e308`, { token: 'read-a' }), 400, 'from');
    assertRefused(await http(`${c.url}/api/v1/sessions?to=1e300`, { token: 'read-a' }), 400, 'to');
    assertRefused(await http(`${c.url}/api/v1/sessions?hasErrors=yes`, { token: 'read-a' }), 400, 'hasErrors');
    assertRefused(await http(`${c.url}/api/v1/sessions?q=a%00b`, { token: 'read-a' }), 400, 'q');
    assertRefused(await http(`${c.url}/api/v1/sessions?callType=toString`, { token: 'read-a' }), 400, 'callType');
    const ok = await http(`${c.url}/api/v1/sessions?q=hostile&from=${RANGE.from}&to=${RANGE.to}`, {
      token: 'read-a',
    });
    assert.equal(ok.status, 200);
  });

  test('query list: null, a missing refId, a duplicate refId, too many queries are 400s', async () => {
    const post = (body: unknown) => http(`${c.url}/api/v1/query`, { token: 'read-a', body });
    assertRefused(await post({ queries: [null] }), 400, 'queries[0]');
    assertRefused(
      await post({ queries: [{ timeRange: RANGE, query: { queryType: 'sessions' } }] }),
      400,
      'queries[0].refId'
    );
    const q = { refId: 'A', timeRange: RANGE, query: { queryType: 'sessions' } };
    assertRefused(await post({ queries: [q, q] }), 400, 'queries[1].refId');
    const many = Array.from({ length: Limits.maxQueriesPerRequest + 1 }, (_, i) => ({ ...q, refId: `R${i}` }));
    assertRefused(await post({ queries: many }), 400, 'queries');
    assertRefused(await post({ queries: [] }), 400, 'queries');
    assertRefused(await post([1, 2]), 400, 'body');
  });

  test('per query: textFilter as a number, metrics as a string, a time range of ±1e300 are 400s naming them', async () => {
    assertQueryRefused(
      await queryOne(c, { queryType: 'events', sessionId: 'hostile-s', textFilter: 5 }),
      /textFilter must be text/
    );
    assertQueryRefused(
      await queryOne(c, { queryType: 'quality', sessionId: 'hostile-s', metrics: 'lossPct' }),
      /metrics must be a list/
    );
    assertQueryRefused(await queryOne(c, { queryType: 'sessions' }, { from: -1e300, to: 1e300 }), /timeRange\.from/);
    assertQueryRefused(await queryOne(c, { queryType: 'sessions' }, { from: 0, to: Infinity }), /timeRange\.to/);
    assertRefused(await queryOne(c, { queryType: 'events', sessionId: 'a\u0000' }), 400, 'queries[0].query.sessionId');
    assertQueryRefused(await queryOne(c, { queryType: 'sessions', limit: '5' }), /limit/);
    assertQueryRefused(await queryOne(c, { queryType: 'sessions', hasErrors: 'yes' }), /hasErrors/);
    assertQueryRefused(await queryOne(c, { queryType: 'fleet', groupBy: 'constructor' }), /groupBy/);
    assertQueryRefused(await queryOne(c, { queryType: 'quality', sessionId: 'hostile-s', role: ['x'] }), /role/);
  });

  test('saved sessions: U+0000 in the path, the name, a tag or a delete list is a 400 naming it', async () => {
    const before = await http<{ saved: unknown[] }>(`${c.url}${REST.saved}`, { token: 'admin-1' });
    const put = (path: string, body: unknown) =>
      http(`${c.url}${path}`, { method: 'PUT', token: 'admin-1', headers: ADMIN, body });
    assertRefused(await put('/api/v1/saved/proj-a/s%00x', { name: 'x' }), 400, 'sessionId');
    assertRefused(await put('/api/v1/saved/proj-%00/hostile-s', { name: 'x' }), 400, 'project');
    assertRefused(await put(REST.savedOne('proj-a', 'hostile-s'), { name: 'a\u0000' }), 400, 'name');
    assertRefused(await put(REST.savedOne('proj-a', 'hostile-s'), { name: 'ok', tags: ['\ud800'] }), 400, 'tags[0]');
    const del = await http(`${c.url}${REST.savedDelete}`, {
      token: 'admin-1',
      body: { sessions: [{ project: 'proj-a', sessionId: '\u0000' }] },
    });
    assertRefused(del, 400, 'sessions[0].sessionId');
    const afterList = await http<{ saved: unknown[] }>(`${c.url}${REST.saved}`, { token: 'admin-1' });
    assert.deepEqual(afterList.body.saved, before.body.saved);
  });

  test('import: U+0000 in the session parameter is a 400 naming it', async () => {
    const res = await http(`${c.url}${REST.import}?session=a%00b`, {
      token: 'ingest-a',
      body: '[]',
      contentType: 'application/octet-stream',
    });
    assertRefused(res, 400, 'session');
  });

  test('a body that is not JSON, or JSON of the wrong shape, says so without V8 text', async () => {
    assertRefused(await http(`${c.url}/api/v1/ingest`, { token: 'ingest-a', body: '{"records":[' }), 400, 'body');
    assertRefused(await http(`${c.url}/api/v1/ingest`, { token: 'ingest-a', body: '{"records":x}' }), 400, 'body');
    assertRefused(await http(`${c.url}/api/v1/query`, { token: 'read-a', body: 'null' }), 400, 'body');
    assertRefused(
      await http(`${c.url}/api/v1/ingest`, { token: 'ingest-a', body: '<a/>', contentType: 'application/xml' }),
      415,
      'Content-Type'
    );
    assertRefused(await http(`${c.url}/api/v1/nowhere`, { token: 'read-a' }), 404, 'url');
  });
});

describe('odd edges (security finding 11)', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  test('a session id of 101 to 256 characters that ingest accepts can be saved, edited and deleted', async () => {
    for (const length of [101, 256]) {
      const sessionId = `${length}-`.padEnd(length, 'x');
      const records = new SessionBuilder(sessionId)
        .user('u1', T0)
        .records()
        .map((r, i) => ({ ...r, id: `long-${length}-${i}` }));
      const stored = await ingest(c, 'ingest-a', records);
      assert.equal(stored.status, 200, JSON.stringify(stored.body));
      const path = `${c.url}${REST.savedOne('proj-a', sessionId)}`;
      const put = await http(path, { method: 'PUT', token: 'admin-1', headers: ADMIN, body: { name: 'long' } });
      assert.equal(put.status, 201, JSON.stringify(put.body));
      const patch = await http(path, { method: 'PATCH', token: 'admin-1', headers: ADMIN, body: { tags: ['t'] } });
      assert.equal(patch.status, 200, JSON.stringify(patch.body));
      const del = await http(path, { method: 'DELETE', token: 'admin-1', headers: ADMIN });
      assert.equal(del.status, 200, JSON.stringify(del.body));
    }
    const tooLong = `${c.url}${REST.savedOne('proj-a', 'x'.repeat(257))}`;
    assertRefused(
      await http(tooLong, { method: 'PUT', token: 'admin-1', headers: ADMIN, body: { name: 'n' } }),
      400,
      'sessionId'
    );
  });

  test('valid JSON holding __proto__ keys is JSON: stored as data in detail, an unknown field at record level', async () => {
    const before = await countRows(c, 'events');
    const withDetail = eventJson({ id: 'proto-1', detail: { P: { polluted: true } } }).replace('"P"', '"__proto__"');
    const ok = await http<{ accepted: number }>(`${c.url}/api/v1/ingest`, {
      token: 'ingest-a',
      body: `{"records":[${withDetail}]}`,
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.accepted, 1);
    const stored = await c.store.query<{ detail: unknown }>(`SELECT detail FROM events WHERE id = 'proto-1'`);
    assert.equal(JSON.stringify(stored[0].detail), '{"__proto__":{"polluted":true}}');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const atRecord = eventJson({ id: 'proto-2', P: {} }).replace('"P"', '"__proto__"');
    const bad = await http(`${c.url}/api/v1/ingest`, { token: 'ingest-a', body: `{"records":[${atRecord}]}` });
    assertRefused(bad, 400, '__proto__');
    assert.match((bad.body as { error: string }).error, /field '__proto__' is not a known field/);
    assert.equal(await countRows(c, 'events'), before + 1);
  });

  test('a body over 10 MiB gets its 413 whole, without EPIPE, and the connection is reusable', async () => {
    const size = Limits.maxBodyBytes + 4 * 1024 * 1024;
    const u = new URL(c.url);
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(
        await new Promise<string>((resolve) => {
          const req = request(
            {
              host: u.hostname,
              port: u.port,
              path: '/api/v1/ingest',
              method: 'POST',
              headers: { authorization: 'Bearer ingest-a', 'content-type': 'application/json', 'content-length': size },
            },
            (res) => {
              let text = '';
              res.on('data', (d) => (text += d));
              res.on('end', () => resolve(`${res.statusCode} ${JSON.parse(text).code}`));
            }
          );
          req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
          const chunk = Buffer.alloc(256 * 1024, 0x20);
          let sent = 0;
          const pump = () => {
            while (sent < size) {
              sent += chunk.length;
              if (!req.write(chunk)) {
                req.once('drain', pump);
                return;
              }
            }
            req.end();
          };
          pump();
        })
      );
    }
    assert.deepEqual(outcomes, ['413 too_large', '413 too_large', '413 too_large']);
  });
});

describe('collector simulate stops cleanly (security finding 11)', () => {
  test('SIGTERM while the backfill is being sent: exit code 0, no TypeError', async () => {
    const c = await startTestCollector();
    try {
      const child = spawn(
        process.execPath,
        [
          join(__dirname, '../bin/collector.mjs'),
          'simulate',
          '--url',
          c.url,
          '--token',
          'ingest-a',
          '--sessions',
          '400',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] }
      );
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Once batches arrive, the simulator is past start-up and has its signal handlers.
      while ((await countRows(c, 'events')) === 0) {
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output);
      assert.doesNotMatch(output, /is not a function/);
      assert.match(output, /simulate: stopped/);
    } finally {
      await c.close();
    }
  });
});

describe('one request cannot freeze the collector: the text filter is bounded (security finding 2)', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
    const s = new SessionBuilder('filter-s')
      .user('u-1', T0, 'st-1')
      .user('u-2', T0 + 1000)
      .subscribe('u-2', 'st-1', T0 + 2000);
    await ingest(c, 'ingest-a', s.records());
  });
  after(async () => c.close());

  const huge: Array<[string, string]> = [
    ['100,000 exclude terms', Array.from({ length: 100_000 }, (_, i) => `-t${i}`).join(' ')],
    ['one term of 200,000 parts', `+${Array.from({ length: 200_000 }, () => 'u').join('-')}`],
    [
      `${Limits.textFilterMaxTerms + 1} terms`,
      Array.from({ length: Limits.textFilterMaxTerms + 1 }, () => '-x').join(' '),
    ],
  ];
  for (const queryType of ['events', 'annotations']) {
    for (const [name, textFilter] of huge) {
      test(`${queryType}: ${name} is a 400 naming textFilter`, async () => {
        assertQueryRefused(await queryOne(c, { queryType, sessionId: 'filter-s', textFilter }), /query\.textFilter/);
      });
    }
  }

  test('a filter at the limits still filters: 31 excludes and one include of an id', async () => {
    const excludes = Array.from({ length: Limits.textFilterMaxTerms - 1 }, (_, i) => `-zz${i}`);
    const textFilter = ['+u-2', ...excludes].join(' ');
    assert.ok(textFilter.length <= Limits.textFilterMaxChars);
    const res = await queryOne(c, { queryType: 'events', sessionId: 'filter-s', textFilter });
    const f = res.body.results.A.frames![0];
    const users = f.data.values[f.schema.fields.findIndex((x) => x.name === 'userId')];
    assert.deepEqual([...new Set(users)], ['u-2']);
    assert.equal(users.length, 4);
  });
});
