// Ingest throughput (issue 12, goal 2): HTTP ingest through a collector process into PostgreSQL
// with fsync on, beside a raw COPY of the same rows into the same tables and beside the
// collector's own batch write without HTTP, 1 and 4 clients, then HTTP ingest into PGlite.
// Starts its own PostgreSQL cluster (fsync on, synchronous_commit on) and removes it afterwards.
//   TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/ingest.ts
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { sourceCode } from '@model';
import { writeBatch } from '../collector/src/ingest/writeBatch';
import type { EventRecord, IngestRecord, QualitySampleRecord } from '../collector/src/model/records';
import { generateSession } from '../collector/src/simulator/generate';
import { openStore } from '../collector/src/store/openStore';
import { ensurePartitions } from '../collector/src/store/partitions';
import { writeBenchSection } from './benchDoc';
import { inSchema, machine, startCollector } from './collectorProcess';

const PGBIN = process.env.PGBIN ?? '/usr/lib/postgresql/15/bin';
const PORT = Number(process.env.BENCH_PG_PORT ?? 54341);
const BATCH = 1000;
const START = Date.UTC(2026, 10, 30, 10, 0, 0);
const USERS = Number(process.env.BENCH_USERS ?? 301);

const pg = (tool: string, args: string[]) => {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', join(PGBIN, tool), ...args], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${tool} failed: ${r.stderr}`);
  }
};

/** A PostgreSQL 15 cluster of the bench's own, with durable commits (the shared test one has fsync off). */
function startCluster() {
  const dir = mkdtempSync(join(os.tmpdir(), 'si-bench-pg-'));
  spawnSync('chown', ['postgres:postgres', dir]);
  pg('initdb', ['-D', dir, '-U', 'postgres', '-A', 'trust']);
  pg('pg_ctl', [
    '-D',
    dir,
    '-o',
    `-p ${PORT} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c full_page_writes=on`,
    '-l',
    `${dir}/log`,
    '-w',
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${PORT}/postgres`,
    stop() {
      pg('pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const EVENT_COLUMNS =
  'project, session_id, id, ts, received_at, action, variation, client_id, connection_id, stream_id, subscriber_id, code, message, reason, stream, detail, source';
const QUALITY_COLUMNS =
  'project, session_id, id, ts, received_at, client_id, connection_id, stream_id, subscriber_id, role, media, bitrate_kbps, packets, packets_lost, loss_pct, rtt_ms, jitter_ms, frame_rate, width, height, source';

const csv = (v: unknown): string => {
  if (v === undefined || v === null) {
    return '';
  }
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The rows the collector stores for these records, as CSV (the same values writeBatch writes). */
function csvOf(records: IngestRecord[], now: number): { events: string; quality: string } {
  const events: string[] = [];
  const quality: string[] = [];
  for (const r of records) {
    if (r.kind === 'event') {
      const e = r as EventRecord;
      events.push(
        [
          'bench',
          e.sessionId,
          e.id,
          Math.round(e.ts),
          now,
          e.action,
          e.variation,
          e.clientId,
          e.connectionId,
          e.streamId,
          e.subscriberId,
          e.code,
          e.message,
          e.reason,
          e.stream,
          e.detail,
          sourceCode(e.source ?? 'sdk'),
        ]
          .map(csv)
          .join(',')
      );
    } else {
      const s = r as QualitySampleRecord;
      quality.push(
        [
          'bench',
          s.sessionId,
          s.id,
          Math.round(s.ts),
          now,
          s.clientId,
          s.connectionId,
          s.streamId,
          s.subscriberId,
          s.role,
          s.media,
          s.bitrateKbps,
          s.packets,
          s.packetsLost,
          s.lossPct,
          s.rttMs,
          s.jitterMs,
          s.frameRate,
          s.width,
          s.height,
          sourceCode(s.source ?? 'sdk'),
        ]
          .map(csv)
          .join(',')
      );
    }
  }
  const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
  return { events: text(events), quality: text(quality) };
}

function psqlCopy(url: string, table: string, columns: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(PGBIN, 'psql'), [
      url,
      '-v',
      'ON_ERROR_STOP=1',
      '-q',
      '-c',
      `\\copy ${table} (${columns}) FROM pstdin WITH (FORMAT csv)`,
    ]);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql copy: ${err}`))));
    child.stdin.end(data);
  });
}

