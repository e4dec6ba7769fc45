import type { FastifyReply, FastifyRequest } from 'fastify';
import { Limits } from '@model';
import { overloaded } from '../errors';

export interface AdmissionOptions {
  /** Batches written at once (PGlite: 1, its one connection; PostgreSQL: the ingest pool). */
  writers: number;
  /** A batch admitted now should wait at most about this long for its turn. */
  maxQueueMs: number;
  /** Admitted requests (being read, waiting or writing) at most. */
  maxPending: number;
  /** Bytes of admitted request bodies held in memory at most. */
  maxPendingBytes: number;
  /** New batches are refused, while others are in flight, when the event loop runs this late, ms. */
  maxLoopDelayMs: number;
}

/** The event loop's lateness is sampled by a timer of this period, and averaged per window. */
const LOOP_TICK_MS = 20;
const LOOP_WINDOW_MS = 1000;

/**
 * How late the event loop runs, ms: the mean lateness of a timer over the last full window (or
 * the current one, if later). A mean, so one long synchronous task (a large import's parse) is
 * not mistaken for saturation. One per thread (the loop it measures), started on first use; the
 * timer never keeps the process alive.
 */
const loopLateness = (() => {
  let started = false;
  let previousMs = 0;
  let sum = 0;
  let ticks = 0;
  let windowStart = 0;
  const start = () => {
    started = true;
    let expected = performance.now() + LOOP_TICK_MS;
    windowStart = performance.now();
    setInterval(() => {
      const now = performance.now();
      sum += Math.max(0, now - expected);
      ticks++;
      expected = now + LOOP_TICK_MS;
      if (now - windowStart >= LOOP_WINDOW_MS) {
        previousMs = sum / ticks;
        sum = 0;
        ticks = 0;
        windowStart = now;
      }
    }, LOOP_TICK_MS).unref();
  };
  return (): number => {
    if (!started) {
      start();
    }
    return Math.max(previousMs, ticks > 0 ? sum / ticks : 0);
  };
})();

/**
 * Backpressure for every route that writes telemetry (ingest, import, and what joins them).
 * A request is admitted before its body is read, or refused with 429 and `Retry-After` when the
 * batches already admitted would keep it waiting longer than `maxQueueMs` (judged from how long
 * recent writes took), when too many requests or bytes are in flight, or, while batches are in
 * flight, when the event loop runs late (reading, parsing and validating bodies can saturate
 * the collector's own thread before the store: then every answer, queries and 429s included,
 * would wait on it) or recent batches took longer than `maxQueueMs` to be answered (whatever
 * slowed them: a machine short of CPU too). Admitted batches then take turns, `writers` at a
 * time. So memory and latency stay bounded at any offered load, and readers (served from their
 * own connections, or before waiting writes on PGlite) are never queued behind ingest.
 */
export class IngestAdmission {
  private pending = 0;
  private pendingBytes = 0;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Recent write duration (exponentially weighted), ms. */
  private writeMs = 20;
  /** Recent time from admission to answer of an ingest batch (exponentially weighted), ms. */
  private answerMs = 0;
  /** Counters for /healthz-style inspection and the overload bench. */
  readonly counts = { admitted: 0, refused: 0 };

  constructor(private readonly o: AdmissionOptions) {}

  /** How long a batch admitted now would wait for its turn, ms. */
  expectedWaitMs(): number {
    return (this.pending / this.o.writers) * this.writeMs;
  }

  /**
   * Admits one request of `bytes` (its declared length) or throws a 429. Returns the release
   * function, to call once when the request is answered; calling it again does nothing.
   * `timed`: its time to answer counts in `answerMs` (ingest batches; not uploads, which take
   * as long as their file).
   */
  admit(bytes: number, timed = true): () => void {
    const lateMs = loopLateness();
    const reason =
      this.pending >= this.o.maxPending
        ? `${this.pending} requests are already being written`
        : this.pendingBytes + bytes > this.o.maxPendingBytes
          ? `${Math.round(this.pendingBytes / 1024 / 1024)} MiB of batches are already waiting`
          : this.expectedWaitMs() > this.o.maxQueueMs
            ? `the batches already admitted need about ${Math.round(this.expectedWaitMs())} ms`
            : this.pending > 0 && lateMs > this.o.maxLoopDelayMs
              ? `the collector runs ${Math.round(lateMs)} ms late`
              : this.pending > 0 && this.answerMs > this.o.maxQueueMs
                ? `admitted batches take about ${Math.round(this.answerMs)} ms to be answered`
                : undefined;
    if (reason) {
      this.counts.refused++;
      const retryAfterS = Math.min(30, Math.max(1, Math.ceil(this.expectedWaitMs() / 1000)));
      throw overloaded(`ingest is saturated (${reason}): retry after ${retryAfterS} s`, retryAfterS);
    }
    this.counts.admitted++;
    this.pending++;
    this.pendingBytes += bytes;
    let released = false;
    const admitted = performance.now();
    return () => {
      if (!released) {
        released = true;
        this.pending--;
        this.pendingBytes -= bytes;
        if (timed) {
          this.answerMs = 0.8 * this.answerMs + 0.2 * (performance.now() - admitted);
        }
      }
    };
  }

  /** Runs one write when a writer is free (admitted requests only). */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.o.writers) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.writeMs = 0.8 * this.writeMs + 0.2 * (performance.now() - started);
      // Hand the writer straight to the next batch in line, or free it.
      const next = this.waiting.shift();
      if (next) {
        next();
      } else {
        this.active--;
      }
    }
  }
}

/**
 * The `onRequest` hook of a route that writes telemetry: admits the request before its body is
 * read (`inMemory`: its body is held in memory, counted by its declared length) and releases it
 * when the answer is sent or the connection drops. `check` runs first (authentication), so a
 * request that would be refused anyway takes no place in the queue.
 */
export function admissionHook(admission: IngestAdmission, check: (req: FastifyRequest) => void, inMemory: boolean) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    check(req);
    const declared = Number(req.headers['content-length']);
    const bytes = !inMemory ? 0 : Number.isFinite(declared) ? declared : Limits.maxBodyBytes;
    reply.raw.once('close', admission.admit(bytes, inMemory));
  };
}

/** The admission a store gets unless the configuration says otherwise. */
export function defaultAdmission(kind: 'pglite' | 'postgres', overrides: Partial<AdmissionOptions> = {}) {
  return new IngestAdmission({
    writers: kind === 'pglite' ? 1 : Limits.ingestWritersPostgres,
    maxQueueMs: Limits.ingestMaxQueueMs,
    maxPending: Limits.ingestMaxPending,
    maxPendingBytes: Limits.ingestMaxPendingBytes,
    maxLoopDelayMs: Limits.ingestMaxLoopDelayMs,
    ...overrides,
  });
}
