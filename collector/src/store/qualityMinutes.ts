import { Thresholds } from '@model';
import type { Queryable } from './store';

/**
 * Per stream and minute rollups of the quality samples (issue 12): what the large-session
 * queries read instead of every sample. One row per series (user, connection, stream,
 * subscriber, role, media, source) and minute, kept in step with the samples by every write:
 * ingest adds the rows it inserted (`upsertMinutes`), the rarer rewrites (a connection's user
 * moved, an import removed) recompute the series they touched (`refreshMinutes`). Live rollups
 * are partitioned by day like the samples, so retention drops them together.
 */
export const MINUTE_MS = 60_000;

/** Each metric a rollup averages: its sample column and the rollup's sum and count columns. */
export const MINUTE_METRICS = {
  bitrate_kbps: 'bitrate',
  loss_pct: 'loss',
  rtt_ms: 'rtt',
  jitter_ms: 'jitter',
  frame_rate: 'fps',
  height: 'height',
  width: 'width',
  freezes: 'freezes',
} as const;
export type MinuteMetricColumn = keyof typeof MINUTE_METRICS;

const KEY = 'project, session_id, minute, client_id, connection_id, stream_id, subscriber_id, role, media, source';

export const MINUTES_TABLE_SQL = (table: string, partitioned: boolean) => `
  CREATE TABLE ${table} (
    project text NOT NULL,
    session_id text NOT NULL,
    minute bigint NOT NULL,
    client_id text NOT NULL,
    connection_id text NOT NULL,
    stream_id text NOT NULL,
    subscriber_id text NOT NULL,
    role text NOT NULL,
    media text NOT NULL,
    source smallint NOT NULL,
    samples integer NOT NULL,
    first_ts bigint NOT NULL,
    last_ts bigint NOT NULL,
    flowing integer NOT NULL,
    codec text,
    ${Object.values(MINUTE_METRICS)
      .map((m) => `${m}_sum double precision NOT NULL, ${m}_n integer NOT NULL`)
      .join(',\n    ')},
    PRIMARY KEY (${KEY})
  )${partitioned ? ' PARTITION BY RANGE (minute)' : ''}`;

/** A sample that carried media, as issue detection counts it (model/issueDetection.ts). */
export const FLOWING = 'bitrate_kbps > 0 OR (bitrate_kbps IS NULL AND packets > 0)';

/** How a rollup row already stored takes in `EXCLUDED`, the rows of one write. */
const mergeInto = (table: string) => {
  const metrics = Object.values(MINUTE_METRICS);
  return `ON CONFLICT (${KEY}) DO UPDATE SET samples = ${table}.samples + EXCLUDED.samples,
    first_ts = least(${table}.first_ts, EXCLUDED.first_ts), last_ts = greatest(${table}.last_ts, EXCLUDED.last_ts),
    flowing = ${table}.flowing + EXCLUDED.flowing, codec = greatest(${table}.codec, EXCLUDED.codec),
    ${metrics.map((m) => `${m}_sum = ${table}.${m}_sum + EXCLUDED.${m}_sum, ${m}_n = ${table}.${m}_n + EXCLUDED.${m}_n`).join(',\n    ')}`;
};

const ROLLUP_COLUMNS = `${KEY}, samples, first_ts, last_ts, flowing, codec, ${Object.values(MINUTE_METRICS)
  .map((m) => `${m}_sum, ${m}_n`)
  .join(', ')}`;

/**
 * Adds the samples `rows` yields (a subquery or CTE with the samples' columns) to the rollups of
 * `table`, merging into the minutes already there. Rows are written in key order, so two batches
 * that touch the same minutes lock them in the same order and wait for each other rather than
 * deadlock.
 */
export function upsertMinutes(table: string, rows: string): string {
  const metrics = Object.keys(MINUTE_METRICS);
  return `
  INSERT INTO ${table} (${ROLLUP_COLUMNS})
  SELECT project, session_id, ts - ts % ${MINUTE_MS}, client_id, connection_id, stream_id, coalesce(subscriber_id, ''),
    role, media, source, count(*), min(ts), max(ts), count(*) FILTER (WHERE ${FLOWING}), max(codec),
    ${metrics.map((c) => `coalesce(sum(${c}), 0), count(${c})`).join(', ')}
  FROM ${rows} s
  GROUP BY project, session_id, ts - ts % ${MINUTE_MS}, client_id, connection_id, stream_id, coalesce(subscriber_id, ''), role, media, source
  ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  ${mergeInto(table)}`;
}

/** A quality sample as a batch writes it (ingest/writeBatch.ts), what its rollup reads of it. */
export type SampleRow = Record<'session_id' | 'client_id' | 'connection_id' | 'stream_id' | 'role' | 'media', string> &
  Record<'ts' | 'source', number> &
  Record<MinuteMetricColumn | 'packets', number | null> & { subscriber_id: string | null; codec: string | null };

/** A rollup row of one batch's samples, before it is merged into the stored one. */
type PartialMinute = Record<'session_id' | 'client_id' | 'connection_id' | 'stream_id' | 'subscriber_id', string> &
  Record<'role' | 'media', string> &
  Record<'minute' | 'source' | 'samples' | 'first_ts' | 'last_ts' | 'flowing', number> & {
    /** Every codec name of the minute: the greatest is taken in SQL, in the database's collation. */
    codecs: string[];
    sums: number[];
    counts: number[];
  };

