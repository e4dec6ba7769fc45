import { sourceCode, type RecordSource } from '@model';
import type { EventRecord, IngestRecord, MarkRecord, QualitySampleRecord, RatingRecord } from '../model/records';
import { dayStart, ensurePartitions, partitionsOf } from '../store/partitions';
import { minuteRows, upsertMinuteRows, upsertMinutes } from '../store/qualityMinutes';
import { refreshSessionTotals } from '../store/sessionTotals';
import type { Queryable, Store } from '../store/store';
import { resolveConnectionUsers, USER_MERGE_SET } from './connectionUsers';
import type { IngestResult, WriteOptions } from './writeTypes';

// jsonb_to_recordset turns a whole batch into rows in one statement, on PGlite and PostgreSQL
// alike, with one parameter whatever the batch size.
const insertEvents = (table: string, rows = '$3') => `
  INSERT INTO ${table} (project, session_id, id, ts, received_at, action, variation, client_id,
    connection_id, stream_id, subscriber_id, code, message, reason, stream, detail, source)
  SELECT $1::text, r.session_id, r.id, r.ts, $2::bigint, r.action, r.variation, r.client_id, r.connection_id,
    r.stream_id, r.subscriber_id, r.code, r.message, r.reason, r.stream, r.detail, r.source
  FROM jsonb_to_recordset(${rows}::jsonb) AS r(session_id text, id text, ts bigint, action text,
    variation text, client_id text, connection_id text, stream_id text, subscriber_id text,
    code text, message text, reason text, stream jsonb, detail jsonb, source smallint)
  ON CONFLICT DO NOTHING
  RETURNING id`;

const insertQuality = (table: string, rows = '$3') => `
  INSERT INTO ${table} (project, session_id, id, ts, received_at, client_id, connection_id,
    stream_id, subscriber_id, role, media, bitrate_kbps, packets, packets_lost, loss_pct, rtt_ms,
    jitter_ms, frame_rate, width, height, source, codec, limitation, freezes)
  SELECT $1::text, r.session_id, r.id, r.ts, $2::bigint, r.client_id, r.connection_id, r.stream_id,
    r.subscriber_id, r.role, r.media, r.bitrate_kbps, r.packets, r.packets_lost, r.loss_pct,
    r.rtt_ms, r.jitter_ms, r.frame_rate, r.width, r.height, r.source, r.codec, r.limitation, r.freezes
  FROM jsonb_to_recordset(${rows}::jsonb) AS r(session_id text, id text, ts bigint, client_id text,
    connection_id text, stream_id text, subscriber_id text, role text, media text,
    bitrate_kbps float8, packets float8, packets_lost float8, loss_pct float8, rtt_ms float8,
    jitter_ms float8, frame_rate float8, width int, height int, source smallint, codec text, limitation text, freezes float8)
  ON CONFLICT DO NOTHING
  RETURNING *`;

/** The samples inserted, and their rollups (store/qualityMinutes.ts): only what was new counts. */
const insertQualityAndMinutes = (prefix: string, rows = '$3') => `
  WITH samples_in AS (${insertQuality(`${prefix}quality_samples`, rows)}),
    minutes_in AS (${upsertMinutes(`${prefix}quality_minutes`, 'samples_in')})
  SELECT id FROM samples_in`;

// The first connect that carries client info describes the user; later ones (another source's
// view of the same user, too) only fill in what it lacked.
const upsertUsers = (rows = '$2') => `
  INSERT INTO users (project, session_id, client_id, sdk, browser, browser_version, os, device,
    country, city, sip, first_seen)
  SELECT $1::text, r.session_id, r.client_id, r.sdk, r.browser, r.browser_version, r.os, r.device,
    r.country, r.city, coalesce(r.sip, false), r.ts
  FROM jsonb_to_recordset(${rows}::jsonb) AS r(session_id text, client_id text, sdk text, browser text,
    browser_version text, os text, device text, country text, city text, sip boolean, ts bigint)
  ON CONFLICT (project, session_id, client_id) DO UPDATE SET ${USER_MERGE_SET}`;

const insertSessionDays = (ids = '$2', days = '$3') => `
  INSERT INTO session_days (project, session_id, day)
  SELECT $1::text, d.session_id, d.day FROM unnest(${ids}::text[], ${days}::bigint[]) AS d(session_id, day)
  ON CONFLICT DO NOTHING`;

/**
 * A small batch in one statement: every statement costs a round trip on PostgreSQL and a parse
 * and plan on PGlite (which runs on the event loop), and group-committed callbacks come in
 * batches of a few records. Data-modifying CTEs all run, referenced or not.
 */
