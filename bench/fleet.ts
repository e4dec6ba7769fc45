// Fleet at a week's scale (issue 12, goal 3): a PostgreSQL store holding a week of a mid-size
// deployment (50 M quality samples by default: calls of 2 to 6 users, a sample every 5 s per
// stream, written through the collector's own batch write, rollups and all), then every
// provisioned alert rule's query, every fleet dashboard panel and the sessions search, timed
// through the collector over HTTP. Rewrites its own section of docs/benchmarks.md.
//   TEST_DATABASE_URL=<url> TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/fleet.ts [samples]
// FLEET_SCHEMA=<name> keeps the store in that schema and times an already loaded one again
// (loading 50 M samples takes most of an hour on 2 cores).
import { readFileSync } from 'node:fs';
import { writeBatch } from '../collector/src/ingest/writeBatch';
import type { IngestRecord } from '../collector/src/model/records';
import { generateSession } from '../collector/src/simulator/generate';
import { benchQuery, startBenchCollector } from './benchCollector';
import { writeBenchSection } from './benchDoc';
import { machine } from './collectorProcess';

const TARGET = Number(process.argv[2] ?? 50_000_000);
const DAY = 86_400_000;
const RUNS = 5;
/** What a dashboard panel asks: about one point per pixel of a wide panel. */
const PANEL_POINTS = 1000;
const WRITE_CHUNK = 5000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The fleet queries of the provisioned alert rules, with their look-back (s). */
function alertRules(): Array<{ title: string; lookBackS: number; query: Record<string, unknown> }> {
  const lines = readFileSync('provisioning/alerting/session-inspector-rules.yaml', 'utf8').split('\n');
  const rules: Array<{ title: string; lookBackS: number; query: Record<string, unknown> }> = [];
  let title = '';
  let from = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    title = /^\s+title: (.*)$/.exec(line)?.[1] ?? title;
    from = Number(/^\s+from: (\d+)$/.exec(line)?.[1] ?? from);
    if (/^\s+queryType: fleet$/.test(line)) {
      const indent = line.search(/\S/);
      const query: Record<string, unknown> = {};
      // The model's keys around queryType, at its indent: scalars only.
      let start = i;
      while (lines[start - 1].search(/\S/) === indent) {
        start--;
      }
      for (let j = start; j < lines.length && lines[j].search(/\S/) >= indent; j++) {
        const kv = /^\s+(\w+): ([^\s].*)$/.exec(lines[j]);
        if (kv && lines[j].search(/\S/) === indent && kv[1] !== 'datasource') {
          query[kv[1]] = /^\d+$/.test(kv[2]) ? Number(kv[2]) : kv[2];
        }
      }
      rules.push({ title, lookBackS: from, query });
    }
  }
  return rules;
}

/** The fleet and sessions queries of the provisioned dashboards' panels, for project `bench`. */
function dashboardPanels(): Array<{ title: string; query: Record<string, unknown> }> {
  return ['fleet-overview', 'failures'].flatMap((name) => {
    const d = JSON.parse(readFileSync(`dashboards/${name}.json`, 'utf8')) as {
      panels: Array<{ title: string; targets?: Array<Record<string, unknown>> }>;
    };
    return d.panels.flatMap((p) =>
      (p.targets ?? []).map((t) => {
        const { datasource: _ds, refId: _ref, ...query } = t;
        return { title: `${name}: ${p.title}`, query: { ...query, project: 'bench' } };
      })
    );
  });
}

/** A week of calls ending at `end`, written until `target` samples are stored. */
async function load(store: Parameters<typeof writeBatch>[0], target: number, end: number): Promise<number> {
  let samples = 0;
  let pending: IngestRecord[] = [];
  const t0 = performance.now();
  for (let i = 0; samples < target; i++) {
    const users = 2 + (i % 5);
    const s = generateSession(
      {
        sessionId: `fleet-${i}`,
        shape: users === 2 ? 'one-to-one' : 'multiparty',
        // Spread over the week, each over by `end`.
        start: end - 7 * DAY + ((i * 7_919_000) % (7 * DAY - 60 * 60_000)),
        meetings: 1,
        reuseGapMs: 0,
        minutes: 20 + (i % 4) * 10,
        users,
        sampleIntervalMs: 5000,
        trouble: 0.3,
      },
      i
    );
    pending.push(...s.records);
    samples += s.records.filter((r) => r.kind === 'quality').length;
    while (pending.length >= WRITE_CHUNK || (samples >= target && pending.length > 0)) {
      await writeBatch(store, 'bench', pending.slice(0, WRITE_CHUNK));
      pending = pending.slice(WRITE_CHUNK);
    }
    if (i % 200 === 0) {
      const s = (performance.now() - t0) / 1000;
      console.log(`${i} sessions, ${samples.toLocaleString('en-US')} samples, ${Math.round(samples / s)} samples/s`);
    }
  }
  return samples;
}

