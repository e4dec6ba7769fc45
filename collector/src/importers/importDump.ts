import { createHash } from 'node:crypto';
import { Limits } from '@model';
import { CollectorError, conflict, invalidDump } from '../errors';
import { validateClientInfo, validateRecord } from '../ingest/validate';
import { writeBatch } from '../ingest/writeBatch';
import type { ClientInfo, IngestRecord } from '../model/records';
import { recordImport } from '../store/imports';
import { DAY_MS } from '../store/partitions';
import { refreshMinutes } from '../store/qualityMinutes';
import { refreshSessionTotals } from '../store/sessionTotals';
import type { Store } from '../store/store';
import { internalsEntries } from './internalsDump';
import { rtcstatsEntries } from './rtcstatsDump';
import { SessionMapper } from './sessionMapper';
import { readLines, readText, type DumpFile } from './textSource';
import type { DumpFormat, DumpProfile, TraceEntry } from './trace';
import { clientInfoOf } from './userAgent';

export const DUMP_FORMATS: DumpFormat[] = ['rtcstats', 'rtcstats-v3', 'webrtc-internals'];

/** Records written per transaction: bounded, so a large dump never sits in memory whole. */
const BATCH = 2000;

export interface ImportProgress {
  phase: 'check' | 'write' | 'upload';
  bytes: number;
  total: number;
}

export interface ImportOptions {
  project: string;
  sessionId: string;
  /** 'auto' (default) detects the format from the first bytes. */
  format?: DumpFormat | 'auto';
  /** The collector's RETENTION_DAYS: the imported session is kept that long from now. */
  retentionDays?: number;
  onProgress?: (p: ImportProgress) => void;
  /** Runs each batch's write (the server's ingest admission: batches take turns with ingest). */
  writeSlot?: <T>(write: () => Promise<T>) => Promise<T>;
  now?: number;
}

export interface ImportResult {
  file: string;
  format: DumpFormat;
  sessionId: string;
  /** The user this dump became (one browser = one user). */
  userId: string;
  peerConnections: number;
  events: number;
  samples: number;
  accepted: number;
  duplicates: number;
  /** When the import was recorded; its retention counts from here, whatever the dump's dates. */
  importedAt: number;
  /** Until when the imported session is kept (unless saved). */
  keptUntil: number;
  /** Lines of other shapes skipped (client annotations), and the first of them. */
  skippedLines: number;
  firstSkipped?: string;
  /** What the user should know about this dump (quality unreadable, peer connections missing). */
  warnings: string[];
}

/** Why a dump that has stats gave no quality sample, when it did. */
function qualityWarning(seen: SessionMapper['statsSeen'], samples: number): string | undefined {
  if (samples > 0 || seen.snapshots === 0) {
    return undefined;
  }
  if (seen.withRtp === 0) {
    return `quality could not be read: none of the ${seen.snapshots} stats snapshots holds an RTP stream report (standard inbound-rtp / outbound-rtp, or legacy ssrc); report types seen: ${[...seen.types].join(', ') || 'none'}`;
  }
  return `no quality samples: the RTP streams in the ${seen.snapshots} stats snapshots never carried a byte of media`;
}

const HEAD = 12;

/** The dump's format, and its text: the chunks read to tell the format, then the rest. */
interface FoundFormat {
  format: DumpFormat;
  text: AsyncIterable<string>;
}

/**
 * Which format the dump is, from its first non-blank characters, read from `chunks`: one pass
 * over at most `Limits.maxImportDetectBytes` of text, white space skipped where it lies, never
 * re-scanned. The text it returns starts again from the first chunk, so a dump is read once.
 */