const writeAllAtOnce = (prefix: string) => `
  WITH days AS (${insertSessionDays('$3', '$4')}),
    users_in AS (${upsertUsers('$5')}),
    events_in AS (${insertEvents(`${prefix}events`, '$6')}),
    samples_in AS (${insertQuality(`${prefix}quality_samples`, '$7')}),
    minutes_in AS (${upsertMinutes(`${prefix}quality_minutes`, 'samples_in')})
  SELECT (SELECT count(*) FROM events_in)::float8 + (SELECT count(*) FROM samples_in)::float8 AS n`;

/** Below this many rows, COPY's savepoint round trips cost more than it saves. */
const COPY_MIN_ROWS = 200;

const CHUNK = 2000;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    out.push(items.slice(i, i + CHUNK));
  }
  return out;
}

function eventRow(e: EventRecord, source: RecordSource) {
  return {
    session_id: e.sessionId,
    id: e.id,
    ts: Math.round(e.ts),
    action: e.action,
    variation: e.variation ?? null,
    client_id: e.clientId,
    connection_id: e.connectionId ?? null,
    stream_id: e.streamId ?? null,
    subscriber_id: e.subscriberId ?? null,
    code: e.code === undefined ? null : String(e.code),
    message: e.message ?? null,
    reason: e.reason ?? null,
    stream: e.stream ?? null,
    detail: e.detail ?? null,
    source: sourceCode(e.source ?? source),
  };
}

/**
 * A rating or a mark is stored as an event (U1): its score in `detail` (the sessions search
 * filters on it) and shown as the event's reason ("2/5"), its comment as the message; a mark's
 * name as the reason, its data as the detail.
 */
function feedbackRow(r: RatingRecord | MarkRecord, source: RecordSource) {
  const common = {
    session_id: r.sessionId,
    id: r.id,
    ts: Math.round(r.ts),
    action: r.kind,
    variation: null,
    client_id: r.clientId,
    connection_id: r.connectionId ?? null,
    subscriber_id: null,
    code: null,
    stream: null,
    source: sourceCode(r.source ?? source),
  };
  return r.kind === 'rating'
    ? { ...common, stream_id: null, message: r.comment ?? null, reason: `${r.score}/5`, detail: { score: r.score } }
    : { ...common, stream_id: r.streamId ?? null, message: null, reason: r.name, detail: r.data ?? null };
}

function qualityRow(s: QualitySampleRecord, source: RecordSource) {
  return {
    session_id: s.sessionId,
    id: s.id,
    ts: Math.round(s.ts),
    client_id: s.clientId,
    connection_id: s.connectionId,
    stream_id: s.streamId,
    subscriber_id: s.subscriberId ?? null,
    role: s.role,
    media: s.media,
    bitrate_kbps: s.bitrateKbps ?? null,
    packets: s.packets ?? null,
    packets_lost: s.packetsLost ?? null,
    loss_pct: s.lossPct ?? null,
    rtt_ms: s.rttMs ?? null,
    jitter_ms: s.jitterMs ?? null,
    frame_rate: s.frameRate ?? null,
    width: s.width ?? null,
    height: s.height ?? null,
    source: sourceCode(s.source ?? source),
    codec: s.codec ?? null,
    limitation: s.limitation ?? null,
    freezes: s.freezes ?? null,
  };
}

type UserRow = Record<'sdk' | 'browser' | 'browser_version' | 'os' | 'device' | 'country' | 'city', string | null> & {
  session_id: string;
  client_id: string;
  sip: boolean;
  ts: number;
};

/** The (session, day) pairs of a batch, once each. */
function sessionDays(records: IngestRecord[]): [string[], number[]] {
  const pairs = new Map<string, [string, number]>();
  for (const r of records) {
    const day = dayStart(Math.round(r.ts));
    pairs.set(`${day}:${r.sessionId}`, [r.sessionId, day]);
  }
  return [[...pairs.values()].map((p) => p[0]), [...pairs.values()].map((p) => p[1])];
}

/** One row per user of the batch (an upsert may touch a row once): earliest values first. */
function userRows(events: EventRecord[]): UserRow[] {
  const rows = new Map<string, UserRow>();
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    const c = e.client;
    if (!c) {
      continue;
    }
    const key = JSON.stringify([e.sessionId, e.clientId]);
    const row = rows.get(key) ?? {
      session_id: e.sessionId,
      client_id: e.clientId,
      sdk: null,
      browser: null,
      browser_version: null,
      os: null,
      device: null,
      country: null,
      city: null,
      sip: false,
      ts: Math.round(e.ts),
    };
    row.sdk ??= c.sdk ?? null;
    row.browser ??= c.browser ?? null;
    row.browser_version ??= c.browserVersion ?? null;
    row.os ??= c.os ?? null;
    row.device ??= c.device ?? null;
    row.country ??= c.country ?? null;
    row.city ??= c.city ?? null;
    row.sip ||= c.sip ?? false;
    rows.set(key, row);
  }
  return [...rows.values()];
}