/** A fresh schema on the bench cluster, migrated, with the partitions of the records' days. */
async function freshSchema(url: string, records: IngestRecord[], name: string) {
  const admin = new Pool({ connectionString: url, max: 1 });
  await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  await admin.query(`CREATE SCHEMA ${name}`);
  const store = await openStore({ databaseUrl: url, dataDir: '', schema: name });
  await store.tx(async (q) => {
    await ensurePartitions(
      q,
      'events',
      records.filter((r) => r.kind === 'event').map((r) => r.ts)
    );
    const sampleTimes = records.filter((r) => r.kind === 'quality').map((r) => r.ts);
    await ensurePartitions(q, 'quality_samples', sampleTimes);
    await ensurePartitions(q, 'quality_minutes', sampleTimes);
  });
  return {
    store,
    async rows(): Promise<number> {
      const [r] = await store.query<{ n: number }>(
        'SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM quality_samples) AS n'
      );
      return Number(r.n);
    },
    /**
     * Bytes on disk (heap, indexes, TOAST) per sample after VACUUM: the samples' partitions, and
     * with them their per-minute rollups.
     */
    async bytesPerSample(): Promise<{ samples: number; withRollups: number }> {
      await store.query('VACUUM ANALYZE quality_samples');
      await store.query('VACUUM ANALYZE quality_minutes');
      const size = (table: string) =>
        `(SELECT sum(pg_total_relation_size(i.inhrelid)) FROM pg_inherits i WHERE i.inhparent = '${table}'::regclass)::float8`;
      const [r] = await store.query<{ samples: number; minutes: number; n: number }>(
        `SELECT ${size('quality_samples')} AS samples, ${size('quality_minutes')} AS minutes,
           (SELECT count(*) FROM quality_samples)::float8 AS n`
      );
      return { samples: r.samples / r.n, withRollups: (r.samples + r.minutes) / r.n };
    },
    async drop() {
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await admin.end();
    },
  };
}

/** Runs `work(part)` for `clients` parts at once: each client takes the next part when free. */
async function concurrently<T>(parts: T[], clients: number, work: (part: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < parts.length) {
        await work(parts[next++]);
      }
    })
  );
}

/** One ingest request; the rows the collector says it committed. */
async function post(url: string, body: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: 'Bearer bench-ingest', 'content-type': 'application/json' },
    body,
  });
  if (!res.ok) {
    throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  }
  return ((await res.json()) as { accepted: number }).accepted;
}

interface Figure {
  rowsPerS: number;
  load: number;
}

async function timed(expected: number, rows: () => Promise<number>, run: () => Promise<void>): Promise<Figure> {
  const t = performance.now();
  await run();
  const seconds = (performance.now() - t) / 1000;
  const stored = await rows();
  if (stored !== expected) {
    throw new Error(`stored ${stored} rows, expected ${expected}`);
  }
  return { rowsPerS: expected / seconds, load: os.loadavg()[0] };
}

