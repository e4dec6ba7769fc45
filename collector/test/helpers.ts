import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { after } from 'node:test';
import type { DataFrameJSON, WireQuery, WireQueryResponse, WireResult } from '@model';
import { storedTokens, type CollectorConfig, type TokenSpec } from '../src/config/config';
import type { VonageProject } from '../src/config/vonage';
import type { IngestRecord } from '../src/model/records';
import { startServer, type RunningCollector } from '../src/server';
import { dropSchemas, throwawaySchema } from './schemas';

/**
 * Tokens every test collector accepts: projects A and B, each with its own ingest and read token;
 * browsers on https://app-a.example may send with ingest-a, on https://app-b.example with ingest-b.
 * read-a and read-b are Grafana data sources' tokens (trusted to forward the user's role);
 * reader-a is a plain read token of project A; alerts-a is Grafana's alert webhook token for A.
 */
export const TOKENS: TokenSpec[] = [
  { token: 'ingest-a', kind: 'ingest', project: 'proj-a', origins: ['https://app-a.example'] },
  { token: 'ingest-b', kind: 'ingest', project: 'proj-b', origins: ['https://app-b.example'] },
  { token: 'read-a', kind: 'read', projects: ['proj-a'], grafanaBackend: true },
  { token: 'read-b', kind: 'read', projects: ['proj-b'], grafanaBackend: true },
  { token: 'reader-a', kind: 'read', projects: ['proj-a'] },
  { token: 'alerts-a', kind: 'alert', projects: ['proj-a'] },
  { token: 'read-ab', kind: 'read', projects: ['proj-a', 'proj-b'] },
  { token: 'admin-1', kind: 'admin' },
];

/** Schemas this test file's stores were given: dropped once all of its tests are done. */
const schemas = new Set<string>();
after(async () => {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (databaseUrl && schemas.size > 0) {
    await dropSchemas(databaseUrl, schemas);
  }
});

/** The store the suite runs on: PostgreSQL when TEST_DATABASE_URL is set, PGlite otherwise. */
export function testConfig(overrides: Partial<CollectorConfig> = {}): CollectorConfig {
  const databaseUrl = process.env.TEST_DATABASE_URL || undefined;
  const schema = databaseUrl ? throwawaySchema() : undefined;
  if (schema) {
    schemas.add(schema);
  }
  return {
    host: '127.0.0.1',
    port: 0,
    databaseUrl,
    dataDir: 'memory://',
    tokens: storedTokens(TOKENS),
    meetingIdleGapMs: 10 * 60 * 1000,
    retentionDays: 20,
    savedRetentionMonths: 24,
    purgeIntervalMs: 0,
    schema,
    ...overrides,
  };
}

export async function startTestCollector(
  overrides: Partial<CollectorConfig> = {},
  vonage: VonageProject[] = []
): Promise<RunningCollector> {
  return startServer(testConfig(overrides), vonage);
}

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
}

export async function http<T = unknown>(
  url: string,
  options: {
    method?: string;
    token?: string;
    body?: unknown;
    contentType?: string;
    headers?: Record<string, string>;
  } = {}
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) {
    headers.authorization = `Bearer ${options.token}`;
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const res = await fetch(url, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function ingest(c: RunningCollector, token: string, records: IngestRecord[]) {
  return http<{ accepted: number; duplicates: number; error?: string }>(`${c.url}/api/v1/ingest`, {
    token,
    body: { records },
  });
}

export async function query(c: RunningCollector, token: string, queries: WireQuery[]) {
  return http<WireQueryResponse>(`${c.url}/api/v1/query`, { token, body: { queries } });
}

/** Rows stored, wherever they live: daily partitions or kept tables (saved, imported). */
export async function countRows(c: RunningCollector, table: 'events' | 'quality_samples' | 'users'): Promise<number> {
  const from = table === 'users' ? table : `all_${table}`;
  const rows = await c.store.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM ${from}`);
  return rows[0].n;
}

/** The values of a frame's field, by name; fails naming the frame when the field is missing. */
export function col(f: DataFrameJSON, name: string): unknown[] {
  const i = f.schema.fields.findIndex((x) => x.name === name);
  assert.ok(i >= 0, `no field ${name} in ${f.schema.name} (${f.schema.fields.map((x) => x.name).join(', ')})`);
  return f.data.values[i];
}

/** What only PostgreSQL, V8 or Fastify would write: never part of an answer. */
export const INTERNAL_TEXT =
  /syntax for type|invalid input|unsupported Unicode|invalid byte sequence|Cannot read|is not a function|is not iterable|Maximum call stack|TypeError|RangeError|SyntaxError|Unexpected token|in JSON at|FST_ERR|relation "|column "|internal error:/;

/** A refusal in the collector's error shape: the status, the field it names, no internal text. */
export function assertRefused(res: HttpResult, status: number, field: string | RegExp): void {
  const body = res.body as { error?: unknown; code?: unknown; field?: unknown };
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(body)}`);
  assert.equal(typeof body?.error, 'string', `no error message in ${JSON.stringify(body)}`);
  assert.equal(typeof body.code, 'string', `no error code in ${JSON.stringify(body)}`);
  assert.doesNotMatch(body.error as string, INTERNAL_TEXT);
  if (typeof field === 'string') {
    assert.equal(body.field, field, `field of ${JSON.stringify(body)}`);
  } else {
    assert.match(String(body.field), field);
  }
}

/** One query with read-a, as the data source sends it; fails with the collector's error unless it answers 200. */
export async function askOk(
  c: RunningCollector,
  q: Record<string, unknown>,
  range: { from: number; to: number },
  maxDataPoints = 2000
): Promise<WireResult> {
  const wire: WireQuery = {
    refId: 'A',
    timeRange: range,
    maxDataPoints,
    intervalMs: 1,
    query: q as WireQuery['query'],
  };
  const r = (await query(c, 'read-a', [wire])).body.results.A;
  assert.equal(r.status, 200, r.error);
  return r;
}

/** A frame's rows as records keyed by field name; null values are left out. */
export function rowsOf(f: DataFrameJSON): Array<Record<string, unknown>> {
  return (f.data.values[0] ?? []).map((_, row) =>
    Object.fromEntries(
      f.schema.fields.flatMap((field, i) =>
        f.data.values[i][row] === null ? [] : [[field.name, f.data.values[i][row]]]
      )
    )
  );
}

/** Opens a request to ingest whose body arrives only when `finish` is called. */
export function slowIngest(c: RunningCollector, body: string): Promise<{ socket: Socket; finish: () => void }> {
  const u = new URL(c.url);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port), u.hostname, () => {
      socket.write(
        `POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ingest-a\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 1)}`
      );
      resolve({ socket, finish: () => socket.write(body.slice(1)) });
    });
  });
}
