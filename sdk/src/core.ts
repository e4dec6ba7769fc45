import type {
  ClientInfo,
  EventRecord,
  IngestRecord,
  MarkRecord,
  QualitySampleRecord,
  RatingRecord,
} from '../../collector/src/model/records';
import { clientInfoDetailed, clientInfoNow } from './clientInfo';
import { browserClientId, IdMaker } from './ids';
import type { ResolvedOptions } from './options';
import type { MediaSample } from './stats';
import { Transport } from './transport';
import { SDK_NAME, SDK_VERSION } from './version';

/** What adapters record: an event without the fields the core fills in. */
export type EventInit = Omit<EventRecord, 'kind' | 'id' | 'sessionId' | 'clientId' | 'ts' | 'client'> & {
  ts?: number;
  /** Attach this client's info (connect events: it describes the user). */
  withClient?: boolean;
};

/** Something polled for stats every interval: a peer connection, an OpenTok publisher or subscriber. */
export interface StatsSource {
  /** Reads stats and records samples; resolves with the main-thread milliseconds it spent. */
  poll(): Promise<number>;
}

// The ingest API's limits (collector/src/ingest/validate.ts): a record over them would make the
// collector refuse its whole batch, so the SDK cuts text to fit.
const LIMITS = { id: 256, code: 64, message: 2000, reason: 256, detailBytes: 4096, markName: 128 } as const;
const cut = (s: string | undefined, max: number) => (s === undefined ? undefined : s.slice(0, max));
const POLL_HISTORY = 120;
const PENDING_LIMIT = 500;

