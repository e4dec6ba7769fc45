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

/**
 * Adds the samples `rows` yields (a subquery or CTE with the samples' columns) to the rollups of
 * `table`, merging into the minutes already there. Rows are written in key order, so two batches
 * that touch the same minutes lock them in the same order and wait for each other rather than
 * deadlock.
 */
export function upsertMinutes(table: string, rows: string): string {
  const metrics = Object.entries(MINUTE_METRICS);
  return `
  INSERT INTO ${table} (${KEY}, samples, first_ts, last_ts, flowing, codec, ${metrics.map(([, m]) => `${m}_sum, ${m}_n`).join(', ')})
  SELECT project, session_id, ts - ts % ${MINUTE_MS}, client_id, connection_id, stream_id, coalesce(subscriber_id, ''),
    role, media, source, count(*), min(ts), max(ts), count(*) FILTER (WHERE ${FLOWING}), max(codec),
    ${metrics.map(([c]) => `coalesce(sum(${c}), 0), count(${c})`).join(', ')}
  FROM ${rows} s
  GROUP BY project, session_id, ts - ts % ${MINUTE_MS}, client_id, connection_id, stream_id, coalesce(subscriber_id, ''), role, media, source
  ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  ON CONFLICT (${KEY}) DO UPDATE SET samples = ${table}.samples + EXCLUDED.samples,
    first_ts = least(${table}.first_ts, EXCLUDED.first_ts), last_ts = greatest(${table}.last_ts, EXCLUDED.last_ts),
    flowing = ${table}.flowing + EXCLUDED.flowing, codec = greatest(${table}.codec, EXCLUDED.codec),
    ${metrics.map(([, m]) => `${m}_sum = ${table}.${m}_sum + EXCLUDED.${m}_sum, ${m}_n = ${table}.${m}_n + EXCLUDED.${m}_n`).join(',\n    ')}`;
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
