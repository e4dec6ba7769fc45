import { standardStats } from './legacyStats';
import { applyLegacyDelta, applyV3Delta } from './statsDelta';
import { invalidDump } from '../errors';
import { noteSkipped, type DumpProfile, type StatsMap, type TraceEntry } from './trace';
import { methodName } from './v3Tables';

// Epoch ms between 2000-01-01 and 2100-01-01, as the ingest API accepts.
const MIN_TS = 946684800000;
const MAX_TS = 4102444800000;
// Stats lines of one dump are in time order (other lines may be logged late, and a header may
// carry the upload time); stats that go back further than this are a second dump appended.
const CLOCK_RESET_MS = 10 * 60 * 1000;

type Line = { text: string; n: number; complete: boolean };

/** A line that is the end of one dump run into the start of another (`cat a b` where a has no final newline). */
function joinedDumps(text: string): boolean {
  const cut = text.search(/\](?=\s*(?:\[|RTCStatsDump))/);
  if (cut < 0) {
    return false;
  }
  try {
    JSON.parse(text.slice(0, cut + 1));
    return true;
  } catch {
    return false;
  }
}

function parseLine(line: Line, name: string): unknown {
  try {
    return JSON.parse(line.text);
  } catch {
    if (joinedDumps(line.text)) {
      throw invalidDump(
        `${name}: line ${line.n} joins the end of one dump to the start of another: two dumps were joined into one file; import each dump as its own file (each becomes one user)`
      );
    }
    if (!line.complete) {
      throw invalidDump(`${name}: line ${line.n} is cut off (the dump is truncated)`);
    }
    throw invalidDump(`${name}: line ${line.n} is not valid JSON`);
  }
}

function checkTs(ts: number, line: Line, name: string): number {
  if (!Number.isFinite(ts) || ts < MIN_TS || ts > MAX_TS) {
    throw invalidDump(
      `${name}: line ${line.n} has timestamp ${ts}, which is not epoch milliseconds between 2000 and 2100`
    );
  }
  return ts;
}

// Chromium JSON-encodes state values ("\"connected\""); rtcstats-js writes them bare.
function unquote(value: unknown): unknown {
  if (typeof value === 'string' && value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

function profileFrom(value: unknown, profile: DumpProfile): void {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return;
    }
  }
  if (typeof v !== 'object' || v === null) {
    return;
  }
  const o = v as { userAgent?: unknown; userAgentData?: { brands?: unknown; platform?: unknown } };
  if (typeof o.userAgent === 'string' && !profile.userAgent) {
    profile.userAgent = o.userAgent;
  }
  if (o.userAgentData && Array.isArray(o.userAgentData.brands) && !profile.brands) {
    profile.brands = o.userAgentData.brands.filter(
      (b): b is { brand: string; version: string } => typeof b?.brand === 'string' && typeof b?.version === 'string'
    );
    profile.platform = typeof o.userAgentData.platform === 'string' ? o.userAgentData.platform : undefined;
  }
}

/**
 * rtcstats legacy (JSON Lines of `[method, pcId, value, timeMs]`, first line `connectionInfo`)
 * and v3 (`RTCStatsDump`, a metadata line, then `[method, pcId, value, ...extra, deltaMs]`), one
 * entry at a time; only the last stats of each peer connection is kept in memory.
 */
export async function* rtcstatsEntries(
  lines: AsyncIterable<Line>,
  name: string,
  profile: DumpProfile
): AsyncGenerator<TraceEntry> {
  let v3 = false;
  let clock = 0;
  let latest = 0;
  let entries = 0;
  const base = new Map<string, StatsMap>();
  const created = new Set<string>();
  const secondDump = (line: Line, what: string) =>
    invalidDump(
      `${name}: line ${line.n} starts a second dump (${what}): two dumps were joined into one file; import each dump as its own file (each becomes one user)`
    );
  for await (const line of lines) {
    const text = line.text.trim();
    if (text === '') {
      continue;
    }
    if (text === 'RTCStatsDump') {
      if (line.n === 1) {
        v3 = true;
        continue;
      }
      throw secondDump(line, 'an "RTCStatsDump" header');
    }
    const parsed = parseLine(line, name);
    if (v3 && line.n === 2) {
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw invalidDump(`${name}: line 2 of an rtcstats v3 dump must be its metadata object`);
      }
      profileFrom(parsed, profile);
      continue;
    }
    if (!Array.isArray(parsed) || parsed.length < 4) {
      if (
        v3 &&
        typeof parsed === 'object' &&
        parsed !== null &&
        (parsed as { fileFormat?: unknown }).fileFormat !== undefined
      ) {
        throw secondDump(line, 'a v3 metadata line');
      }
      if (entries === 0 && !v3) {
        throw invalidDump(`${name}: line ${line.n} is not a [method, peerConnectionId, value, timestamp] array`);
      }
      // Client annotations of other shapes (jitsi's 3-element ["e2eRtt", null, {...}]) are not trace entries.
      const label = Array.isArray(parsed) && typeof parsed[0] === 'string' ? ` ("${parsed[0].slice(0, 40)}")` : '';
      noteSkipped(profile, `line ${line.n}${label}`);
      continue;
    }
    const method = v3 ? methodName(parsed[0]) : parsed[0];
    const pc = parsed[1];
    if (typeof method !== 'string' || method === '' || (pc !== null && typeof pc !== 'string')) {
      throw invalidDump(`${name}: line ${line.n} must start with a method name and a peer connection id (or null)`);
    }
    const last = v3 ? parsed[parsed.length - 1] : parsed[3];
    if (typeof last !== 'number') {
      throw invalidDump(
        `${name}: line ${line.n} has no timestamp (its ${v3 ? 'last' : 'fourth'} element must be a number)`
      );
    }
    clock = v3 ? clock + last : last;
    const ts = checkTs(v3 ? clock : last, line, name);
    if (method === 'connectionInfo' && entries > 0) {
      throw secondDump(line, 'a second connectionInfo header');
    }
    if (method === 'create' && pc !== null) {
      if (created.has(pc)) {
        throw secondDump(line, `peer connection ${pc} is created a second time`);
      }
      created.add(pc);
    }
    const stats = (method === 'getstats' || method === 'getStats') && pc !== null;
    if (stats) {
      if (latest - ts > CLOCK_RESET_MS) {
        throw secondDump(
          line,
          `its stats go back ${Math.round((latest - ts) / 60000)} minutes, from ${new Date(latest).toISOString()} to ${new Date(ts).toISOString()}`
        );
      }
      latest = Math.max(latest, ts);
    }
    entries++;
    const value = v3 ? unquote(parsed[2]) : parsed[2];
    if (method === 'connectionInfo' || (method === 'create' && pc === null)) {
      profileFrom(value, profile);
    }
    if (stats) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw invalidDump(`${name}: line ${line.n}: the ${method} value must be an object of stats reports`);
      }
      const stats = (v3 ? applyV3Delta : applyLegacyDelta)(base.get(pc), value as Record<string, unknown>);
      base.set(pc, stats);
      yield { kind: 'stats', pc, stats: standardStats(stats), ts };
      continue;
    }
    if (method === 'close' && pc !== null) {
      base.delete(pc); // a closed peer connection reports no more stats: its last ones can go
    }
    yield { kind: 'call', method, pc, value, ts };
  }
}
