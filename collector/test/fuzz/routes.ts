import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ALL_QUERY_TYPES, REST } from '@model';
import { T0 } from '../fixtures';
import { SHARED_DATA } from '../sharedData';
import { mutated, nastyText, nastyValue } from './arbitraries';

/** One request of the fuzz suite. */
export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query string, already encoded. */
  path: string;
  token?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  contentType?: string;
  /** The route may store telemetry: a refusal must leave every row count as it was. */
  writes: boolean;
}

const TOKENS = ['ingest-a', 'read-a', 'read-ab', 'admin-1', 'ingest-b', 'alerts-a', 'nope'];
/** Mostly the token the route is for (so requests get past authentication), sometimes any. */
const tokenFor = (right: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(right) },
    { weight: 3, arbitrary: fc.constantFrom(...TOKENS) },
    { weight: 1, arbitrary: nastyText }
  );
const sessionIds = fc.constantFrom('fz-1', 'fz-2', 'fz-3');
const ts = fc.integer({ min: T0 - 3_600_000, max: T0 + 3_600_000 });

/** `?a=1&b=2` from pairs, with repeated and nasty names and values. */
/** Percent-encoding that also carries lone surrogates (as their WTF-8 bytes), as a raw client could. */
function encode(text: string): string {
  return Array.from(text, (ch) => {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) {
      return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    }
    return encodeURIComponent(ch);
  }).join('');
}

