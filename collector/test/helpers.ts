import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { DataFrameJSON, WireQuery, WireQueryResponse, WireResult } from '@model';
import { storedTokens, type CollectorConfig, type TokenSpec } from '../src/config/config';
import type { IngestRecord } from '../src/model/records';
import { startServer, type RunningCollector } from '../src/server';

/**
 * Tokens every test collector accepts: projects A and B, each with its own ingest and read token;
 * browsers on https://app-a.example may send with ingest-a, on https://app-b.example with ingest-b.
 */
export const TOKENS: TokenSpec[] = [
  { token: 'ingest-a', kind: 'ingest', project: 'proj-a', origins: ['https://app-a.example'] },
  { token: 'ingest-b', kind: 'ingest', project: 'proj-b', origins: ['https://app-b.example'] },
  { token: 'read-a', kind: 'read', projects: ['proj-a'] },
  { token: 'read-b', kind: 'read', projects: ['proj-b'] },
  { token: 'read-ab', kind: 'read', projects: ['proj-a', 'proj-b'] },
  { token: 'admin-1', kind: 'admin' },
];

/** The store the suite runs on: PostgreSQL when TEST_DATABASE_URL is set, PGlite otherwise. */
export function testConfig(overrides: Partial<CollectorConfig> = {}): CollectorConfig {
  const databaseUrl = process.env.TEST_DATABASE_URL || undefined;
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
    schema: databaseUrl ? `si_test_${randomBytes(6).toString('hex')}` : undefined,
    ...overrides,
  };
}

export async function startTestCollector(overrides: Partial<CollectorConfig> = {}): Promise<RunningCollector> {
  return startServer(testConfig(overrides));
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

export async function countRows(c: RunningCollector, table: 'events' | 'quality_samples' | 'users'): Promise<number> {
  const rows = await c.store.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM ${table}`);
  return rows[0].n;
}

/** The values of a frame's field, by name; fails naming the frame when the field is missing. */
export function col(f: DataFrameJSON, name: string): unknown[] {
  const i = f.schema.fields.findIndex((x) => x.name === name);
  assert.ok(i >= 0, `no field ${name} in ${f.schema.name} (${f.schema.fields.map((x) => x.name).join(', ')})`);
  return f.data.values[i];
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