/** Median of a list of numbers (0 for none). */
export function median(values: number[]): number {
  if (values.length === 0) {
    return 0;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * One SDK instance: who and where (client, session), the records it makes, the transport that
 * sends them and the timer that polls every stats source.
 */
export class Core {
  readonly clientId: string;
  private sessionId: string | undefined;
  private readonly ids = new IdMaker();
  readonly transport: Transport;
  private client: ClientInfo;
  private sdk = `${SDK_NAME} ${SDK_VERSION}`;
  private readonly sources = new Set<StatsSource>();
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Records made before the session id was known. */
  private pending: IngestRecord[] = [];
  private readonly pollMs: number[] = [];
  private polls = 0;
  private closed = false;

  constructor(readonly options: ResolvedOptions) {
    this.clientId = options.userId ?? browserClientId();
    this.sessionId = options.sessionId;
    this.client = clientInfoNow(this.sdk);
    void clientInfoDetailed(this.sdk).then((info) => (this.client = { ...info, sdk: this.sdk }));
    this.transport = new Transport({
      url: options.ingestUrl,
      token: options.token,
      maxRecords: options.maxRecords,
      maxDelayMs: options.maxDelayMs,
      bufferSize: options.bufferSize,
      initialRetryMs: options.initialRetryMs,
      maxRetryMs: options.maxRetryMs,
      requestTimeoutMs: options.requestTimeoutMs,
      onDropped: (count, from, to) =>
        this.mark('session-inspector:records-dropped', { records: count, from, to }, true),
      onRejected: options.onRejected,
    });
  }

  get session(): string | undefined {
    return this.sessionId;
  }

  /** The call the records belong to; records made before it was known are sent now. */
  setSession(sessionId: string): void {
    if (typeof sessionId !== 'string' || sessionId === '' || sessionId.length > LIMITS.id) {
      throw new TypeError(`SessionInspector: a session id is a string of 1 to ${LIMITS.id} characters`);
    }
    this.sessionId = sessionId;
    const waiting = this.pending;
    this.pending = [];
    waiting.forEach((r) => this.queue({ ...r, sessionId }));
  }

  /** The SDK the user runs (OpenTok.js and its version when the OpenTok adapter is used). */
  setSdk(sdk: string): void {
    this.sdk = sdk;
    this.client = { ...this.client, sdk };
  }

  allows(kind: string): boolean {
    return !this.options.disabled.has(kind);
  }

  event(e: EventInit): void {
    if (!this.allows(e.action)) {
      return;
    }
    const { ts, withClient, code, message, reason, detail, ...rest } = e;
    const record: EventRecord = {
      ...rest,
      kind: 'event',
      id: this.ids.next(),
      sessionId: this.sessionId ?? '',
      ts: ts ?? Date.now(),
      clientId: this.clientId,
    };
    if (code !== undefined) {
      record.code = cut(code, LIMITS.code);
    }
    if (message !== undefined) {
      record.message = cut(message, LIMITS.message);
    }
    if (reason !== undefined) {
      record.reason = cut(reason, LIMITS.reason);
    }
    if (detail && JSON.stringify(detail).length <= LIMITS.detailBytes) {
      record.detail = detail;
    }
    if (withClient) {
      record.client = { ...this.client };
    }
    this.queue(record);
  }

  sample(ts: number, connectionId: string, s: MediaSample, subscriberId?: string): void {
    if (!this.allows('quality')) {
      return;
    }
    const record: QualitySampleRecord = {
      ...s,
      kind: 'quality',
      id: this.ids.next(),
      sessionId: this.sessionId ?? '',
      ts,
      clientId: this.clientId,
      connectionId,
    };
    if (s.role === 'subscriber' && subscriberId) {
      record.subscriberId = subscriberId;
    }
    this.queue(record);
  }

  rate(score: number, comment?: string): void {
    if (!Number.isInteger(score) || score < 1 || score > 5) {
      throw new RangeError(`SessionInspector.rate: score must be an integer from 1 to 5, got ${String(score)}`);
    }
    if (comment !== undefined && typeof comment !== 'string') {
      throw new TypeError('SessionInspector.rate: comment must be a string');
    }
    if (!this.allows('rating')) {
      return;
    }
    const record: RatingRecord = {
      kind: 'rating',
      id: this.ids.next(),
      sessionId: this.sessionId ?? '',
      ts: Date.now(),
      clientId: this.clientId,
      score,
    };
    if (comment) {
      record.comment = cut(comment, LIMITS.message);
    }
    this.queue(record);
  }

  mark(name: string, data?: Record<string, unknown>, internal = false): void {
    if (typeof name !== 'string' || name === '' || name.length > LIMITS.markName) {
      throw new TypeError(`SessionInspector.mark: name must be a string of 1 to ${LIMITS.markName} characters`);
    }
    if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) {
      throw new TypeError('SessionInspector.mark: data must be a plain object');
    }
    if (data !== undefined && JSON.stringify(data).length > LIMITS.detailBytes) {
      throw new RangeError(`SessionInspector.mark: data must be at most ${LIMITS.detailBytes} bytes of JSON`);
    }
    if (!internal && !this.allows('mark')) {
      return;
    }
    const record: MarkRecord = {
      kind: 'mark',
      id: this.ids.next(),
      sessionId: this.sessionId ?? '',
      ts: Date.now(),
      clientId: this.clientId,
      name,
    };
    if (data !== undefined) {
      record.data = data;
    }
    this.queue(record);
  }

  private queue(record: IngestRecord): void {
    if (this.closed) {
      return;
    }
    const kept = this.options.beforeSend ? this.options.beforeSend(record) : record;
    if (!kept) {
      return;
    }
    if (!kept.sessionId) {
      // Bounded like the transport's buffer: the oldest waiting record goes first.
      if (this.pending.length >= PENDING_LIMIT) {
        this.pending.shift();
      }
      this.pending.push(kept);
      return;
    }
    this.transport.push(kept);
  }

  addSource(source: StatsSource): () => void {
    this.sources.add(source);
    if (!this.timer && !this.closed) {
      this.timer = setInterval(() => void this.pollAll(), this.options.statsIntervalMs);
    }
    return () => {
      this.sources.delete(source);
      if (this.sources.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private async pollAll(): Promise<void> {
    const spent = await Promise.all([...this.sources].map((s) => s.poll().catch(() => 0)));
    this.polls++;
    this.pollMs.push(spent.reduce((a, b) => a + b, 0));
    if (this.pollMs.length > POLL_HISTORY) {
      this.pollMs.shift();
    }
  }

  diagnostics() {
    return {
      sessionId: this.sessionId,
      userId: this.clientId,
      sources: this.sources.size,
      polls: this.polls,
      /** Main-thread ms per poll (all sources): the last and the median of the last 120. */
      pollMs: { last: this.pollMs[this.pollMs.length - 1] ?? 0, median: median(this.pollMs) },
      pending: this.pending.length,
      ...this.transport.counters,
    };
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.sources.clear();
  }
}