const queryString = (names: string[]) => {
  const name = names.length
    ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: nastyText })
    : nastyText;
  return fc
    .array(fc.tuple(name, nastyText), { maxLength: 5 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}` : ''));
};

const validEvent = fc.record({
  kind: fc.constant('event'),
  id: fc.string({ minLength: 1, maxLength: 12 }),
  sessionId: sessionIds,
  ts,
  action: fc.constantFrom('connect', 'publish', 'subscribe', 'disconnect', 'exception'),
  variation: fc.constantFrom('attempt', 'success', 'failure'),
  clientId: fc.constantFrom('u1', 'u2'),
  connectionId: fc.constantFrom('c1', 'c2'),
  client: fc.record({ sdk: fc.constant('js-2.27.0'), country: fc.constant('US') }),
  detail: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }),
});

const validSample = fc.record({
  kind: fc.constant('quality'),
  id: fc.string({ minLength: 1, maxLength: 12 }),
  sessionId: sessionIds,
  ts,
  clientId: fc.constantFrom('u1', 'u2'),
  connectionId: fc.constant('c1'),
  streamId: fc.constantFrom('s1', 's2'),
  role: fc.constantFrom('publisher', 'subscriber'),
  media: fc.constantFrom('audio', 'video'),
  bitrateKbps: fc.integer({ min: 0, max: 3000 }),
  width: fc.constantFrom(640, 1280),
});

const validBatch = fc.record({ records: fc.array(fc.oneof(validEvent, validSample), { minLength: 1, maxLength: 4 }) });

const validQuery = fc.record({
  refId: fc.constantFrom('A', 'B'),
  timeRange: fc.record({ from: fc.constant(T0 - 7_200_000), to: fc.constant(T0 + 7_200_000) }),
  maxDataPoints: fc.integer({ min: 1, max: 2000 }),
  intervalMs: fc.integer({ min: 1, max: 60_000 }),
  query: fc.record(
    {
      queryType: fc.constantFrom(...ALL_QUERY_TYPES),
      sessionId: sessionIds,
      textFilter: fc.constantFrom('+connect -attempt', 'u1', ''),
      metrics: fc.constant(['bitrateKbps', 'lossPct']),
      variable: fc.constantFrom('projects', 'sessions', 'users'),
      groupBy: fc.constantFrom('none', 'stream'),
      fleetMetric: fc.constantFrom('lossPct', 'failureRate'),
    },
    { requiredKeys: ['queryType'] }
  ),
});

const savedBody = fc.record({
  name: fc.string({ maxLength: 20 }),
  tags: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
});

const json = (body: unknown) => {
  const text = JSON.stringify(body);
  return text === undefined ? 'null' : text;
};

interface RouteOptions {
  /** The token the route is for. */
  token: string;
  /** The route stores telemetry. */
  writes?: boolean;
  method?: FuzzRequest['method'];
}

/** A JSON route: valid bodies (from `valid`), mutated ones and garbage. */
export function jsonPost(path: string, valid: fc.Arbitrary<unknown>, o: RouteOptions) {
  return fc
    .record({
      body: mutated(valid),
      token: tokenFor(o.token),
      contentType: fc.constantFrom('application/json', 'application/json', 'text/plain'),
    })
    .map(({ body, token, contentType }): FuzzRequest => ({
      method: o.method ?? 'POST',
      path,
      token,
      body: json(body),
      contentType,
      writes: o.writes ?? false,
    }));
}

/** A GET route with these query parameters (and nasty ones). */
export function get(path: string, params: string[], token: string) {
  return fc
    .record({ qs: queryString(params), token: tokenFor(token) })
    .map(({ qs, token }): FuzzRequest => ({ method: 'GET', path: `${path}${qs}`, token, writes: false }));
}

const ndjson = fc
  .record({
    records: fc.array(mutated(fc.oneof(validEvent, validSample)), { minLength: 1, maxLength: 3 }),
    token: tokenFor('ingest-a'),
  })
  .map(({ records, token }): FuzzRequest => ({
    method: 'POST',
    path: REST.ingest,
    token,
    body: records.map(json).join('\n'),
    contentType: 'application/x-ndjson',
    writes: true,
  }));

const pathSegment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('proj-a', 'proj-b', 'fz-1', 'fz-2') },
  { weight: 2, arbitrary: nastyText }
);

const savedOne = fc
  .record({
    method: fc.constantFrom<FuzzRequest['method']>('PUT', 'PATCH', 'DELETE'),
    project: pathSegment,
    sessionId: pathSegment,
    body: mutated(savedBody),
    role: fc.constantFrom('Editor', 'Admin', 'Viewer', '\u00e9diteur'),
    token: tokenFor('admin-1'),
  })
  .filter(({ project, sessionId }) => project !== '' && sessionId !== '')
  .map(({ method, project, sessionId, body, role, token }): FuzzRequest => ({
    method,
    path: `/api/v1/saved/${encode(project)}/${encode(sessionId)}`,
    token,
    headers: { 'x-grafana-role': role },
    body: method === 'DELETE' ? undefined : json(body),
    contentType: 'application/json',
    writes: true,
  }));

/** A dump: a small valid rtcstats one, cut, changed, gzip'ed, or random bytes. */
const DUMP = [
  '["connectionInfo",null,{"userAgent":"Mozilla/5.0 Chrome/120.0"},1763640000000]',
  '["create","PC_0",{"iceServers":[]},1763640000100]',
  '["onconnectionstatechange","PC_0","connected",1763640001000]',
  '["getstats","PC_0",{"OT01":{"type":"outbound-rtp","kind":"video","bytesSent":1000,"packetsSent":10,"timestamp":1763640001000}},1763640001000]',
  '["close","PC_0",null,1763640005000]',
];
const dumpBody = fc.oneof(
  fc.constant(DUMP.join('\n')),
  fc.tuple(fc.integer({ min: 0, max: DUMP.length - 1 }), nastyValue).map(([i, v]) => {
    const lines = [...DUMP];
    lines[i] = json(v);
    return lines.join('\n');
  }),
  fc.integer({ min: 1, max: DUMP.join('\n').length - 1 }).map((n) => DUMP.join('\n').slice(0, n)),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
  nastyText
);
const importRequest = fc
  .record({
    body: dumpBody,
    gzip: fc.boolean(),
    qs: queryString(['session', 'format', 'project', 'name']),
    token: tokenFor('ingest-a'),
  })
  .map(({ body, gzip, qs, token }): FuzzRequest => ({
    method: 'POST',
    path: `${REST.import}${qs.includes('session=') ? qs : `${qs ? `${qs}&` : '?'}session=fz-dump`}`,
    token,
    body: gzip ? (new Uint8Array(gzipSync(body)) as Uint8Array<ArrayBuffer>) : body,
    contentType: 'application/octet-stream',
    writes: true,
  }));

/** The callback secret of the fuzz collector's Vonage project (fuzz.test.ts configures it). */
export const VONAGE_SECRET = 'fz-callback-0123456789abcdef';

/** Vonage's documented session monitoring callbacks, sent with the secret or another one. */
const vonageCallback = fc
  .record({
    body: mutated(
      fc.constantFrom(
        ...readFileSync(join(SHARED_DATA, 'vonage/session-monitoring-examples.jsonl'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as unknown)
      )
    ),
    secret: fc.oneof(
      { weight: 6, arbitrary: fc.constant(VONAGE_SECRET) },
      { weight: 1, arbitrary: fc.constantFrom('ingest-a', 'wrong-secret-0123456789') },
      { weight: 1, arbitrary: nastyText }
    ),
    contentType: fc.constantFrom('application/json', 'application/json', 'text/plain'),
  })
  .map(({ body, secret, contentType }): FuzzRequest => ({
    method: 'POST',
    path: `${REST.vonageCallbacks}?secret=${encode(secret)}`,
    body: json(body),
    contentType,
    writes: true,
  }));

/** Grafana's webhook contact-point payload (as alertWebhook.test.ts builds it) for sessions of the fuzz collector. */
const alertNotification = fc
  .record({
    session: sessionIds,
    status: fc.constantFrom('firing', 'resolved'),
    labels: fc.dictionary(
      fc.constantFrom('project', 'stream', 'user', 'metric', 'severity'),
      fc.string({ maxLength: 8 })
    ),
  })
  .map(({ session, status, labels }) => ({
    receiver: 'Session Inspector saves sessions',
    status,
    orgId: 1,
    alerts: [
      {
        status,
        labels: { alertname: 'Packet loss above 5 % on a stream', project: 'proj-a', session, ...labels },
        annotations: { summary: 'loss', threshold: '5 %' },
        startsAt: '2026-11-20T12:05:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: 'a1b2c3d4e5f60718',
        values: { B: 10.2, C: 1 },
      },
    ],
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'https://grafana.example.com/',
    version: '1',
    groupKey: '{}',
    truncatedAlerts: 0,
    title: 'alert',
    state: 'alerting',
    message: '',
  }));

/**
 * Every route of the collector. A new route is one line: `jsonPost(path, validBodies, options)`
 * for a JSON route, `get(path, paramNames, token)` for a GET.
 */
export const FUZZ_ROUTES: Array<[string, fc.Arbitrary<FuzzRequest>]> = [
  ['ingest (JSON)', jsonPost(REST.ingest, validBatch, { token: 'ingest-a', writes: true })],
  ['ingest (NDJSON)', ndjson],
  [
    'query',
    jsonPost('/api/v1/query', fc.record({ queries: fc.array(validQuery, { minLength: 1, maxLength: 3 }) }), {
      token: 'read-a',
    }),
  ],
  [
    'sessions',
    get(
      REST.sessions,
      ['q', 'project', 'from', 'to', 'callType', 'hasErrors', 'minSize', 'saved', 'tag', 'maxRating', 'limit'],
      'read-a'
    ),
  ],
  ['health', get(REST.health, [], 'read-a')],
  ['liveness', get('/healthz', [], 'read-a')],
  ['saved list', get(REST.saved, ['project'], 'read-a')],
  ['saved one', savedOne],
  [
    'saved delete',
    jsonPost(
      REST.savedDelete,
      fc.record({ sessions: fc.array(fc.record({ project: pathSegment, sessionId: pathSegment }), { maxLength: 3 }) }),
      { token: 'admin-1', writes: true }
    ),
  ],
  ['import', importRequest],
  ['admin purge', jsonPost(REST.purge, fc.constant({}), { token: 'admin-1', writes: true })],
  ['vonage callbacks', vonageCallback],
  ['alert webhook', jsonPost(REST.alertWebhook, alertNotification, { token: 'alerts-a', writes: true })],
];
