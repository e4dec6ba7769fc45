import { writeFileSync } from 'node:fs';
import type { IngestRecord } from '../model/records';
import { generateSession, type GeneratedSession, type SessionSpec } from './generate';
import type { SimulationManifest } from './manifest';
import { planBackfill, specFor } from './plan';
import { Random } from './random';
import { sleep, writeRecords } from './writer';

export interface SimulateOptions {
  url: string;
  token: string;
  seed: number;
  sessions: number;
  hours: number;
  sampleIntervalMs: number;
  /** Keep producing sessions in real time after the backfill, until `signal` aborts. */
  live: boolean;
  /** Mean seconds between new live sessions. */
  liveEverySeconds?: number;
  manifestPath?: string;
  /** One large broadcast instead of the mix (benchmarks, large-session views). */
  broadcast?: { subscribers: number; minutes: number };
  now?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Called (and awaited) after each backfilled session is stored, newest sessions first. */
  onBackfill?: (p: BackfillProgress) => void | Promise<void>;
}

export interface BackfillProgress {
  sessions: number;
  totalSessions: number;
  records: number;
  totalRecords: number;
}

/** Generates every planned session; the seed alone decides the content. */
export function generateBackfill(
  o: Pick<SimulateOptions, 'seed' | 'sessions' | 'hours' | 'sampleIntervalMs' | 'broadcast'> & { now: number }
): GeneratedSession[] {
  let specs: SessionSpec[];
  if (o.broadcast) {
    const r = new Random(o.seed);
    const spec = specFor(r, 'broadcast', 0, o.sampleIntervalMs);
    spec.users = o.broadcast.subscribers + 1;
    spec.minutes = o.broadcast.minutes;
    spec.meetings = 1;
    spec.start = o.now - (o.broadcast.minutes + 3) * 60_000;
    specs = [spec];
  } else {
    specs = planBackfill({
      seed: o.seed,
      sessions: o.sessions,
      hours: o.hours,
      now: o.now,
      sampleIntervalMs: o.sampleIntervalMs,
    });
  }
  return specs.map((spec, i) => generateSession(spec, o.seed * 7919 + i));
}

/**
 * Backfill, then (optionally) live sessions whose records are sent as their time comes. The
 * backfill stores the newest sessions first, so a search of the last hours answers early.
 */
export async function simulate(o: SimulateOptions): Promise<SimulationManifest> {
  const log = o.log ?? (() => undefined);
  const now = o.now ?? Date.now();
  const generated = generateBackfill({ ...o, now });
  const totalRecords = generated.reduce((n, g) => n + g.records.length, 0);
  const manifest: SimulationManifest = {
    seed: o.seed,
    generatedFrom: generated.length ? Math.min(...generated.map((g) => g.truth.start)) : now,
    generatedTo: now,
    sessions: generated.map((g) => g.truth),
  };
  if (o.manifestPath) {
    writeFileSync(o.manifestPath, JSON.stringify(manifest, null, 1));
  }
  const result = { accepted: 0, duplicates: 0, batches: 0 };
  const newestFirst = [...generated].sort((a, b) => b.truth.end - a.truth.end);
  for (const [i, g] of newestFirst.entries()) {
    const r = await writeRecords(o, g.records);
    result.accepted += r.accepted;
    result.duplicates += r.duplicates;
    result.batches += r.batches;
    await o.onBackfill?.({
      sessions: i + 1,
      totalSessions: generated.length,
      records: result.accepted + result.duplicates,
      totalRecords,
    });
  }
  if (generated.length > 0) {
    log(
      `backfill: ${generated.length} sessions, ${totalRecords} records (${result.accepted} new, ${result.duplicates} already stored) in ${result.batches} batches`
    );
  }
  if (o.live) {
    await runLive(o, log);
  }
  return manifest;
}

/** Starts a new session every few seconds and streams each record when its timestamp arrives. */
async function runLive(o: SimulateOptions, log: (line: string) => void): Promise<void> {
  // Live sessions are new on every run: mixing the start time into the seed keeps a restarted
  // simulator from reusing the session ids of an earlier run.
  const liveSeed = (o.seed ^ Math.floor(Date.now() / 1000)) >>> 0;
  const r = new Random(liveSeed);
  const pending: IngestRecord[] = [];
  let nextStart = Date.now();
  let started = 0;
  log('live: producing sessions until stopped');
  while (!o.signal?.aborted) {
    const now = Date.now();
    if (now >= nextStart) {
      const shape = r.weighted([
        ['one-to-one', 45],
        ['multiparty', 40],
        ['one-to-zero', 15],
      ] as const);
      const spec = specFor(r, shape, now, o.sampleIntervalMs);
      spec.meetings = 1;
      spec.minutes = Math.min(spec.minutes, 12);
      pending.push(...generateSession(spec, liveSeed + started++).records);
      pending.sort((a, b) => a.ts - b.ts);
      nextStart = now + (o.liveEverySeconds ?? 20) * 1000 * r.between(0.5, 1.5);
    }
    let due = 0;
    while (due < pending.length && pending[due].ts <= now) {
      due++;
    }
    if (due > 0) {
      try {
        await writeRecords(o, pending.splice(0, due));
      } catch (err) {
        log(`live: ${(err as Error).message}`);
      }
    }
    await sleep(2000, o.signal);
  }
}
