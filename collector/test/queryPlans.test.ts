import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ALL_QUERY_TYPES, QUERY_DESCRIPTORS, VARIABLE_KINDS, type QueryType, type WireQuery } from '@model';
import { writeBatch } from '../src/ingest/writeBatch';
import { runQueries } from '../src/query/runQueries';
import { openStore } from '../src/store/openStore';
import { DAY_MS, dayStart, ensurePartitions, partitionName } from '../src/store/partitions';
import { TROUBLE_SAMPLE, upsertMinutes } from '../src/store/qualityMinutes';
import type { SqlParam, Store } from '../src/store/store';
import { SessionBuilder, T0 } from './fixtures';
import { testConfig } from './helpers';

/**
 * Goal 7 of issue 12 (docs/scaling.md): every per-session query's SQL, as the handlers send it,
 * goes through EXPLAIN over a store partitioned by day with five days of other sessions' rows,
 * and may touch only the partitions of the days its session spans, each through the
 * (project, session_id, ...) indexes, never by a sequential scan.
 */
const DAYS = [-2, -1, 0, 1, 2].map((d) => dayStart(T0) + d * DAY_MS);
const SESSION = 'sess-plan';
const RANGE = { from: DAYS[0], to: DAYS[4] + DAY_MS - 1 };

/** Every query of a session: each type whose descriptor needs one, with the options that change its SQL. */
const QUERIES: Array<WireQuery['query']> = [
  { queryType: 'meetings', sessionId: SESSION },
  { queryType: 'summary', sessionId: SESSION },
  { queryType: 'users', sessionId: SESSION },
  { queryType: 'errors', sessionId: SESSION },
  { queryType: 'failureRates', sessionId: SESSION },
  { queryType: 'events', sessionId: SESSION, textFilter: '-attempt' },
  { queryType: 'quality', sessionId: SESSION },
  { queryType: 'quality', sessionId: SESSION, meetingId: 'm1', userId: 'alice', media: 'video' },
  { queryType: 'quality', sessionId: SESSION, role: 'publisher', sip: false },
  { queryType: 'largeSession', sessionId: SESSION },
  { queryType: 'annotations', sessionId: SESSION },
  { queryType: 'variables', variable: 'meetings', sessionId: SESSION },
  { queryType: 'variables', variable: 'users', sessionId: SESSION },
  { queryType: 'variables', variable: 'streams', sessionId: SESSION },
  { queryType: 'issues', sessionId: SESSION },
  { queryType: 'attribution', sessionId: SESSION },
  { queryType: 'scores', sessionId: SESSION },
  { queryType: 'repro', sessionId: SESSION },
];

/** The query types that never read one session (they search or aggregate the fleet). */
// baseline compares the session with the project's 7 days before it: a fan-out by design.
const ACROSS_SESSIONS: QueryType[] = ['sessions', 'fleet', 'baseline'];

function targetSession() {
  const t = T0 + 3_600_000;
  const s = new SessionBuilder(SESSION)
    .user('alice', t, 'st-alice')
    .user('bob', t + 1000, 'st-bob')
    .subscribe('bob', 'st-alice', t + 2000)
    .subscribe('alice', 'st-bob', t + 2500, false);
  for (let i = 0; i < 30; i++) {
    const ts = t + 10_000 * (i + 1);
    s.sample({
      ts,
      clientId: 'alice',
      streamId: 'st-alice',
      role: 'publisher',
      media: 'video',
      lossPct: 1,
      bitrateKbps: 900,
    });
    s.sample({
      ts,
      clientId: 'bob',
      streamId: 'st-alice',
      subscriberId: 'bob-sub-st-alice',
      role: 'subscriber',
      media: 'video',
      lossPct: 2,
      bitrateKbps: 800,
    });
  }
  for (const clientId of ['alice', 'bob']) {
    s.event({ ts: t + 400_000, action: 'disconnect', clientId, connectionId: `${clientId}-conn` });
  }
  return s.records();
}

/**
 * Other sessions' rows, every day: 40 sessions a day, 800 samples and 200 events each, in
 * the daily partitions and (as imports are) in the kept tables.
 */