// The columns of eventRow and qualityRow, in their order (the COPY path writes them by name).
const EVENT_COLUMNS = [
  'session_id',
  'id',
  'ts',
  'action',
  'variation',
  'client_id',
  'connection_id',
  'stream_id',
  'subscriber_id',
  'code',
  'message',
  'reason',
  'stream',
  'detail',
  'source',
] as const;
const QUALITY_COLUMNS = [
  'session_id',
  'id',
  'ts',
  'client_id',
  'connection_id',
  'stream_id',
  'subscriber_id',
  'role',
  'media',
  'bitrate_kbps',
  'packets',
  'packets_lost',
  'loss_pct',
  'rtt_ms',
  'jitter_ms',
  'frame_rate',
  'width',
  'height',
  'source',
  'codec',
  'limitation',
  'freezes',
] as const;

/** A row already stored: unique_violation (events' key), exclusion_violation (samples', partitions.ts). */
const ALREADY_STORED = new Set(['23505', '23P01']);

/** One CSV field: NULL unquoted and empty, every text quoted (so '' and a lone `\.` stay data). */
function csvField(v: unknown): string {
  if (v === null || v === undefined) {
    return '';
  }
  if (typeof v === 'number') {
    return String(v);
  }
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return `"${text.includes('"') ? text.replaceAll('"', '""') : text}"`;
}

function csvOf<R extends object>(
  project: string,
  now: number,
  columns: ReadonlyArray<keyof R & string>,
  rows: R[]
): string {
  const head = `${csvField(project)},${now}`;
  let csv = '';
  for (const row of rows) {
    csv += head;
    for (const c of columns) {
      csv += `,${csvField(row[c])}`;
    }
    csv += '\n';
  }
  return csv;
}

/**
 * Writes rows with COPY where the store has it (PostgreSQL: several times an INSERT's rate), in
 * a savepoint: a row already stored (a retried batch) fails the COPY, and the batch is then
 * inserted row by row skipping what is there, so ingest stays idempotent. `afterCopy` is a
 * statement run once the rows are copied, on what `of` makes of them (`sql` does that work itself
 * on the other path).
 */
async function write<R extends object>(
  q: Queryable,
  table: string,
  columns: ReadonlyArray<keyof R & string>,
  sql: string,
  project: string,
  now: number,
  rows: R[],
  afterCopy?: { sql: string; of: (rows: R[]) => object[] }
): Promise<number> {
  if (rows.length === 0) {
    return 0;
  }
  if (!q.copyCsv) {
    return insert(q, sql, project, now, rows);
  }
  await q.query('SAVEPOINT batch_copy');
  try {
    const copied = await q.copyCsv(table, ['project', 'received_at', ...columns], csvOf(project, now, columns, rows));
    await q.query('RELEASE SAVEPOINT batch_copy');
    if (afterCopy) {
      // One statement for the whole batch (at most Limits.maxBatchRecords rows): its row locks
      // are then taken in one order.
      await q.query(afterCopy.sql, [project, JSON.stringify(afterCopy.of(rows))]);
    }
    return copied;
  } catch (err) {
    if (!ALREADY_STORED.has(String((err as { code?: unknown }).code))) {
      throw err;
    }
    await q.query('ROLLBACK TO SAVEPOINT batch_copy');
    return insert(q, sql, project, now, rows);
  }
}

async function insert(q: Queryable, sql: string, project: string, now: number, rows: object[]): Promise<number> {
  let inserted = 0;
  for (const chunk of chunks(rows)) {
    inserted += (await q.query(sql, [project, now, JSON.stringify(chunk)])).length;
  }
  return inserted;
}

/**
 * The daily partitions each store has been seen to have by this process: a batch of those days
 * skips the check (a statement per transaction). A partition dropped since (the purge, maybe by
 * another process) makes the insert fail with NO_PARTITION; the batch is then written again
 * with the check, which makes the partition.
 */
const knownPartitions = new WeakMap<Store, Set<string>>();
/** check_violation: PostgreSQL's "no partition of relation ... found for row". */
const NO_PARTITION = '23514';
/** deadlock_detected: PostgreSQL aborted this batch's transaction to free another one. */
const DEADLOCK = '40P01';

/**
 * Runs a batch's transaction again when PostgreSQL picked it as a deadlock's victim (it rolled
 * back whole, so running it again stores it once). Batches take their rollups' row locks in key
 * order, so this is for the rare lock order it cannot cover (a batch split into statements).
 */
