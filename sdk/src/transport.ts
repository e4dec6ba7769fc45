import type { IngestRecord } from '../../collector/src/model/records';

export interface TransportOptions {
  /** The collector's ingest URL. */
  url: string;
  token: string;
  /** Send when this many records wait... */
  maxRecords: number;
  /** ...or when the oldest has waited this long. */
  maxDelayMs: number;
  /** Records kept while the collector cannot be reached; the oldest are dropped beyond it. */
  bufferSize: number;
  initialRetryMs: number;
  maxRetryMs: number;
  /** A request without an answer this long is abandoned and retried (a half-open connection must not stall the queue). */
  requestTimeoutMs: number;
  /** Records dropped from a full buffer, reported once the collector takes records again. */
  onDropped: (count: number, fromTs: number, toTs: number) => void;
  /** A batch the collector refused (4xx other than 408 / 429): it is not sent again. */
  onRejected: (status: number, error: string, count: number) => void;
}

export interface TransportCounters {
  /** Main-thread milliseconds spent serialising batches (the page's cost of sending). */
  serializeMs: number;
  sent: number;
  duplicates: number;
  rejected: number;
  dropped: number;
  retries: number;
  queued: number;
}

// Chromium refuses keepalive requests beyond 64 KiB in flight per page.
const KEEPALIVE_BYTES = 60_000;
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Milliseconds a Retry-After header asks for (delta seconds or an HTTP date), if it asks. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) {
    return undefined;
  }
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}

/** Exponential backoff with equal jitter: half the step fixed, half random, so clients spread out. */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, random = Math.random()): number {
  const step = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random * step) / 2);
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Batches records to `POST /api/v1/ingest`, one request at a time so the collector receives them
 * in the order they were taken. Failed sends (network errors, 408, 429, 5xx) are retried with
 * backoff, honouring Retry-After, with the same records and ids: ingest is idempotent, so a
 * batch that was stored but whose answer was lost is counted as duplicates, never stored twice.
 */
export class Transport {
  private queue: IngestRecord[] = [];
  /** How many records at the head of the queue the current request carries. */
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private droppedSinceReport = { count: 0, from: 0, to: 0 };
  private waiters: Array<() => void> = [];
  private closed = false;
  readonly counters: TransportCounters = {
    serializeMs: 0,
    sent: 0,
    duplicates: 0,
    rejected: 0,
    dropped: 0,
    retries: 0,
    queued: 0,
  };

  constructor(private readonly o: TransportOptions) {}

  push(record: IngestRecord): void {
    if (this.queue.length >= this.o.bufferSize) {
      // The oldest record not already on its way.
      const [old] = this.queue.splice(this.inFlight, 1);
      const d = this.droppedSinceReport;
      d.from = d.count === 0 ? old.ts : Math.min(d.from, old.ts);
      d.to = Math.max(d.to, old.ts);
      d.count++;
      this.counters.dropped++;
    }
    this.queue.push(record);
    this.counters.queued = this.queue.length;
    this.schedule();
  }

  /** Sends what waits now; resolves when the queue is empty or a send has failed. */
  flush(): Promise<void> {
    if (this.queue.length === 0) {
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.inFlight === 0) {
      clearTimeout(this.timer);
      clearTimeout(this.retryTimer);
      this.timer = this.retryTimer = undefined;
      void this.send();
    }
    return done;
  }

  /**
   * The page is going away: hand every waiting record to the browser in keepalive requests that
   * outlive the page (they may repeat the one in flight; ingest drops the repeats).
   */
  sendBeforeUnload(): void {
    let chunk: IngestRecord[] = [];
    let size = 0;
    const post = () => {
      if (chunk.length > 0) {
        void this.post(JSON.stringify({ records: chunk }), true).catch(() => undefined);
      }
      chunk = [];
      size = 0;
    };
    for (const r of this.queue) {
      const bytes = JSON.stringify(r).length + 1;
      if (size + bytes > KEEPALIVE_BYTES - 20) {
        post();
      }
      chunk.push(r);
      size += bytes;
    }
    post();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    this.release();
  }

  private schedule(): void {
    if (this.closed || this.inFlight > 0 || this.retryTimer !== undefined) {
      return;
    }
    if (this.queue.length >= this.o.maxRecords) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.send();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.send();
      }, this.o.maxDelayMs);
    }
  }

  private post(body: string, keepalive: boolean, signal?: AbortSignal): Promise<Response> {
    return fetch(this.o.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json' },
      body,
      keepalive,
      credentials: 'omit',
      signal,
    });
  }

  private async send(): Promise<void> {
    if (this.closed || this.inFlight > 0) {
      return;
    }
    if (this.queue.length === 0) {
      this.release();
      return;
    }
    const batch = this.queue.slice(0, this.o.maxRecords);
    this.inFlight = batch.length;
    const started = performance.now();
    const body = JSON.stringify({ records: batch });
    this.counters.serializeMs += performance.now() - started;
    let res: Response;
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), this.o.requestTimeoutMs);
    try {
      res = await this.post(body, body.length < KEEPALIVE_BYTES, abort.signal);
    } catch {
      clearTimeout(timeout);
      this.retry(undefined);
      return;
    }
    clearTimeout(timeout);
    if (res.ok) {
      const answer = (await res.json().catch(() => ({}))) as { accepted?: number; duplicates?: number };
      this.done(batch.length);
      this.counters.sent += answer.accepted ?? batch.length;
      this.counters.duplicates += answer.duplicates ?? 0;
      this.attempt = 0;
      this.reportDrops();
    } else if (retryable(res.status)) {
      await res.arrayBuffer().catch(() => undefined);
      this.retry(retryAfterMs(res.headers.get('retry-after')));
      return;
    } else {
      const error = ((await res.json().catch(() => ({}))) as { error?: string }).error ?? res.statusText;
      this.done(batch.length);
      this.counters.rejected += batch.length;
      this.o.onRejected(res.status, error, batch.length);
    }
    if (this.queue.length === 0) {
      this.release();
    } else if (this.waiters.length > 0) {
      void this.send();
      return;
    }
    this.schedule();
  }

  private done(count: number) {
    this.queue.splice(0, count);
    this.inFlight = 0;
    this.counters.queued = this.queue.length;
  }

  private retry(afterMs: number | undefined) {
    this.inFlight = 0;
    this.attempt++;
    this.counters.retries++;
    this.release();
    if (this.closed) {
      return;
    }
    const delay = afterMs ?? backoffMs(this.attempt, this.o.initialRetryMs, this.o.maxRetryMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.send();
    }, delay);
  }

  private reportDrops() {
    const d = this.droppedSinceReport;
    if (d.count > 0) {
      this.droppedSinceReport = { count: 0, from: 0, to: 0 };
      this.o.onDropped(d.count, d.from, d.to);
    }
  }

  private release() {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