async function formatOf(file: DumpFile, chunks: AsyncIterable<string>): Promise<FoundFormat> {
  if (file.size === 0) {
    throw invalidDump(`${file.name}: the file is empty`);
  }
  const it = chunks[Symbol.asyncIterator]();
  const seen: string[] = [];
  let start = '';
  let read = 0;
  try {
    for (let next = await it.next(); !next.done; next = await it.next()) {
      const chunk = next.value;
      seen.push(chunk);
      read += chunk.length;
      const from = start ? 0 : chunk.search(/\S/);
      if (from >= 0) {
        start += chunk.slice(from, from + HEAD - start.length);
      }
      if (start.length >= HEAD) {
        break;
      }
      if (read > Limits.maxImportDetectBytes) {
        throw invalidDump(`${file.name}: only white space in its first ${Limits.maxImportDetectBytes} characters`);
      }
    }
    if (start === '') {
      throw invalidDump(`${file.name}: the file is empty (only white space)`);
    }
  } catch (err) {
    await it.return?.();
    throw err;
  }
  const format = formatFrom(file, start);
  async function* text(): AsyncGenerator<string> {
    try {
      yield* seen;
      for (let next = await it.next(); !next.done; next = await it.next()) {
        yield next.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { format, text: text() };
}

function formatFrom(file: DumpFile, start: string): DumpFormat {
  if (start.startsWith('RTCStatsDump')) {
    return 'rtcstats-v3';
  }
  if (start.startsWith('[')) {
    return 'rtcstats';
  }
  if (start.startsWith('{')) {
    return 'webrtc-internals';
  }
  const shown = JSON.stringify(start.slice(0, 12));
  throw invalidDump(
    `${file.name}: not a dump this importer reads: it starts with ${shown}; expected an rtcstats dump (JSON lines, or "RTCStatsDump" for v3) or a webrtc-internals JSON document, gzip'ed or not`
  );
}

function entriesOf(
  format: DumpFormat,
  chunks: AsyncIterable<string>,
  name: string,
  profile: DumpProfile
): AsyncGenerator<TraceEntry> {
  return format === 'webrtc-internals'
    ? internalsEntries(chunks, name, profile)
    : rtcstatsEntries(readLines(chunks), name, profile);
}

async function* hashing(
  chunks: AsyncIterable<string>,
  hash: ReturnType<typeof createHash>,
  read: { chars: number }
): AsyncGenerator<string> {
  for await (const c of chunks) {
    hash.update(c);
    read.chars += c.length;
    yield c;
  }
}

/** The first pass's entries again, progress told as a share of the file. */
async function* keptEntries(entries: TraceEntry[], onProgress: (bytes: number) => void, size: number) {
  for (const [i, entry] of entries.entries()) {
    yield entry;
    onProgress(Math.round((size * (i + 1)) / entries.length));
  }
}

/** What the first pass over a dump learns: its format, profile, content hash and record count. */
export interface CheckedDump {
  format: DumpFormat;
  profile: DumpProfile;
  /** SHA-256 of the dump's text (hex): the imported user's id is made from it. */
  digest: string;
  /** The records the dump makes, all validated. */
  records: number;
  mapper: SessionMapper;
  /** The parsed entries, when the dump's text is at most `Limits.importReuseTextBytes`. */
  entries?: TraceEntry[];
}

/**
 * Pass 1 of an import: tells the dump's format, parses the whole dump, derives its records and
 * validates each, writing nothing. A truncated, foreign or empty file stops here, and so does a
 * dump of another format than `format`, when one is asked for.
 */
export async function checkDump(
  file: DumpFile,
  sessionId: string,
  { format: asked, onProgress }: { format?: DumpFormat; onProgress?: (bytes: number) => void } = {}
): Promise<CheckedDump> {
  const { format, text } = await formatOf(file, readText(file, onProgress));
  if (asked && asked !== format) {
    await text[Symbol.asyncIterator]().return?.(undefined);
    throw invalidDump(`${file.name}: format ${asked} was asked for, but the file is a ${format} dump`);
  }
  const profile: DumpProfile = {};
  const hash = createHash('sha256');
  let count = 0;
  // A stand-in user id of the final one's length: ids checked here are as long as those written.
  const mapper = new SessionMapper(sessionId, `dump-${'0'.repeat(16)}`, {}, (r) => {
    try {
      validateRecord(r, count++);
    } catch (err) {
      throw err instanceof CollectorError ? invalidDump(`${file.name}: ${err.message}`) : err;
    }
  });
  const read = { chars: 0 };
  let entries: TraceEntry[] | undefined = [];
  for await (const entry of entriesOf(format, hashing(text, hash, read), file.name, profile)) {
    mapper.feed(entry);
    if (entries && read.chars <= Limits.importReuseTextBytes) {
      entries.push(entry);
    } else {
      entries = undefined;
    }
  }
  mapper.finish();
  if (count === 0) {
    throw invalidDump(`${file.name}: the dump holds no peer connection and no getUserMedia call: nothing to import`);
  }
  return { format, profile, digest: hash.digest('hex'), records: count, mapper, entries };
}

/**
 * Imports one dump into a session: a first pass parses and validates all of it (a truncated,
 * foreign or empty file stops here, before anything is written), a second pass writes it in
 * batches of 2,000 records. Ids come from the dump's content, so a second import stores nothing.
 */
export async function importDump(store: Store, file: DumpFile, options: ImportOptions): Promise<ImportResult> {
  const progress = (phase: ImportProgress['phase']) => (bytes: number) =>
    options.onProgress?.({ phase, bytes, total: file.size });
  // Pass 1: parse and validate everything; learn the user agent (webrtc-internals has it last).
  const {
    format: detected,
    profile,
    digest,
    mapper: check,
    entries,
  } = await checkDump(file, options.sessionId, {
    format: options.format === 'auto' ? undefined : options.format,
    onProgress: progress('check'),
  });

  // Pass 2: the same records, now with the final user id and client description, in batches,
  // into the kept tables. The import is recorded first, so that a purge running meanwhile keeps
  // the batches already written.
  const userId = `dump-${digest.slice(0, 16)}`;
  await refuseSamePageTwice(store, options, file.name, userId, [...check.sentSsrcs.keys()]);
  // The user's SDK is the dump format: it says where the data came from.
  const client = clientInfoOf(profile, detected);
  checkClientInfo(client, file.name);
  const importedAt = options.now ?? Date.now();
  await recordImport(store, options.project, options.sessionId, importedAt);
  const result: ImportResult = {
    file: file.name,
    format: detected,
    sessionId: options.sessionId,
    userId,
    peerConnections: 0,
    events: 0,
    samples: 0,
    accepted: 0,
    duplicates: 0,
    importedAt,
    keptUntil: importedAt + (options.retentionDays ?? Limits.retentionDays) * DAY_MS,
    skippedLines: profile.skipped?.lines ?? 0,
    firstSkipped: profile.skipped?.first,
    warnings: [...(profile.warnings ?? [])],
  };
  let batch: IngestRecord[] = [];
  // Every row this import adds carries this receive time: what to take back if a write fails.
  const receivedAt = Date.now();
  const write = async () => {
    const records = batch;
    const slot = options.writeSlot ?? ((write) => write());
    const r = await slot(() =>
      writeBatch(store, options.project, records, { kept: true, now: receivedAt, source: 'import' })
    );
    result.accepted += r.accepted;
    result.duplicates += r.duplicates;
    batch = [];
  };
  const mapper = new SessionMapper(
    options.sessionId,
    userId,
    client,
    (r) => {
      batch.push(r);
      if (r.kind === 'event') {
        result.events++;
      } else {
        result.samples++;
      }
    },
    { connectionState: check.withConnectionState, sentSsrcs: check.sentSsrcs }
  );
  try {
    for await (const entry of entries
      ? keptEntries(entries, progress('write'), file.size)
      : entriesOf(detected, readText(file, progress('write')), file.name, {})) {
      mapper.feed(entry);
      if (batch.length >= BATCH) {
        await write();
      }
    }
    mapper.finish();
    if (batch.length > 0) {
      await write();
    }
  } catch (err) {
    // Pass 1 checked what a write can refuse; this is the store failing (or the file changing
    // under us): take back what this import added, so a bad import still stores nothing.
    if (result.accepted > 0) {
      await removeImported(store, options.project, options.sessionId, userId, receivedAt);
    }
    throw err;
  }
  result.peerConnections = mapper.peerConnections;
  const quality = qualityWarning(mapper.statsSeen, result.samples);
  if (quality) {
    result.warnings.push(quality);
  }
  return result;
}

/**
 * A page's two dumps (its rtcstats and its webrtc-internals download) must not become two users
 * of one session: a dump whose outbound streams (their SSRCs, random per sender) another imported
 * user of the session already sent records the same page, and is refused before anything is written.
 */
async function refuseSamePageTwice(
  store: Store,
  options: ImportOptions,
  name: string,
  userId: string,
  sentSsrcs: string[]
): Promise<void> {
  if (sentSsrcs.length === 0) {
    return;
  }
  const [same] = await store.query<{ clientId: string; ssrc: string }>(
    `SELECT client_id AS "clientId", substring(stream_id from '/out-(?:audio|video)-([^/]+)$') AS ssrc
     FROM saved_events
     WHERE project = $1 AND session_id = $2 AND action = 'publish' AND variation = 'success' AND client_id <> $3
       AND substring(stream_id from '/out-(?:audio|video)-([^/]+)$') = ANY($4::text[])
     LIMIT 1`,
    [options.project, options.sessionId, userId, sentSsrcs]
  );
  if (same) {
    throw conflict(
      `${name}: records the same page as user ${same.clientId}, already imported into session ${options.sessionId} ` +
        `(both sent the stream with SSRC ${same.ssrc}); nothing stored. A page's rtcstats and webrtc-internals ` +
        `dumps are two recordings of one user: import one of them (the rtcstats dump keeps closed peer ` +
        `connections), or the other into another session to compare them.`,
      'body'
    );
  }
}

/** The client description pass 2 adds to the user's connect events, checked as ingest would. */
function checkClientInfo(client: ClientInfo, name: string): void {
  try {
    validateClientInfo(client);
  } catch (err) {
    throw err instanceof CollectorError ? invalidDump(`${name}: the browser it names: ${err.message}`) : err;
  }
}

/** Deletes the rows one import added (its user and receive time), and its user if nothing is left of it. */
async function removeImported(store: Store, project: string, sessionId: string, userId: string, receivedAt: number) {
  await store.tx(async (q) => {
    for (const table of ['saved_events', 'saved_quality_samples']) {
      await q.query(
        `DELETE FROM ${table} WHERE project = $1 AND session_id = $2 AND client_id = $3 AND received_at = $4::bigint`,
        [project, sessionId, userId, receivedAt]
      );
    }
    await refreshMinutes(q, 'saved_', project, [sessionId]);
    await refreshSessionTotals(q, project, [sessionId]);
    await q.query(
      `DELETE FROM users u WHERE project = $1 AND session_id = $2 AND client_id = $3
         AND NOT EXISTS (SELECT 1 FROM all_events e WHERE e.project = u.project AND e.session_id = u.session_id AND e.client_id = u.client_id)`,
      [project, sessionId, userId]
    );
  });
}
