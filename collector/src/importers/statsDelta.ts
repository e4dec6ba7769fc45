import type { StatsMap, StatsReport } from './trace';
import { statsPropertyName, statsTypeName } from './v3Tables';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Legacy rtcstats delta compression (as rtcstats-server reads it): a report absent from the new
 * entry is gone; a field absent from a present report keeps its old value; a report timestamp of
 * 0 means "the entry's top-level timestamp" and a missing one means "unchanged".
 */
export function applyLegacyDelta(base: StatsMap | undefined, delta: Record<string, unknown>): StatsMap {
  const top = typeof delta.timestamp === 'number' ? delta.timestamp : undefined;
  const next: StatsMap = new Map();
  for (const [id, value] of Object.entries(delta)) {
    if (!isObject(value)) {
      continue;
    }
    const prev = base?.get(id);
    const report: StatsReport = prev ? { ...prev, ...value } : { ...value };
    if (value.timestamp === 0 || (value.timestamp === undefined && !prev)) {
      report.timestamp = top;
    } else if (value.timestamp === undefined) {
      report.timestamp = prev?.timestamp;
    }
    next.set(id, report);
  }
  return next;
}

function expandNames(report: Record<string, unknown>): StatsReport {
  // Property names come from the dump: no prototype, so `__proto__` stays a plain key.
  const out: StatsReport = Object.create(null);
  for (const [key, value] of Object.entries(report)) {
    const name = statsPropertyName(key);
    out[name] = name === 'type' ? statsTypeName(value) : value;
  }
  return out;
}

/**
 * rtcstats v3 delta compression: property and type names may be numeric codes, the shared
 * timestamp sits at the top (`t`), a report absent from the entry is unchanged, and a report set
 * to null was removed.
 */
export function applyV3Delta(base: StatsMap | undefined, delta: Record<string, unknown>): StatsMap {
  const topRaw = delta.t ?? delta.timestamp;
  const top = typeof topRaw === 'number' ? topRaw : undefined;
  const next: StatsMap = new Map();
  for (const [id, prev] of base ?? []) {
    // Ids come from the dump: only the delta's own entries count (not `constructor`...). An id
    // absent from the delta is unchanged; one set to null was removed.
    if (!Object.hasOwn(delta, id)) {
      next.set(id, top === undefined ? prev : { ...prev, timestamp: top });
    }
  }
  for (const [id, value] of Object.entries(delta)) {
    if (!isObject(value)) {
      continue;
    }
    const fresh = expandNames(value);
    const prev = base?.get(id);
    const report: StatsReport = prev ? { ...prev, ...fresh } : fresh;
    if (fresh.timestamp === undefined && top !== undefined) {
      report.timestamp = top;
    }
    next.set(id, report);
  }
  return next;
}
