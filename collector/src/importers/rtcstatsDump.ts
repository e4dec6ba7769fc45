import { applyLegacyDelta, applyV3Delta } from './statsDelta';
import { invalidDump } from '../errors';
import { type DumpProfile, type StatsMap, type TraceEntry } from './trace';
import { methodName } from './v3Tables';

// Epoch ms between 2000-01-01 and 2100-01-01, as the ingest API accepts.
const MIN_TS = 946684800000;
const MAX_TS = 4102444800000;

type Line = { text: string; n: number; complete: boolean };

function parseLine(line: Line, name: string): unknown {
  try {
    return JSON.parse(line.text);
  } catch {
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
  const base = new Map<string, StatsMap>();
  for await (const line of lines) {
    if (line.text.trim() === '') {
      continue;
    }
    if (line.n === 1 && line.text.trim() === 'RTCStatsDump') {
      v3 = true;
      continue;
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
      if (v3) {
        continue; // rtcstats v3 readers skip lines that are not trace arrays
      }
      throw invalidDump(`${name}: line ${line.n} is not a [method, peerConnectionId, value, timestamp] array`);
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
    const value = v3 ? unquote(parsed[2]) : parsed[2];
    if (method === 'connectionInfo' || (method === 'create' && pc === null)) {
      profileFrom(value, profile);
    }
    if ((method === 'getstats' || method === 'getStats') && pc !== null) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw invalidDump(`${name}: line ${line.n}: the ${method} value must be an object of stats reports`);
      }
      const stats = (v3 ? applyV3Delta : applyLegacyDelta)(base.get(pc), value as Record<string, unknown>);
      base.set(pc, stats);
      yield { kind: 'stats', pc, stats, ts };
      continue;
    }
    if (method === 'close' && pc !== null) {
      base.delete(pc); // a closed peer connection reports no more stats: its last ones can go
    }
    yield { kind: 'call', method, pc, value, ts };
  }
}
