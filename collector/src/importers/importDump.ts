import { createHash } from 'node:crypto';
import { RecordError, validateRecord } from '../ingest/validate';
import { writeBatch } from '../ingest/writeBatch';
import type { IngestRecord } from '../model/records';
import type { Store } from '../store/store';
import { internalsEntries } from './internalsDump';
import { rtcstatsEntries } from './rtcstatsDump';
import { SessionMapper } from './sessionMapper';
import { readLines, readText, type DumpFile } from './textSource';
import { DumpError, type DumpFormat, type DumpProfile, type TraceEntry } from './trace';
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
  onProgress?: (p: ImportProgress) => void;
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

/** Which format the dump is, from its first non-blank characters. */
export async function detectFormat(file: DumpFile): Promise<DumpFormat> {
  if (file.size === 0) {
    throw new DumpError(`${file.name}: the file is empty`);
  }
  let head = '';
  for await (const chunk of readText(file)) {
    head += chunk;
    if (head.trimStart().length >= 12) {
      break;
    }
  }
  const start = head.trimStart();
  if (start === '') {
    throw new DumpError(`${file.name}: the file is empty (only white space)`);
  }
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
  throw new DumpError(
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

async function* hashing(chunks: AsyncIterable<string>, hash: ReturnType<typeof createHash>): AsyncGenerator<string> {
  for await (const c of chunks) {
    hash.update(c);
    yield c;
  }
}

/**
 * Imports one dump into a session: a first pass parses and validates all of it (a truncated,
 * foreign or empty file stops here, before anything is written), a second pass writes it in
 * batches of 2,000 records. Ids come from the dump's content, so a second import stores nothing.
 */
export async function importDump(store: Store, file: DumpFile, options: ImportOptions): Promise<ImportResult> {
  const detected = await detectFormat(file);
  if (options.format && options.format !== 'auto' && options.format !== detected) {
    throw new DumpError(`${file.name}: format ${options.format} was asked for, but the file is a ${detected} dump`);
  }
  const progress = (phase: ImportProgress['phase']) => (bytes: number) =>
    options.onProgress?.({ phase, bytes, total: file.size });

  // Pass 1: parse and validate everything; learn the user agent (webrtc-internals has it last).
  const profile: DumpProfile = {};
  const hash = createHash('sha256');
  let count = 0;
  // A stand-in user id of the final one's length: ids checked here are as long as those written.
  const check = new SessionMapper(options.sessionId, `dump-${'0'.repeat(16)}`, {}, (r) => {
    try {
      validateRecord(r, count++);
    } catch (err) {
      throw err instanceof RecordError ? new DumpError(`${file.name}: ${err.message}`) : err;
    }
  });
  for await (const entry of entriesOf(detected, hashing(readText(file, progress('check')), hash), file.name, profile)) {
    check.feed(entry);
  }
  check.finish();
  if (count === 0) {
    throw new DumpError(`${file.name}: the dump holds no peer connection and no getUserMedia call: nothing to import`);
  }

  // Pass 2: the same records, now with the final user id and client description, in batches.
  const userId = `dump-${hash.digest('hex').slice(0, 16)}`;
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
    skippedLines: profile.skipped?.lines ?? 0,
    firstSkipped: profile.skipped?.first,
    warnings: [...(profile.warnings ?? [])],
  };
  let batch: IngestRecord[] = [];
  const write = async () => {
    const r = await writeBatch(store, options.project, batch);
    result.accepted += r.accepted;
    result.duplicates += r.duplicates;
    batch = [];
  };
  // The user's SDK is the dump format: it says where the data came from.
  const mapper = new SessionMapper(
    options.sessionId,
    userId,
    clientInfoOf(profile, detected),
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
  for await (const entry of entriesOf(detected, readText(file, progress('write')), file.name, {})) {
    mapper.feed(entry);
    if (batch.length >= BATCH) {
      await write();
    }
  }
  mapper.finish();
  if (batch.length > 0) {
    await write();
  }
  result.peerConnections = mapper.peerConnections;
  const quality = qualityWarning(mapper.statsSeen, result.samples);
  if (quality) {
    result.warnings.push(quality);
  }
  return result;
}
