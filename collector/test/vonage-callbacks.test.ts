import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import type { DataFrameJSON } from '@model';
import { hashToken } from '../src/config/config';
import type { VonageProject } from '../src/config/vonage';
import type { RunningCollector } from '../src/server';
import { col, http, ingest, query, startTestCollector } from './helpers';

const EXAMPLES = join(__dirname, '../../../shared/data/vonage/session-monitoring-examples.jsonl');
const examples = () =>
  readFileSync(EXAMPLES, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const PLAIN_SECRET = 'cb-plain-0123456789abcdef';
const SIGNED_SECRET = 'cb-signed-0123456789abcdef';
const SIGNATURE_SECRET = 'sig-secret-0123456789abcdef';
const MAPPED_SECRET = 'cb-mapped-0123456789abcdef';

const PROJECTS: VonageProject[] = [
  { project: 'proj-a', vonageProjectId: '123456', callbackSecretSha256: hashToken(PLAIN_SECRET) },
  {
    project: 'proj-b',
    vonageProjectId: '123456',
    callbackSecretSha256: hashToken(SIGNED_SECRET),
    signatureSecret: SIGNATURE_SECRET,
  },
  {
    project: 'proj-b',
    vonageProjectId: '777',
    callbackSecretSha256: hashToken(MAPPED_SECRET),
    user: { jsonPath: 'user.id' },
  },
];

/** Vonage's signed callback JWT, as the "Secure callbacks" guide shows it. */
async function vonageJwt(
  body: string,
  secret = SIGNATURE_SECRET,
  { alg = 'HS256', expiresAt }: { alg?: string; expiresAt?: number } = {}
): Promise<string> {
  const jwt = new SignJWT({
    payload_hash: createHash('sha256').update(body).digest('hex'),
    api_key: '123456',
    application_id: randomUUID(),
  })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setIssuer('Vonage')
    .setIssuedAt()
    .setJti(randomUUID());
  return (expiresAt === undefined ? jwt : jwt.setExpirationTime(expiresAt)).sign(new TextEncoder().encode(secret));
}

/** An unsigned token (`alg: none`) with the right payload hash: must never pass. */
function unsignedJwt(body: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const payload = { payload_hash: createHash('sha256').update(body).digest('hex'), iat: Math.floor(Date.now() / 1000) };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

const RANGE = { from: Date.UTC(2016, 0, 1), to: Date.UTC(2027, 0, 1) };

describe('Vonage session monitoring callbacks (C3)', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector({}, PROJECTS);
  });
  after(async () => c.close());

  const post = (body: unknown, secret: string | null = PLAIN_SECRET, headers: Record<string, string> = {}) =>
    http<{ stored?: number; ignored?: string; error?: string; field?: string }>(
      `${c.url}/api/v1/vonage/callbacks${secret === null ? '' : `?secret=${encodeURIComponent(secret)}`}`,
      { body, headers }
    );
  const rows = async (project: string) => {
    const [r] = await c.store.query<{ events: number; users: number }>(
      `SELECT (SELECT count(*) FROM events WHERE project = $1)::float8 AS events,
              (SELECT count(*) FROM users WHERE project = $1)::float8 AS users`,
      [project]
    );
    return r;
  };
  const session = async (token: string, sessionId: string) => {
    const q = (refId: string, queryType: string) => ({
      refId,
      timeRange: RANGE,
      maxDataPoints: 100,
      intervalMs: 1000,
      query: { queryType, sessionId } as never,
    });
    const r = await query(c, token, [q('S', 'summary'), q('U', 'users'), q('E', 'events')]);
    assert.equal(r.status, 200);
    const frames = (refId: string) => r.body.results[refId].frames as DataFrameJSON[];
    const named = (refId: string, name: string) => frames(refId).find((f) => f.schema.name === name)!;
    return { summary: frames('S')[0], named, events: frames('E')[0] };
  };

  test("replaying the documented examples gives the examples' counts and reasons, twice or once", async () => {
    const sessionId = examples()[0].sessionId as string;
    for (const body of examples()) {
      const res = await post(body);
      assert.equal(res.status, 200, res.body.error);
      assert.equal(res.body.stored, 1);
    }
    const check = async () => {
      const { summary, named, events } = await session('read-a', sessionId);
      const one = (f: DataFrameJSON, name: string) => col(f, name)[0];
      assert.equal(one(summary, 'users'), 1);
      assert.equal(one(summary, 'connections'), 1);
      assert.equal(one(summary, 'publishers'), 1);
      assert.equal(one(summary, 'streams'), 1);
      assert.equal(one(summary, 'subscribers'), 0);
      assert.equal(one(summary, 'errors'), 0);
      assert.equal(one(summary, 'sources'), 'vonage-callback');
      assert.equal(one(summary, 'start'), 1470257688309);
      assert.equal(one(summary, 'end'), 1470258896953);
      // connection.data is "TOKENDATA": with no mapping configured, the data names the user.
      assert.deepEqual(col(named('U', 'users'), 'userId'), ['TOKENDATA']);
      const conns = named('U', 'connections');
      assert.deepEqual(col(conns, 'connectionId'), ['c053fcc8-c681-41d5-8ec2-7a9e1434a21e']);
      assert.deepEqual(col(conns, 'disconnectReason'), ['clientDisconnected']);
      assert.deepEqual(col(conns, 'durationS'), [1209]);
      const streams = named('U', 'streams');
      assert.deepEqual(col(streams, 'streamId'), ['63245362-e00e-4834-8371-9397deb3e452']);
      assert.deepEqual(col(streams, 'videoType'), ['camera']);
      assert.deepEqual(col(streams, 'userId'), ['TOKENDATA'], 'the stream events (empty data) join their user');
      assert.deepEqual(col(streams, 'end'), [1470258896953]);
      assert.deepEqual(col(streams, 'reason'), ['clientDisconnected']);
      assert.deepEqual(col(events, 'event'), ['Connect Success', 'Publish Success', 'Unpublish', 'Disconnect']);
      assert.deepEqual(col(events, 'reason'), [null, null, 'clientDisconnected', 'clientDisconnected']);
      assert.deepEqual(col(events, 'source'), Array(4).fill('vonage-callback'));
    };
    await check();
    const before = await rows('proj-a');
    for (const body of examples()) {
      assert.equal((await post(body)).status, 200, 'a re-delivery is acknowledged');
    }
    assert.deepEqual(await rows('proj-a'), before, 're-deliveries store nothing');
    await check();
  });

  test('a malformed body gets a 400 naming the field and stores nothing', async () => {
    const before = await rows('proj-a');
    const [created] = examples();
    const cases: Array<[unknown, string, RegExp]> = [
      [{ ...created, connection: { createdAt: 1470257688143, data: '' } }, 'connection.id', /non-empty string/],
      [{ ...created, timestamp: '2016-08-03' }, 'timestamp', /epoch ms/],
      [{ ...created, sessionId: undefined }, 'sessionId', /non-empty string/],
      [{ ...created, projectId: '999' }, 'projectId', /belongs to Vonage project '123456'/],
      [{ ...examples()[2], reason: 'gone' }, 'reason', /one of clientDisconnected/],
      [
        { ...examples()[1], stream: { ...(examples()[1].stream as object), videoType: 'hologram' } },
        'stream.videoType',
        /camera, screen, custom/,
      ],
      ['{"event": "connectionCreated",', 'body', /not valid JSON/],
    ];
    const huge = await post({ ...created, connection: { id: 'c', data: 'x'.repeat(70_000) } });
    assert.equal(huge.status, 413);
    assert.match(huge.body.error!, /a callback body is at most 65536 bytes/);
    for (const [body, field, message] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, `${field}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.field, field);
      assert.match(res.body.error!, message);
    }
    assert.deepEqual(await rows('proj-a'), before);
  });

  test('a wrong or missing secret gets a 401 and stores nothing', async () => {
    const before = await rows('proj-a');
    const body = { ...examples()[0], sessionId: 'no-secret' };
    const missing = await post(body, null);
    assert.equal(missing.status, 401);
    assert.match(missing.body.error!, /missing callback secret/);
    const wrong = await post(body, 'not-the-secret-at-all');
    assert.equal(wrong.status, 401);
    assert.match(wrong.body.error!, /callback secret refused/);
    const token = await post(body, 'ingest-a');
    assert.equal(token.status, 401, 'an ingest token is not a callback secret');
    assert.deepEqual(await rows('proj-a'), before);
  });

  test('a project with a signature secret needs a valid Vonage JWT whose payload hash matches', async () => {
    const body = JSON.stringify({ ...examples()[0], sessionId: 'signed-1' });
    const ok = await post(body, SIGNED_SECRET, { authorization: `Bearer ${await vonageJwt(body)}` });
    assert.equal(ok.status, 200, ok.body.error);
    assert.equal(ok.body.stored, 1);
    const before = await rows('proj-b');
    const other = JSON.stringify({ ...examples()[0], sessionId: 'signed-2' });
    const refusals: Array<[Record<string, string>, RegExp]> = [
      [{}, /missing signature/],
      [
        { authorization: `Bearer ${await vonageJwt(other, 'another-secret-0123456789')}` },
        /signature refused \(FAST_JWT_INVALID_SIGNATURE\)/,
      ],
      [{ authorization: `Bearer ${unsignedJwt(other)}` }, /signature refused \(FAST_JWT_MISSING_SIGNATURE\)/],
      [
        { authorization: `Bearer ${await vonageJwt(other, SIGNATURE_SECRET, { alg: 'HS512' })}` },
        /signature refused \(FAST_JWT_INVALID_ALGORITHM\)/,
      ],
      [
        {
          authorization: `Bearer ${await vonageJwt(other, SIGNATURE_SECRET, { expiresAt: Math.floor(Date.now() / 1000) - 60 })}`,
        },
        /signature refused \(FAST_JWT_EXPIRED\)/,
      ],
      [{ authorization: `Bearer ${await vonageJwt(body)}` }, /payload_hash claim does not match/],
      [{ authorization: 'Bearer not.a.jwt' }, /signature refused/],
    ];
    for (const [headers, message] of refusals) {
      const res = await post(other, SIGNED_SECRET, headers);
      assert.equal(res.status, 401, JSON.stringify(res.body));
      assert.match(res.body.error!, message);
    }
    assert.deepEqual(await rows('proj-b'), before);
  });

  test('events the Inspector does not record are acknowledged and not stored', async () => {
    const before = await rows('proj-a');
    for (const event of ['sessionCreated', 'callUpdated', 'muteForced']) {
      const res = await post({ ...examples()[0], event, sessionId: 'ignored' });
      assert.equal(res.status, 200);
      assert.equal(res.body.stored, 0);
      assert.match(res.body.ignored!, new RegExp(event));
    }
    assert.deepEqual(await rows('proj-a'), before);
  });

  test('a SIP call marks its user as SIP; a failed SIP call is a connect failure', async () => {
    const sessionId = 'sip-session';
    const call = { id: 'conf-1', connectionId: 'sip-conn', createdAt: 1470257688143 };
    const base = { sessionId, projectId: '777' };
    const sent = [
      { ...base, event: 'callCreated', timestamp: 1470257688309, call },
      {
        ...base,
        event: 'connectionCreated',
        timestamp: 1470257688400,
        connection: { id: 'sip-conn', createdAt: 1470257688143, data: '{"user":{"id":"phone-4155550101"}}' },
      },
      {
        ...base,
        event: 'callDestroyed',
        timestamp: 1470257699000,
        reason_code: '486',
        reason_message: 'Busy Here',
        call,
      },
    ];
    for (const body of sent) {
      const res = await post(body, MAPPED_SECRET);
      assert.equal(res.status, 200, res.body.error);
    }
    const { summary, named, events } = await session('read-b', sessionId);
    assert.equal(col(summary, 'users')[0], 1);
    assert.equal(col(summary, 'sipUsers')[0], 1);
    assert.equal(col(summary, 'errors')[0], 1);
    const users = named('U', 'users');
    assert.deepEqual(col(users, 'userId'), ['phone-4155550101'], 'the JSON path maps the data to the user');
    assert.deepEqual(col(users, 'endpoint'), ['SIP']);
    assert.deepEqual(col(events, 'event'), ['Connect Attempt', 'Connect Success', 'Connect Failure']);
    assert.deepEqual(col(events, 'code'), [null, null, 'SIP 486']);
    assert.deepEqual(col(events, 'userId'), Array(3).fill('phone-4155550101'));
  });

  test('one connection seen by the SDK and the callbacks is one user, whichever arrives first', async () => {
    for (const [sessionId, callbackFirst] of [
      ['both-callback-first', true],
      ['both-sdk-first', false],
    ] as const) {
      const conn = `${sessionId}-conn`;
      const callback = () =>
        post({
          sessionId,
          projectId: '123456',
          event: 'connectionCreated',
          timestamp: Date.UTC(2026, 10, 20, 12, 0, 1),
          connection: { id: conn, createdAt: Date.UTC(2026, 10, 20, 12, 0, 0), data: 'team-user-7' },
        });
      const sdk = () =>
        ingest(c, 'ingest-a', [
          {
            kind: 'event',
            id: `${sessionId}-1`,
            sessionId,
            ts: Date.UTC(2026, 10, 20, 12, 0, 0),
            action: 'connect',
            variation: 'success',
            clientId: 'browser-guid-1',
            connectionId: conn,
            client: { sdk: 'js-2.35.2', browser: 'Chrome', browserVersion: '156', country: 'FR' },
          },
        ]);
      if (callbackFirst) {
        assert.equal((await callback()).status, 200);
        assert.equal((await sdk()).status, 200);
      } else {
        assert.equal((await sdk()).status, 200);
        assert.equal((await callback()).status, 200);
      }
      const { summary, named, events } = await session('read-a', sessionId);
      assert.equal(col(summary, 'users')[0], 1, sessionId);
      assert.equal(col(summary, 'connections')[0], 1, sessionId);
      assert.equal(col(summary, 'sources')[0], 'sdk, vonage-callback');
      const users = named('U', 'users');
      assert.deepEqual(col(users, 'userId'), ['browser-guid-1'], `${sessionId}: the SDK's user wins`);
      assert.deepEqual(col(users, 'endpoint'), ['Chrome 156']);
      assert.deepEqual(col(users, 'sources'), ['sdk, vonage-callback']);
      assert.deepEqual(col(named('U', 'connections'), 'sources'), ['sdk, vonage-callback']);
      assert.deepEqual(col(events, 'userId'), ['browser-guid-1', 'browser-guid-1']);
      const failure = await query(c, 'read-a', [
        {
          refId: 'F',
          timeRange: RANGE,
          maxDataPoints: 100,
          intervalMs: 1000,
          query: { queryType: 'failureRates', sessionId },
        },
      ]);
      const f = failure.body.results.F.frames![0];
      assert.equal(col(f, 'successes')[0], 1, 'a connection reported twice succeeded once');
    }
  });

  test("another client's report of a connection does not make it that client's", async () => {
    const sessionId = 'observed';
    const ts = Date.UTC(2026, 10, 20, 12, 30, 0);
    // What a browser saw of someone else's connection is filed under the browser's own id.
    const seen = await ingest(c, 'ingest-a', [
      {
        kind: 'event',
        id: 'obs-1',
        sessionId,
        ts,
        action: 'exception',
        clientId: 'observer',
        connectionId: 'their-conn',
      },
    ]);
    assert.equal(seen.status, 200);
    const res = await post({
      sessionId,
      projectId: '123456',
      event: 'connectionCreated',
      timestamp: ts + 1,
      connection: { id: 'their-conn', data: 'their-user' },
    });
    assert.equal(res.status, 200);
    const { named } = await session('read-a', sessionId);
    assert.deepEqual(col(named('U', 'connections'), 'userId'), ['their-user']);
  });

  test('50 callbacks at once are all answered 200 and all stored', async () => {
    const sessionId = 'burst';
    const bodies = Array.from({ length: 50 }, (_, i) => ({
      sessionId,
      projectId: '123456',
      event: 'connectionCreated',
      timestamp: Date.UTC(2026, 10, 20, 13, 0, i),
      connection: { id: `burst-${i}`, createdAt: Date.UTC(2026, 10, 20, 13, 0, i), data: `user-${i}` },
    }));
    const answers = await Promise.all(bodies.map((b) => post(b)));
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(50).fill(200)
    );
    const [n] = await c.store.query<{ n: number }>(
      `SELECT count(*)::float8 AS n FROM events WHERE session_id = 'burst'`
    );
    assert.equal(n.n, 50);
  });
});
