import { Limits } from '@model';
import type { IngestRecord } from '../model/records';
import { retryAfterMs } from '../http/retryAfter';

export interface WriterOptions {
  url: string;
  token: string;
  /** Attempts per batch on network errors and 5xx answers. */
  attempts?: number;
  backoffMs?: number;
  /** How long a batch may keep being told to come back later (429 / 503) before giving up. */
  overloadBudgetMs?: number;
  signal?: AbortSignal;
  /** Called for every 429 / 503 with the wait it asked for (tests, progress). */
  onOverloaded?: (waitMs: number) => void;
}

/** A 4xx from the collector: the batch is wrong, retrying cannot help. */
export class IngestRejected extends Error {}

/** Resolves after `ms`, or at once when `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

async function postBatch(o: WriterOptions, batch: IngestRecord[]): Promise<{ accepted: number; duplicates: number }> {
  const attempts = o.attempts ?? 5;
  let delay = o.backoffMs ?? 250;
  let lastError = '';
  let overloadedMs = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let wait = delay;
    try {
      const res = await fetch(`${o.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ records: batch }),
        signal: o.signal,
      });
      const text = await res.text();
      if (res.ok) {
        return JSON.parse(text);
      }
      const message = text ? (JSON.parse(text).error ?? text) : res.statusText;
      if (res.status === 429 || res.status === 503) {
        // The collector is saturated and says when to come back: that is not a failed attempt.
        wait = (retryAfterMs(res.headers.get('retry-after')) ?? delay) * (1 + Math.random() * 0.25);
        overloadedMs += wait;
        if (overloadedMs <= (o.overloadBudgetMs ?? 10 * 60_000)) {
          o.onOverloaded?.(wait);
          attempt--;
          await sleep(wait, o.signal);
          if (o.signal?.aborted) {
            throw o.signal.reason;
          }
          continue;
        }
      } else if (res.status < 500) {
        throw new IngestRejected(`collector refused a batch (${res.status}): ${message}`);
      }
      lastError = `${res.status} ${message}`;
    } catch (err) {
      if (err instanceof IngestRejected || o.signal?.aborted) {
        throw err;
      }
      lastError = (err as Error).message;
    }
    if (attempt < attempts) {
      await sleep(wait, o.signal);
      delay *= 2;
    }
  }
  throw new Error(`ingest failed after ${attempts} attempts: ${lastError}`);
}

/** Sends records through the public ingest API in batches the collector accepts. */
export async function writeRecords(
  o: WriterOptions,
  records: IngestRecord[]
): Promise<{ accepted: number; duplicates: number; batches: number }> {
  let accepted = 0;
  let duplicates = 0;
  let batches = 0;
  for (let i = 0; i < records.length; i += Limits.maxBatchRecords) {
    const res = await postBatch(o, records.slice(i, i + Limits.maxBatchRecords));
    accepted += res.accepted;
    duplicates += res.duplicates;
    batches++;
  }
  return { accepted, duplicates, batches };
}
