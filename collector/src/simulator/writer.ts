import { Limits } from '@model';
import type { IngestRecord } from '../model/records';

export interface WriterOptions {
  url: string;
  token: string;
  /** Attempts per batch on network errors and 5xx answers. */
  attempts?: number;
  backoffMs?: number;
  signal?: AbortSignal;
}

/** A 4xx from the collector: the batch is wrong, retrying cannot help. */
export class IngestRejected extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function postBatch(o: WriterOptions, batch: IngestRecord[]): Promise<{ accepted: number; duplicates: number }> {
  const attempts = o.attempts ?? 5;
  let delay = o.backoffMs ?? 250;
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
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
      if (res.status < 500) {
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
      await sleep(delay);
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