async function main() {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) {
    throw new Error('goal 3 is on PostgreSQL: TEST_DATABASE_URL=$(bash .ci/start-postgres.sh)');
  }
  const kept = process.env.FLEET_SCHEMA || undefined;
  const c = await startBenchCollector(databaseUrl, undefined, kept);
  try {
    const [{ n }] = await c.store.query<{ n: number }>('SELECT count(*)::float8 AS n FROM quality_samples');
    let loadS = 0;
    if (n < TARGET) {
      const t0 = performance.now();
      await load(c.store, TARGET - n, Date.now());
      loadS = (performance.now() - t0) / 1000;
      // What autovacuum does after a bulk load, done now so that no query races it on 2 cores.
      await c.store.query('VACUUM ANALYZE');
    }
    const [counts] = await c.store.query<{ samples: number; sessions: number; events: number; minutes: number }>(
      `SELECT (SELECT count(*) FROM quality_samples)::float8 AS samples, (SELECT count(*) FROM session_days)::float8 AS sessions,
         (SELECT count(*) FROM events)::float8 AS events, (SELECT count(*) FROM quality_minutes)::float8 AS minutes`
    );
    const [bytes] = await c.store.query<{ samples: number; minutes: number }>(
      `SELECT sum(pg_total_relation_size(i.inhrelid)) FILTER (WHERE p.relname = 'quality_samples')::float8 AS samples,
         sum(pg_total_relation_size(i.inhrelid)) FILTER (WHERE p.relname = 'quality_minutes')::float8 AS minutes
       FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace ns ON ns.oid = p.relnamespace
       WHERE ns.nspname = current_schema()`
    );
    // The newest data: alert rules and panels look back from it, as they would from "now".
    const [{ now }] = await c.store.query<{ now: number }>('SELECT max(ts)::float8 AS now FROM quality_samples');
    const rows: Array<[string, string, number, number]> = [];
    const time = async (kind: string, title: string, query: Record<string, unknown>, from: number, points: number) => {
      const times: number[] = [];
      let frames = 0;
      for (let i = 0; i < RUNS; i++) {
        const [r, ms] = await benchQuery(
          c,
          query,
          { from, to: now },
          {
            intervalMs: Math.max(1000, Math.floor((now - from) / points)),
            maxDataPoints: points,
          }
        );
        times.push(ms);
        frames = r.frames?.length ?? 0;
      }
      rows.push([kind, title, median(times), frames]);
      console.log(kind, title, Math.round(median(times)), 'ms', frames, 'frames');
    };
    for (const r of alertRules()) {
      await time(
        'alert rule',
        `${r.title} (last ${r.lookBackS} s)`,
        r.query,
        now - r.lookBackS * 1000,
        Number(r.query.maxDataPoints)
      );
    }
    for (const p of dashboardPanels()) {
      await time(
        p.query.queryType === 'sessions' ? 'sessions search' : 'dashboard panel',
        `${p.title} (6 h)`,
        p.query,
        now - 6 * 3_600_000,
        PANEL_POINTS
      );
    }
    await time(
      'sessions search',
      'Sessions page, the last 7 days (limit 50)',
      { queryType: 'sessions', limit: 50 },
      now - 7 * DAY,
      PANEL_POINTS
    );
    const goal = (kind: string) => (kind === 'sessions search' ? 200 : 1000);
    const section = writeBenchSection('fleet', [
      '',
      '## Fleet: a week of a mid-size deployment (issue 12, goal 3)',
      '',
      `Measured by \`TEST_DATABASE_URL=<url> TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/fleet.ts${process.argv[2] ? ` ${process.argv[2]}` : ''}\` ${machine()}.`,
      `PostgreSQL (the shared test server, a schema of its own). The store: ${counts.samples.toLocaleString('en-US')} quality samples, ${counts.events.toLocaleString('en-US')} events and ${counts.minutes.toLocaleString('en-US')} per-minute rollups of ${counts.sessions.toLocaleString('en-US')} session days: simulated calls of 2 to 6 users, 20 to 50 minutes each, spread over 7 days, a sample every 5 s per stream, written through the collector's batch write (\`writeBatch\`: samples, events and rollups in one transaction per 5,000 records)${loadS ? ` in ${Math.round(loadS / 60)} minutes (${Math.round(counts.samples / loadS).toLocaleString('en-US')} samples/s)` : ''}, then \`VACUUM ANALYZE\`.`,
      `On disk: ${Math.round(bytes.samples / counts.samples)} bytes per sample (partitions with indexes and TOAST), ${Math.round((bytes.samples + bytes.minutes) / counts.samples)} with the rollups.`,
      `Each query as Grafana sends it, through the collector over HTTP, looking back from the newest sample; median of ${RUNS}. Alert rules: their own look-back and \`maxDataPoints\`; dashboard panels: 6 hours (the dashboards' default) at ${PANEL_POINTS} points. Goal 3: every alert rule query and panel under 1 s, the sessions search under 200 ms.`,
      '',
      '| query | what | time | frames | goal |',
      '| --- | --- | ---: | ---: | ---: |',
      ...rows.map(
        ([kind, title, ms, frames]) =>
          `| ${kind} | ${title} | ${Math.round(ms)} ms | ${frames} | ${ms < goal(kind) ? 'met' : `**not met** (${goal(kind)} ms)`} |`
      ),
      '',
    ]);
    console.log(section);
  } finally {
    await c.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