async function otherSessions(store: Store): Promise<void> {
  for (const day of DAYS) {
    await store.tx(async (q) => {
      await ensurePartitions(q, 'events', [day]);
      await ensurePartitions(q, 'quality_samples', [day]);
      await ensurePartitions(q, 'quality_minutes', [day]);
    });
  }
  for (const [table, days] of [
    ['', DAYS],
    ['saved_', [DAYS[1]]],
  ] as const) {
    for (const day of days) {
      await store.query(
        `INSERT INTO ${table}quality_samples (project, session_id, id, ts, received_at, client_id, connection_id, stream_id, role, media, loss_pct, bitrate_kbps)
         SELECT 'proj-a', 'other-' || $1::text || '-' || (g % 40), 'q' || g, $2::bigint + g * 100, $2::bigint, 'c' || (g % 400), 'conn' || (g % 400), 'st' || (g % 400), 'subscriber', 'video', 1, 500
         FROM generate_series(1, 32000) g`,
        [`${table}${day}`, day]
      );
      await store.query(
        `INSERT INTO ${table}events (project, session_id, id, ts, received_at, action, variation, client_id, connection_id, stream_id)
         SELECT 'proj-a', 'other-' || $1::text || '-' || (g % 40), 'e' || g, $2::bigint + g * 400, $2::bigint, 'publish', 'success', 'c' || (g % 400), 'conn' || (g % 400), 'st' || (g % 400)
         FROM generate_series(1, 8000) g`,
        [`${table}${day}`, day]
      );
    }
  }
  for (const prefix of ['', 'saved_']) {
    await store.query(upsertMinutes(`${prefix}quality_minutes`, `${prefix}quality_samples`));
  }
  // This store's tables only: a database-wide ANALYZE also read every other store on the server
  // (the suite's other schemas, a developer's benchmark stores).
  const tables = await store.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`
  );
  await store.query(`ANALYZE ${tables.map((t) => t.name).join(', ')}`);
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Plans?: PlanNode[];
}

function scans(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  if (node['Relation Name']) {
    out.push(node);
  }
  for (const child of node.Plans ?? []) {
    scans(child, out);
  }
  return out;
}

/** The telemetry tables: the daily partitions and the kept (saved, imported) copies. */
const TELEMETRY = /^(saved_)?(events|quality_samples|quality_minutes)(_d\d{8})?$/;

describe('query plans of per-session queries over a partitioned store', () => {
  let store: Store;
  const statements: Array<{ queryType: string; sql: string; params: SqlParam[] }> = [];

  before(async () => {
    const config = testConfig();
    store = await openStore(config);
    await otherSessions(store);
    await writeBatch(store, 'proj-a', targetSession());
    let current = '';
    const recording: Store = {
      kind: store.kind,
      query: (sql, params) => {
        statements.push({ queryType: current, sql, params: params ?? [] });
        return store.query(sql, params);
      },
      tx: (fn) => store.tx(fn),
      close: () => store.close(),
    };
    for (const query of QUERIES) {
      current = query.variable ? `${query.queryType} ${query.variable}` : query.queryType;
      const { results } = await runQueries(recording, config, ['proj-a'], {
        queries: [{ refId: 'A', timeRange: RANGE, maxDataPoints: 100, intervalMs: 1000, query }],
      });
      assert.equal(results.A.status, 200, `${current}: ${results.A.error}`);
      assert.ok((results.A.frames ?? []).length > 0, `${current} answered no frame (${JSON.stringify(query)})`);
    }
  });
  after(async () => store.close());

  test('every query type that can read one session is covered, every session variable too', () => {
    assert.deepEqual(
      [...new Set(QUERIES.map((q) => q.queryType))].sort(),
      ALL_QUERY_TYPES.filter((t) => !ACROSS_SESSIONS.includes(t)).sort()
    );
    assert.deepEqual(
      QUERIES.filter((q) => q.variable).map((q) => q.variable),
      VARIABLE_KINDS.filter((variable) => QUERY_DESCRIPTORS.variables.needsSession({ variable }))
    );
  });

  test('each statement on telemetry reads only its session day, through the session indexes', async () => {
    const telemetry = statements.filter((s) => /\b(all_)?(events|quality_samples|quality_minutes)\b/.test(s.sql));
    assert.ok(telemetry.length >= QUERIES.length, `only ${telemetry.length} statements read telemetry`);
    const sessionDay = dayStart(T0 + 3_600_000);
    const allowed = new Set([
      partitionName('events', sessionDay),
      partitionName('quality_samples', sessionDay),
      partitionName('quality_minutes', sessionDay),
      'saved_events',
      'saved_quality_samples',
      'saved_quality_minutes',
    ]);
    const problems: string[] = [];
    const partialIndexes = new Set(
      (
        await store.query<{ name: string }>(
          `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
           WHERE i.indpred IS NOT NULL`
        )
      ).map((r) => r.name)
    );
    for (const s of telemetry) {
      const [row] = await store.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${s.sql}`, s.params);
      const raw = row['QUERY PLAN'];
      const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
      const read = scans(plan[0].Plan).filter((n) => TELEMETRY.test(n['Relation Name']!));
      assert.ok(read.length > 0, `${s.queryType}: no telemetry table in the plan of ${s.sql}`);
      for (const n of read) {
        const name = n['Relation Name']!;
        const cond = `${n['Index Cond'] ?? ''} ${n['Recheck Cond'] ?? ''}`;
        if (!allowed.has(name)) {
          problems.push(`${s.queryType}: reads ${name}, a day the session does not span`);
        }
        // The partial index of troubled samples is small enough that the planner may range over
        // the project's in it and filter the session after.
        const partial = partialIndexes.has(n['Index Name'] ?? '');
        if (!/Index|Bitmap Heap/.test(n['Node Type']) || (!partial && !/session_id/.test(cond))) {
          problems.push(
            `${s.queryType}: ${n['Node Type']} ${n['Index Name'] ?? ''} of ${name} (${cond.trim() || 'no index condition'})`
          );
        }
      }
    }
    assert.deepEqual([...new Set(problems)], []);
  });

  test("issue detection reads a session's troubled samples through the partial index of them", async () => {
    const candidates = statements.filter((s) => s.sql.includes(TROUBLE_SAMPLE));
    assert.ok(candidates.length > 0, 'no statement asked for the samples that may break a threshold');
    for (const s of candidates) {
      const [row] = await store.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${s.sql}`, s.params);
      const raw = row['QUERY PLAN'];
      const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
      const indexes = scans(plan[0].Plan)
        .filter((n) => /quality_samples/.test(n['Relation Name']!))
        .map((n) => n['Index Name'] ?? `${n['Node Type']} of ${n['Relation Name']}`);
      assert.ok(indexes.length > 0);
      const partial = await store.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
         WHERE c.relname = ANY($1::text[]) AND i.indpred IS NOT NULL`,
        [indexes]
      );
      assert.deepEqual(partial.map((r) => r.name).sort(), [...new Set(indexes)].sort(), `${s.queryType}: ${indexes}`);
    }
  });
});