const METRIC_COLUMNS = Object.keys(MINUTE_METRICS) as MinuteMetricColumn[];

/**
 * The rollups of a batch's samples, added up here: a dump's stream sampled every second sends
 * PostgreSQL one row per minute instead of sixty (`upsertMinuteRows` merges them). The same
 * grouping, flowing test and sums as `upsertMinutes`; `qualityMinutes.test.ts` checks both
 * against the samples.
 */
export function minuteRows(samples: SampleRow[]): PartialMinute[] {
  const rows = new Map<string, PartialMinute>();
  for (const s of samples) {
    const minute = s.ts - (s.ts % MINUTE_MS);
    const subscriber = s.subscriber_id ?? '';
    // Ids never hold U+0000 (PostgreSQL refuses it in text; validation too): a safe separator.
    const key = `${s.session_id}\0${minute}\0${s.client_id}\0${s.connection_id}\0${s.stream_id}\0${subscriber}\0${s.role}\0${s.media}\0${s.source}`;
    let r = rows.get(key);
    if (!r) {
      r = {
        session_id: s.session_id,
        minute,
        client_id: s.client_id,
        connection_id: s.connection_id,
        stream_id: s.stream_id,
        subscriber_id: subscriber,
        role: s.role,
        media: s.media,
        source: s.source,
        samples: 0,
        first_ts: s.ts,
        last_ts: s.ts,
        flowing: 0,
        codecs: [],
        sums: METRIC_COLUMNS.map(() => 0),
        counts: METRIC_COLUMNS.map(() => 0),
      };
      rows.set(key, r);
    }
    r.samples++;
    r.first_ts = Math.min(r.first_ts, s.ts);
    r.last_ts = Math.max(r.last_ts, s.ts);
    // FLOWING, as SQL reads it.
    if ((s.bitrate_kbps !== null && s.bitrate_kbps > 0) || (s.bitrate_kbps === null && (s.packets ?? 0) > 0)) {
      r.flowing++;
    }
    if (s.codec !== null && !r.codecs.includes(s.codec)) {
      r.codecs.push(s.codec);
    }
    for (const [i, column] of METRIC_COLUMNS.entries()) {
      const v = s[column];
      if (v !== null) {
        r.sums[i] += v;
        r.counts[i]++;
      }
    }
  }
  return [...rows.values()];
}

/** Merges `minuteRows` (JSON in $2, the project in $1) into `table`'s rollups, in key order as `upsertMinutes`. */
export function upsertMinuteRows(table: string): string {
  const metrics = Object.values(MINUTE_METRICS);
  return `
  INSERT INTO ${table} (${ROLLUP_COLUMNS})
  SELECT $1::text, r.session_id, r.minute, r.client_id, r.connection_id, r.stream_id, r.subscriber_id, r.role, r.media,
    r.source, r.samples, r.first_ts, r.last_ts, r.flowing, (SELECT max(c) FROM unnest(r.codecs) AS c),
    ${metrics.map((m, i) => `r.sums[${i + 1}], r.counts[${i + 1}]`).join(', ')}
  FROM jsonb_to_recordset($2::jsonb) AS r(session_id text, minute bigint, client_id text, connection_id text,
    stream_id text, subscriber_id text, role text, media text, source smallint, samples integer, first_ts bigint,
    last_ts bigint, flowing integer, codecs text[], sums float8[], counts integer[])
  ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  ${mergeInto(table)}`;
}

/**
 * Recomputes the rollups of some sessions of a project (of some of their connections, when
 * given) from their samples: after a write that changed or removed stored samples.
 * `prefix` is '' for the live tables, 'saved_' for the kept ones.
 */
export async function refreshMinutes(
  q: Queryable,
  prefix: '' | 'saved_',
  project: string,
  sessionIds: string[],
  connectionIds?: string[]
): Promise<void> {
  const only = connectionIds ? 'AND connection_id = ANY($3::text[])' : '';
  const params = connectionIds ? [project, sessionIds, connectionIds] : [project, sessionIds];
  const where = `project = $1 AND session_id = ANY($2::text[]) ${only}`;
  await q.query(`DELETE FROM ${prefix}quality_minutes WHERE ${where}`, params);
  await q.query(
    upsertMinutes(`${prefix}quality_minutes`, `(SELECT * FROM ${prefix}quality_samples WHERE ${where})`),
    params
  );
}

/**
 * The samples issue detection looks at one by one: those that may break a threshold. A partial
 * index holds exactly these (migration 8), so a healthy hour of a large session costs an index
 * probe. The constants are inlined, not parameters, so the planner can match the index's
 * predicate; `queryPlans.test.ts` checks that it does.
 */
export const TROUBLE_SAMPLE = `(loss_pct > ${Thresholds.lossWarnPct} OR rtt_ms > ${Thresholds.latencyHighMs}
  OR bitrate_kbps = 0 OR packets = 0 OR (media = 'video' AND bitrate_kbps < ${Thresholds.videoBitrateLowKbps})
  OR (role = 'subscriber' AND media = 'video' AND (frame_rate < ${Thresholds.frozenFrameRate} OR freezes > 0))
  OR limitation IN ('cpu', 'bandwidth'))`;
