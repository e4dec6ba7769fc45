import { JsonScanner, type JsonPath } from './jsonScanner';
import { invalidDump } from '../errors';
import { noteWarning, type DumpProfile, type StatsMap, type StatsReport, type TraceEntry } from './trace';

// The series the importer reads; the others are skipped as they are parsed.
const FIELDS = new Set([
  'timestamp',
  'ssrc',
  'kind',
  'mediaType',
  'bytesSent',
  'bytesReceived',
  'packetsSent',
  'packetsReceived',
  'packetsLost',
  'roundTripTime',
  'jitter',
  'framesPerSecond',
  'frameWidth',
  'frameHeight',
  'remoteId',
  'contentType',
  'currentRoundTripTime',
  'selectedCandidatePairId',
  'selected',
  'state',
  'nominated',
  'codecId',
  'mimeType',
  'qualityLimitationReason',
  'freezeCount',
]);

interface PcBuffer {
  calls: TraceEntry[];
  objects: Map<string, { type: string; start: number; end: number; fields: Map<string, unknown[]> }>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function timeOf(entry: Record<string, unknown>): number {
  if (typeof entry.timestamp === 'number') {
    return entry.timestamp;
  }
  return typeof entry.time === 'string' ? Date.parse(entry.time) : NaN;
}

function parseValue(value: unknown): unknown {
  if (typeof value !== 'string' || value === '') {
    return value;
  }
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** A getUserMedia log entry of webrtc-internals as an rtcstats-style call. */
function gumCall(entry: Record<string, unknown>, ts: number): TraceEntry {
  const api = entry.request_type === 'getDisplayMedia' ? 'getDisplayMedia' : 'getUserMedia';
  if (entry.error !== undefined) {
    return {
      kind: 'call',
      method: `${api}OnFailure`,
      pc: null,
      value: { name: String(entry.error), message: entry.error_message },
      ts,
    };
  }
  if (entry.audio_track_info !== undefined || entry.video_track_info !== undefined || entry.stream_id !== undefined) {
    return { kind: 'call', method: `${api}OnSuccess`, pc: null, value: entry.stream_id, ts };
  }
  return { kind: 'call', method: api, pc: null, value: { audio: entry.audio, video: entry.video }, ts };
}

// Log entries that name the tracks and streams a peer connection sends (SDP: `a=msid:<stream> <track>`).
const SENDING = new Set(['addTrack', 'addStream', 'transceiverAdded', 'transceiverModified', 'setLocalDescription']);
const ID_TOKEN = /[\w{}-]{8,}/g;

/** Track and stream ids a getUserMedia success handed to the page. */
function gumIds(entry: Record<string, unknown>): string[] {
  const ids = typeof entry.stream_id === 'string' ? [entry.stream_id] : [];
  for (const info of [entry.audio_track_info, entry.video_track_info]) {
    const track = parseValue(info) as { id?: unknown } | undefined;
    if (typeof track?.id === 'string') {
      ids.push(track.id);
    }
  }
  return ids;
}

/**
 * webrtc-internals forgets the peer connections its page closed. Signs of it: local ids
 * (`<pid>-<lid>`, counted from 1 per process) with gaps, or a getUserMedia whose tracks no
 * peer connection in the dump ever sent.
 */
function missingConnectionSigns(pcIds: string[], unusedGum: number): string | undefined {
  const lids = new Map<string, number[]>();
  for (const id of pcIds) {
    const m = /^(.+)-(\d+)$/.exec(id);
    if (m) {
      lids.set(m[1], [...(lids.get(m[1]) ?? []), Number(m[2])]);
    }
  }
  const signs: string[] = [];
  for (const [pid, list] of lids) {
    const missing = Math.max(...list) - list.length;
    if (missing > 0) {
      signs.push(`${missing} of the ids ${pid}-1..${pid}-${Math.max(...list)} are absent`);
    }
  }
  if (unusedGum > 0) {
    signs.push(`${unusedGum} getUserMedia stream${unusedGum > 1 ? 's feed' : ' feeds'} no peer connection in the dump`);
  }
  if (signs.length === 0) {
    return undefined;
  }
  return `some peer connections may be missing (${signs.join('; ')}): webrtc-internals drops the peer connections a page has closed; the "rtcstats dump" of the same page keeps them`;
}

/** Rebuilds the per-tick stats of one peer connection from its per-field series, in time order with its log. */
function flush(pc: string, buf: PcBuffer): TraceEntry[] {
  const ticks = new Map<number, StatsReport[]>();
  for (const [id, obj] of buf.objects) {
    const times = obj.fields.get('timestamp');
    const n = times ? times.length : Math.max(0, ...[...obj.fields.values()].map((v) => v.length));
    for (let i = 0; i < n; i++) {
      // Without a timestamp series the samples are spread evenly over [startTime, endTime].
      const t = times ? Number(times[i]) : n > 1 ? obj.start + ((obj.end - obj.start) * i) / (n - 1) : obj.end;
      // Field names come from the dump: no prototype, so `__proto__` stays a plain key.
      const report: StatsReport = Object.assign(Object.create(null), { id, type: obj.type, timestamp: t });
      for (const [field, values] of obj.fields) {
        // A series that started later than the others is aligned on their most recent end.
        const j = i - (n - values.length);
        if (j >= 0) {
          report[field] = values[j];
        }
      }
      const list = ticks.get(t);
      if (list) {
        list.push(report);
      } else {
        ticks.set(t, [report]);
      }
    }
  }
  const entries: TraceEntry[] = [...buf.calls];
  const base: StatsMap = new Map();
  for (const t of [...ticks.keys()].sort((a, b) => a - b)) {
    for (const r of ticks.get(t) ?? []) {
      base.set(String(r.id), r);
    }
    entries.push({ kind: 'stats', pc, stats: new Map(base), ts: t });
  }
  // Stable sort: at the same instant a logged call comes before the stats that follow it.
  return entries.sort((a, b) => a.ts - b.ts);
}

/**
 * chrome://webrtc-internals dump (one JSON document: getUserMedia log, PeerConnections with
 * updateLog and per-field stats series, UserAgent), read as a stream: one peer connection's
 * series are held at a time (Chrome keeps at most 1,000 points per series).
 */
export async function* internalsEntries(
  chunks: AsyncIterable<string>,
  name: string,
  profile: DumpProfile
): AsyncGenerator<TraceEntry> {
  const out: TraceEntry[] = [];
  const pcs = new Map<string, PcBuffer>();
  let sawPeerConnections = false;
  let sawGum = false;
  const pcIds: string[] = [];
  // Ids each getUserMedia handed out, and the ids the peer connections' logs mention sending.
  const gumStreams: string[][] = [];
  const sentIds = new Set<string>();
  const bufferOf = (pc: string) => {
    let b = pcs.get(pc);
    if (!b) {
      b = { calls: [], objects: new Map() };
      pcs.set(pc, b);
    }
    return b;
  };
  const select = (p: JsonPath): 'walk' | 'read' | 'skip' => {
    if (p.length === 1) {
      if (p[0] === 'PeerConnections' || p[0] === 'getUserMedia') {
        return 'walk';
      }
      return p[0] === 'UserAgent' || p[0] === 'UserAgentData' ? 'read' : 'skip';
    }
    if (p[0] === 'getUserMedia') {
      return 'read';
    }
    if (p.length === 2) {
      return 'walk';
    }
    if (p.length === 3) {
      return p[2] === 'stats' || p[2] === 'updateLog' ? 'walk' : 'skip';
    }
    if (p[2] === 'stats') {
      const field = p[3].slice(p[3].lastIndexOf('-') + 1);
      return FIELDS.has(field) ? 'read' : 'skip';
    }
    return 'read';
  };
  const onValue = (p: JsonPath, value: unknown) => {
    if (p[0] === 'UserAgent' && typeof value === 'string') {
      profile.userAgent = value;
    } else if (p[0] === 'UserAgentData' && isObject(value) && Array.isArray(value.brands)) {
      profile.brands = value.brands.filter(
        (b): b is { brand: string; version: string } => typeof b?.brand === 'string' && typeof b?.version === 'string'
      );
      profile.platform = typeof value.platform === 'string' ? value.platform : undefined;
    } else if (p[0] === 'getUserMedia') {
      sawGum = true;
      if (!isObject(value) || !Number.isFinite(timeOf(value))) {
        throw invalidDump(`${name}: getUserMedia[${p[1]}] must be an object with a timestamp`);
      }
      const ids = gumIds(value);
      if (ids.length > 0) {
        gumStreams.push(ids);
      }
      out.push(gumCall(value, timeOf(value)));
    } else if (p[0] === 'PeerConnections' && p.length === 2) {
      throw invalidDump(`${name}: PeerConnections.${p[1]} must be an object`);
    } else if (p[2] === 'updateLog') {
      if (!isObject(value) || typeof value.type !== 'string' || !Number.isFinite(timeOf(value))) {
        throw invalidDump(
          `${name}: PeerConnections.${p[1]}.updateLog[${p[3]}] must be an object with a type and a timestamp`
        );
      }
      if (typeof value.value === 'string' && SENDING.has(value.type)) {
        const text =
          value.type === 'setLocalDescription' ? (value.value.match(/a=msid:.*/g) ?? []).join(' ') : value.value;
        for (const id of text.match(ID_TOKEN) ?? []) {
          sentIds.add(id);
        }
      }
      bufferOf(p[1]).calls.push({
        kind: 'call',
        method: value.type,
        pc: p[1],
        value: parseValue(value.value),
        ts: timeOf(value),
      });
    } else if (p[2] === 'stats') {
      if (!isObject(value) || typeof value.values !== 'string' || typeof value.statsType !== 'string') {
        throw invalidDump(
          `${name}: PeerConnections.${p[1]}.stats["${p[3]}"] must be {startTime, endTime, statsType, values}`
        );
      }
      const cut = p[3].lastIndexOf('-');
      const values = parseValue(value.values);
      if (cut <= 0 || !Array.isArray(values)) {
        throw invalidDump(
          `${name}: PeerConnections.${p[1]}.stats["${p[3]}"] is not a "<statsId>-<field>" series of values`
        );
      }
      const id = p[3].slice(0, cut);
      const objects = bufferOf(p[1]).objects;
      let obj = objects.get(id);
      if (!obj) {
        obj = {
          type: value.statsType,
          start: Date.parse(String(value.startTime)),
          end: Date.parse(String(value.endTime)),
          fields: new Map(),
        };
        objects.set(id, obj);
      }
      obj.fields.set(p[3].slice(cut + 1), values);
    }
  };
  const onClose = (p: JsonPath) => {
    if (p.length === 1 && p[0] === 'PeerConnections') {
      sawPeerConnections = true;
    }
    if (p.length === 2 && p[0] === 'PeerConnections') {
      pcIds.push(p[1]);
      const buf = pcs.get(p[1]);
      pcs.delete(p[1]);
      if (buf) {
        out.push(...flush(p[1], buf));
      }
    }
  };
  const scanner = new JsonScanner(name, select, onValue, onClose);
  for await (const chunk of chunks) {
    scanner.push(chunk);
    yield* out.splice(0, out.length);
  }
  scanner.end();
  if (!sawPeerConnections && !sawGum) {
    throw invalidDump(
      `${name}: a JSON document, but not a webrtc-internals dump (it has no PeerConnections and no getUserMedia log)`
    );
  }
  const unused = gumStreams.filter((ids) => !ids.some((id) => sentIds.has(id))).length;
  const missing = missingConnectionSigns(pcIds, unused);
  if (missing) {
    noteWarning(profile, missing);
  }
}