async function main() {
  const { records } = generateSession(
    {
      sessionId: 'bench-ingest',
      shape: 'broadcast',
      start: START,
      meetings: 1,
      reuseGapMs: 0,
      minutes: 60,
      users: USERS,
      sampleIntervalMs: 10_000,
      trouble: 0,
    },
    7
  );
  const samples = records.filter((r) => r.kind === 'quality').length;
  const batches: IngestRecord[][] = [];
  for (let i = 0; i < records.length; i += BATCH) {
    batches.push(records.slice(i, i + BATCH));
  }
  const bodies = batches.map((b) => JSON.stringify({ records: b }));
  const cluster = startCluster();
  const figures = new Map<string, Figure>();
  let bytesPerSample = { samples: 0, withRollups: 0 };
  const show = (key: string, f: Figure) => {
    figures.set(key, f);
    console.error(`${key}: ${Math.round(f.rowsPerS)} rows/s (load ${f.load.toFixed(1)})`);
  };
  try {
    for (const clients of [1, 4]) {
      {
        const s = await freshSchema(cluster.url, records, 'bench_copy');
        const parts = Array.from({ length: clients }, (_, i) =>
          csvOf(batches.filter((_, b) => b % clients === i).flat(), START)
        );
        const url = inSchema(cluster.url, 'bench_copy');
        show(
          `copy ${clients}`,
          await timed(records.length, s.rows, () =>
            concurrently(parts, clients, async (p) => {
              for (const [table, columns, data] of [
                ['events', EVENT_COLUMNS, p.events],
                ['quality_samples', QUALITY_COLUMNS, p.quality],
              ]) {
                if (data) {
                  await psqlCopy(url, table, columns, data);
                }
              }
            })
          )
        );
        await s.drop();
      }
      {
        const s = await freshSchema(cluster.url, records, 'bench_http');
        const c = await startCollector({ DATABASE_URL: inSchema(cluster.url, 'bench_http') });
        try {
          show(
            `http ${clients}`,
            await timed(records.length, s.rows, () =>
              concurrently(bodies, clients, async (body) => {
                await post(c.url, body);
              })
            )
          );
        } finally {
          await c.stop();
        }
        bytesPerSample = await s.bytesPerSample();
        await s.drop();
      }
      {
        const s = await freshSchema(cluster.url, records, 'bench_write');
        show(
          `write ${clients}`,
          await timed(records.length, s.rows, () =>
            concurrently(batches, clients, async (b) => {
              await writeBatch(s.store, 'bench', b);
            })
          )
        );
        await s.drop();
      }
    }
  } finally {
    cluster.stop();
  }
  for (const clients of [1, 4]) {
    const dir = mkdtempSync(join(os.tmpdir(), 'si-bench-pglite-'));
    const c = await startCollector({ DATA_DIR: dir });
    let accepted = 0;
    try {
      // PGlite is the collector's own: its answers count the rows it committed.
      show(
        `pglite ${clients}`,
        await timed(
          records.length,
          async () => accepted,
          () =>
            concurrently(bodies, clients, async (body) => {
              const n = await post(c.url, body);
              accepted += n;
            })
        )
      );
    } finally {
      await c.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const f = (key: string) => figures.get(key)!;
  const rate = (key: string) => `${Math.round(f(key).rowsPerS).toLocaleString('en-US')}`;
  const ratio = (key: string, anchor: string) => (f(key).rowsPerS / f(anchor).rowsPerS).toFixed(2);
  const lines = [
    '## Ingest throughput against a raw COPY (issue 12, goal 2)',
    '',
    `Measured by \`TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/ingest.ts\` ${machine()}.`,
    `The bench's own PostgreSQL 15 cluster with \`fsync=on\`, \`synchronous_commit=on\` (started and removed by the bench). One simulated broadcast of ${USERS} users for 60 minutes, a sample every 10 s: ${records.length.toLocaleString('en-US')} rows (${samples.toLocaleString('en-US')} quality samples, ${(records.length - samples).toLocaleString('en-US')} events), sent in batches of ${BATCH}.`,
    'Each row is one run into a fresh schema with the days\' partitions already made, timed until the last row is committed, the row count checked after. "COPY": `psql \\copy` of the same rows (CSV, the same column values) into the same tables, each client its share. "HTTP": `POST /api/v1/ingest` to a `collector serve` process (validation, the batch write, the JSON answer). "Batch write": the collector\'s `writeBatch` called in-process with already-validated records (no HTTP, no validation). PGlite: HTTP ingest into a `collector serve` on a fresh PGlite directory. Load is the 1-minute load average when the row finished (2 cores shared with other work).',
    '',
    '| clients | COPY rows/s | HTTP rows/s | HTTP / COPY | batch write rows/s | batch write / COPY | PGlite HTTP rows/s | PGlite / PostgreSQL COPY (1 client) | load |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...[1, 4].map(
      (n) =>
        `| ${n} | ${rate(`copy ${n}`)} | ${rate(`http ${n}`)} | ${ratio(`http ${n}`, `copy ${n}`)} | ${rate(`write ${n}`)} | ${ratio(`write ${n}`, `copy ${n}`)} | ${rate(`pglite ${n}`)} | ${ratio(`pglite ${n}`, 'copy 1')} | ${[`copy ${n}`, `http ${n}`, `write ${n}`, `pglite ${n}`].map((k) => f(k).load.toFixed(1)).join(' / ')} |`
    ),
  ];
  lines.push(
    '',
    `Storage (goal 4): after the 4-client HTTP run, the quality samples' partitions (heap, indexes, TOAST, after \`VACUUM\`) take ${Math.round(bytesPerSample.samples)} bytes per sample on PostgreSQL, ${Math.round(bytesPerSample.withRollups)} with their per-minute rollups.`
  );
  console.log(writeBenchSection('ingest', lines));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