async function commitRetrying(commit: () => Promise<number>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await commit();
    } catch (err) {
      if ((err as { code?: unknown }).code !== DEADLOCK || attempt >= 3) {
        throw err;
      }
    }
  }
}

/**
 * Writes a validated batch in one transaction; records already stored are skipped. A store on
 * another thread (PGlite) runs this there, on its own side (`Store.writeBatch`).
 */
export async function writeBatch(
  store: Store,
  project: string,
  records: IngestRecord[],
  options: WriteOptions = {}
): Promise<IngestResult> {
  return store.writeBatch
    ? store.writeBatch(project, records, options)
    : writeBatchHere(store, project, records, options);
}

async function writeBatchHere(
  store: Store,
  project: string,
  records: IngestRecord[],
  options: WriteOptions = {}
): Promise<IngestResult> {
  const events = records.filter((r): r is EventRecord => r.kind === 'event');
  const feedback = records.filter((r): r is RatingRecord | MarkRecord => r.kind === 'rating' || r.kind === 'mark');
  const samples = records.filter((r): r is QualitySampleRecord => r.kind === 'quality');
  const now = options.now ?? Date.now();
  const prefix = options.kept ? 'saved_' : '';
  const source = options.source ?? 'sdk';
  const eventTimes = [...events, ...feedback].map((e) => e.ts);
  const sampleTimes = samples.map((s) => s.ts);
  const partitions = options.kept
    ? []
    : [
        ...partitionsOf('events', eventTimes),
        ...partitionsOf('quality_samples', sampleTimes),
        ...partitionsOf('quality_minutes', sampleTimes),
      ];
  const known = knownPartitions.get(store) ?? new Set<string>();
  knownPartitions.set(store, known);
  const writeRecords = async (q: Queryable): Promise<number> => {
    const moved = await resolveConnectionUsers(q, project, records, source);
    // Rows are made after resolveConnectionUsers: it gives records their connection's user.
    const users = userRows(events);
    const eventRows = [...events.map((e) => eventRow(e, source)), ...feedback.map((r) => feedbackRow(r, source))];
    const sampleRows = samples.map((s) => qualityRow(s, source));
    const oneStatement =
      users.length <= CHUNK &&
      eventRows.length <= CHUNK &&
      sampleRows.length <= CHUNK &&
      (!q.copyCsv || eventRows.length + sampleRows.length < COPY_MIN_ROWS);
    // Last in the transaction: other batches of these sessions wait on their lock until commit.
    const totalsOfSessions = async (written: number) => {
      await refreshSessionTotals(q, project, [...eventRows.map((e) => e.session_id), ...moved]);
      return written;
    };
    if (oneStatement) {
      const [{ n }] = await q.query<{ n: number }>(writeAllAtOnce(prefix), [
        project,
        now,
        ...sessionDays(records),
        JSON.stringify(users),
        JSON.stringify(eventRows),
        JSON.stringify(sampleRows),
      ]);
      return totalsOfSessions(n);
    }
    await q.query(insertSessionDays(), [project, ...sessionDays(records)]);
    for (const chunk of chunks(users)) {
      await q.query(upsertUsers(), [project, JSON.stringify(chunk)]);
    }
    return totalsOfSessions(
      (await write(q, `${prefix}events`, EVENT_COLUMNS, insertEvents(`${prefix}events`), project, now, eventRows)) +
        (await write(
          q,
          `${prefix}quality_samples`,
          QUALITY_COLUMNS,
          insertQualityAndMinutes(prefix),
          project,
          now,
          sampleRows,
          { sql: upsertMinuteRows(`${prefix}quality_minutes`), of: minuteRows }
        ))
    );
  };
  const commit = (trusted: ReadonlySet<string>) =>
    store.tx(async (q) => {
      if (!options.kept) {
        await ensurePartitions(q, 'events', eventTimes, trusted);
        await ensurePartitions(q, 'quality_samples', sampleTimes, trusted);
        await ensurePartitions(q, 'quality_minutes', sampleTimes, trusted);
      }
      return writeRecords(q);
    });
  let accepted: number;
  const skipsChecks = partitions.some((name) => known.has(name));
  try {
    accepted = await commitRetrying(() => commit(known));
  } catch (err) {
    if (!skipsChecks || (err as { code?: unknown }).code !== NO_PARTITION) {
      throw err;
    }
    partitions.forEach((name) => known.delete(name));
    accepted = await commitRetrying(() => commit(known));
  }
  partitions.forEach((name) => known.add(name));
  return { accepted, duplicates: records.length - accepted };
}
