import { createPartition, dayStart, sampleOnce } from './partitions';
import { MINUTES_TABLE_SQL, TROUBLE_SAMPLE, upsertMinutes } from './qualityMinutes';
import { FILL_SESSION_TOTALS, SESSION_TOTALS_TABLE_SQL } from './sessionTotals';
import type { Queryable, Store } from './store';

/**
 * Versioned schema. Every table carries project and session_id (the distribution key on
 * Citus); raw telemetry is RANGE-partitioned by day on the client timestamp (epoch ms) so
 * retention is a partition drop. Partitions are created on demand at ingest (partitions.ts).
 */
interface Migration {
  version: number;
  name: string;
  sql: string;
  /** What SQL alone cannot say, run after it in the same transaction (data of every partition). */
  then?: (q: Queryable) => Promise<void>;
}

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'events, quality samples, users',
    sql: `
      CREATE TABLE events (
        project text NOT NULL,
        session_id text NOT NULL,
        id text NOT NULL,
        ts bigint NOT NULL,
        received_at bigint NOT NULL,
        action text NOT NULL,
        variation text,
        client_id text NOT NULL,
        connection_id text,
        stream_id text,
        subscriber_id text,
        code text,
        message text,
        reason text,
        stream jsonb,
        detail jsonb,
        PRIMARY KEY (project, session_id, id, ts)
      ) PARTITION BY RANGE (ts);
      CREATE INDEX events_session_ts ON events (project, session_id, ts);

      CREATE TABLE quality_samples (
        project text NOT NULL,
        session_id text NOT NULL,
        id text NOT NULL,
        ts bigint NOT NULL,
        received_at bigint NOT NULL,
        client_id text NOT NULL,
        connection_id text NOT NULL,
        stream_id text NOT NULL,
        subscriber_id text,
        role text NOT NULL,
        media text NOT NULL,
        bitrate_kbps double precision,
        packets double precision,
        packets_lost double precision,
        loss_pct double precision,
        rtt_ms double precision,
        jitter_ms double precision,
        frame_rate double precision,
        width integer,
        height integer,
        PRIMARY KEY (project, session_id, id, ts)
      ) PARTITION BY RANGE (ts);
      CREATE INDEX quality_session_ts ON quality_samples (project, session_id, ts);

      CREATE TABLE users (
        project text NOT NULL,
        session_id text NOT NULL,
        client_id text NOT NULL,
        sdk text,
        browser text,
        browser_version text,
        os text,
        device text,
        country text,
        city text,
        sip boolean NOT NULL DEFAULT false,
        first_seen bigint NOT NULL,
        PRIMARY KEY (project, session_id, client_id)
      );
    `,
  },
  {
    version: 2,
    name: 'saved sessions, their kept copies, and views over live and kept data',
    sql: `
      CREATE TABLE saved_sessions (
        project text NOT NULL,
        session_id text NOT NULL,
        name text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        saved_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        saved_by text,
        PRIMARY KEY (project, session_id)
      );
      CREATE TABLE saved_events (LIKE events INCLUDING DEFAULTS);
      ALTER TABLE saved_events ADD PRIMARY KEY (project, session_id, id, ts);
      CREATE TABLE saved_quality_samples (LIKE quality_samples INCLUDING DEFAULTS);
      ALTER TABLE saved_quality_samples ADD PRIMARY KEY (project, session_id, id, ts);
      CREATE VIEW all_events AS SELECT * FROM events UNION ALL SELECT * FROM saved_events;
      CREATE VIEW all_quality_samples AS SELECT * FROM quality_samples UNION ALL SELECT * FROM saved_quality_samples
    `,
  },
  {
    version: 3,
    name: 'imported sessions: retention counted from the import',
    sql: `
      CREATE TABLE imports (
        project text NOT NULL,
        session_id text NOT NULL,
        imported_at bigint NOT NULL,
        PRIMARY KEY (project, session_id)
      );
      CREATE INDEX imports_imported_at ON imports (project, imported_at)
    `,
  },
  {
    version: 4,
    name: 'per-record source (src/model/sources.ts)',
    // A smallint: the position in RECORD_SOURCES (0 = sdk, what every earlier record came in as).
    // Added last, so partitions, kept copies and the views keep one column order.
    sql: `
      ALTER TABLE events ADD COLUMN source smallint NOT NULL DEFAULT 0;
      ALTER TABLE quality_samples ADD COLUMN source smallint NOT NULL DEFAULT 0;
      ALTER TABLE saved_events ADD COLUMN source smallint NOT NULL DEFAULT 0;
      ALTER TABLE saved_quality_samples ADD COLUMN source smallint NOT NULL DEFAULT 0;
      CREATE OR REPLACE VIEW all_events AS SELECT * FROM events UNION ALL SELECT * FROM saved_events;
      CREATE OR REPLACE VIEW all_quality_samples AS SELECT * FROM quality_samples UNION ALL SELECT * FROM saved_quality_samples
    `,
  },
  {
    version: 5,
    name: 'quality samples: codec, quality limitation reason, freezes (issue tags and scores)',
    // Added last and in the same order to the samples and their kept copies, so `SELECT *` of
    // both keeps one column order (the view, and the purge's copy of a partition).
    sql: `
      ALTER TABLE quality_samples ADD COLUMN codec text, ADD COLUMN limitation text, ADD COLUMN freezes double precision;
      ALTER TABLE saved_quality_samples ADD COLUMN codec text, ADD COLUMN limitation text, ADD COLUMN freezes double precision;
      CREATE OR REPLACE VIEW all_quality_samples AS SELECT * FROM quality_samples UNION ALL SELECT * FROM saved_quality_samples
    `,
  },
  {
    version: 6,
    name: 'the days each session has rows in (query/shared/sessionDays.ts)',
    // Written at ingest with ON CONFLICT DO NOTHING (no row lock, so concurrent batches of one
    // session never wait on each other); per-session reads bound their time range with it so
    // the planner prunes every other day's partitions.
    sql: `
      CREATE TABLE session_days (
        project text NOT NULL,
        session_id text NOT NULL,
        day bigint NOT NULL,
        PRIMARY KEY (project, session_id, day)
      );
      INSERT INTO session_days (project, session_id, day)
      SELECT project, session_id, ts - ts % 86400000 FROM all_events
      UNION SELECT project, session_id, ts - ts % 86400000 FROM all_quality_samples
    `,
  },
  {
    version: 7,
    name: "a connection's user: its connect events and Vonage records by connection (ingest/connectionUsers.ts)",
    // Every batch with connections looks their user up (BEST_STORED). Without this index that
    // read scans the session's events, or with PGlite's stale statistics (it has no
    // autovacuum) the project's: 14 ms at 10,000 events against 2 ms. Partial, so SDK samples
    // and events other than connects cost ingest nothing. Sources 1 and 2 are the Vonage
    // callbacks and Insights (model/sources.ts).
    sql: `
      CREATE INDEX events_connection_user ON events (project, session_id, connection_id)
        WHERE action = 'connect' OR source IN (1, 2)
    `,
  },
  {
    version: 8,
    name: 'an index of the samples that may break a threshold (issue 12)',
    sql: `
      CREATE INDEX quality_trouble ON quality_samples (project, session_id, ts) WHERE ${TROUBLE_SAMPLE};
      CREATE INDEX saved_quality_trouble ON saved_quality_samples (project, session_id, ts) WHERE ${TROUBLE_SAMPLE}
    `,
  },
  {
    version: 9,
    name: 'quality rollups per stream and minute, with what scores need: width, freezes and codec (issue 12)',
    // A store that ran migration 8 before it moved here has rollups without the scores' columns:
    // they are rebuilt from the samples.
    sql: `
      DROP VIEW IF EXISTS all_quality_minutes;
      DROP TABLE IF EXISTS quality_minutes;
      DROP TABLE IF EXISTS saved_quality_minutes;
      ${MINUTES_TABLE_SQL('quality_minutes', true)};
      ${MINUTES_TABLE_SQL('saved_quality_minutes', false)};
      CREATE VIEW all_quality_minutes AS SELECT * FROM quality_minutes UNION ALL SELECT * FROM saved_quality_minutes
    `,
    then: backfillMinutes,
  },
  {
    version: 10,
    name: 'per-session totals of the events, for the sessions search (issue 12)',
    sql: `
      ${SESSION_TOTALS_TABLE_SQL};
      CREATE INDEX session_totals_last ON session_totals (project, last_ts);
      ${FILL_SESSION_TOTALS}
    `,
  },
  {
    version: 11,
    name: 'samples kept once by a hash index of their key instead of a B-tree (issue 12, goal 4)',
    sql: `
      CREATE TYPE sample_key AS (project text, session_id text, id text, ts bigint);
      ALTER TABLE quality_samples DROP CONSTRAINT quality_samples_pkey;
      ALTER TABLE saved_quality_samples DROP CONSTRAINT saved_quality_samples_pkey;
      ALTER TABLE saved_quality_samples ADD ${sampleOnce('saved_quality_samples')};
      CREATE INDEX saved_quality_session_ts ON saved_quality_samples (project, session_id, ts)
    `,
    then: async (q) => {
      for (const { name } of await q.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'quality_samples'::regclass`
      )) {
        await q.query(`ALTER TABLE ${name} ADD ${sampleOnce(name)}`);
      }
    },
  },
];

/** Rollups for the samples stored before migration 9: a partition per day the samples have. */
async function backfillMinutes(q: Queryable): Promise<void> {
  const days = await q.query<{ day: number }>(
    `SELECT DISTINCT (ts - ts % 86400000)::float8 AS day FROM quality_samples`
  );
  for (const { day } of days) {
    await q.query(createPartition('quality_minutes', dayStart(day)));
  }
  await q.query(upsertMinutes('quality_minutes', 'quality_samples'));
  await q.query(upsertMinutes('saved_quality_minutes', 'saved_quality_samples'));
}

export async function migrate(store: Store): Promise<number[]> {
  await store.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`
  );
  const applied = new Set(
    (await store.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version)
  );
  const ran: number[] = [];
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) {
      continue;
    }
    await store.tx(async (q) => {
      for (const statement of m.sql
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean)) {
        await q.query(statement);
      }
      await m.then?.(q);
      await q.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
    });
    ran.push(m.version);
  }
  return ran;
}
