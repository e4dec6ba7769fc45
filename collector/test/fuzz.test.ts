import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { hashToken } from '../src/config/config';
import { FUZZ_ROUTES, VONAGE_SECRET, type FuzzRequest } from './fuzz/routes';
import { INTERNAL_TEXT, ingest, startTestCollector } from './helpers';

/**
 * Property-based fuzzing of every route (security finding 6 and acceptance point 2): whatever
 * a client sends, the collector answers below 500, refusals carry the error shape without
 * internal text, a refused write leaves every row count as it was, an accepted one adds exactly
 * what it says, and the collector keeps running. Seeded; `FUZZ_RUNS` cases per route (CI runs a
 * few hundred in all; `npm run fuzz -w collector` runs the long one, docs/security.md).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);

const TABLES = ['events', 'quality_samples', 'users', 'saved_sessions', 'saved_events', 'saved_quality_samples'];

async function rowCounts(c: RunningCollector): Promise<number[]> {
  const rows = await c.store.query<Record<string, number>>(
    `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})::float8 AS ${t}`).join(', ')}`
  );
  return TABLES.map((t) => rows[0][t]);
}

/** Origins a browser may send: ones the test ingest tokens allow, and others. */
const ORIGINS = ['https://app-a.example', 'https://app-b.example', 'https://evil.example', 'null'];
const ALLOWED_ORIGINS = ['https://app-a.example', 'https://app-b.example'];

async function send(
  c: RunningCollector,
  r: FuzzRequest,
  origin: string | null
): Promise<{ status: number; text: string; allowOrigin: string | null }> {
  const headers: Record<string, string> = { ...r.headers, ...(origin ? { origin } : {}) };
  if (r.token !== undefined) {
    headers.authorization = `Bearer ${r.token.replace(/[^\x20-\x7e]/g, '?')}`;
  }
  if (r.body !== undefined) {
    headers['content-type'] = r.contentType ?? 'application/json';
  }
  const res = await fetch(`${c.url}${r.path}`, { method: r.method, headers, body: r.body });
  return { status: res.status, text: await res.text(), allowOrigin: res.headers.get('access-control-allow-origin') };
}

const stats = { cases: 0, byStatus: new Map<number, number>() };

describe(`fuzz: every route, ${RUNS} cases each, seed ${SEED} (security finding 6, acceptance 2)`, () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector({}, [
      { project: 'proj-a', vonageProjectId: '123456', callbackSecretSha256: hashToken(VONAGE_SECRET) },
    ]);
    const s = new SessionBuilder('fz-1')
      .user('u1', T0, 's1')
      .user('u2', T0 + 1000)
      .subscribe('u2', 's1', T0 + 2000);
    assert.equal((await ingest(c, 'ingest-a', s.records())).status, 200);
  });
  after(async () => {
    const health = await fetch(`${c.url}/healthz`);
    assert.equal(health.status, 200, 'the collector still answers after the fuzzing');
    const memory = Math.round(process.memoryUsage().rss / 1024 / 1024);
    const statuses = [...stats.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
    console.log(`fuzz: ${stats.cases} cases, statuses {${statuses.join(', ')}}, 0 5xx, process RSS ${memory} MiB`);
    await c.close();
  });

  for (const [name, requests] of FUZZ_ROUTES) {
    test(name, async () => {
      await fc.assert(
        fc.asyncProperty(requests, fc.option(fc.constantFrom(...ORIGINS)), async (r, origin) => {
          const before = r.writes ? await rowCounts(c) : [];
          const { status, text, allowOrigin } = await send(c, r, origin);
          stats.cases++;
          stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
          assert.ok(status < 500, `${r.method} ${r.path.slice(0, 200)}: ${status} ${text.slice(0, 300)}`);
          // CORS only on ingest, and only for an origin some ingest token lists (finding 10).
          const ingestRoute = r.path.split('?')[0] === '/api/v1/ingest';
          const corsAllowed = ingestRoute && origin !== null && ALLOWED_ORIGINS.includes(origin);
          assert.equal(
            allowOrigin,
            corsAllowed ? origin : null,
            `CORS on ${r.method} ${r.path.slice(0, 100)} from ${origin}`
          );
          const body = text ? JSON.parse(text) : null;
          if (status >= 400) {
            assert.equal(typeof body?.error, 'string', `${status} without an error message: ${text.slice(0, 300)}`);
            assert.equal(typeof body.code, 'string', `${status} without an error code: ${text.slice(0, 300)}`);
            assert.doesNotMatch(body.error, INTERNAL_TEXT);
          }
          if (!r.writes) {
            return;
          }
          const after = await rowCounts(c);
          if (status >= 400) {
            assert.deepEqual(after, before, `a refused ${r.method} ${r.path.slice(0, 100)} (${status}) changed rows`);
          } else if (typeof body?.accepted === 'number') {
            // Ingest writes the daily tables, imports the kept ones (indexes 4 and 5).
            const telemetry = (n: number[]) => n[0] + n[1] + n[4] + n[5];
            const added = telemetry(after) - telemetry(before);
            assert.equal(added, body.accepted, `${r.path}: ${body.accepted} accepted, ${added} rows added`);
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true }
      );
    });
  }
});
