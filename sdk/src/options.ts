import type { Action, IngestRecord } from '../../collector/src/model/records';

/** What can be switched off: an event action, or the quality, rating and mark records. */
export type RecordKind = Action | 'quality' | 'rating' | 'mark';

export interface PrivacyOptions {
  /**
   * Send the addresses of the candidates a connection uses and of failed ICE candidates, masked
   * to their /24 (IPv4) or /48 (IPv6) network. Default false: no IP address is ever sent.
   */
  ipAddresses?: boolean;
  /** Record kinds never recorded, e.g. `['getUserMedia', 'iceStateChange', 'mark']`. */
  disabled?: RecordKind[];
}

export interface InitOptions {
  /** The collector's base URL, e.g. `https://collector.example:8600`. */
  collectorUrl: string;
  /** The project's ingest token; its `origins` must list this page's origin (docs/sdk.md). */
  token: string;
  /**
   * The call this page is in (your room or meeting id). The OpenTok adapter sets OpenTok's
   * session id itself. Records made before a session id is known wait for it.
   */
  sessionId?: string;
  /** This endpoint (a user): a stable id. Default: a random id kept in localStorage. */
  userId?: string;
  /** How often stats are read (ms): default 5000, never more often than every 1000. */
  statsIntervalMs?: number;
  /**
   * Observe every RTCPeerConnection the page creates from now on (call `init` before the app's
   * code and libraries create theirs). Default false: observe the ones handed to `observe()`.
   */
  observeAllPeerConnections?: boolean;
  /** Record getUserMedia and getDisplayMedia calls and their failures. Default true. */
  captureGetUserMedia?: boolean;
  /** Records per request (default 100) and the longest a record waits before it is sent (ms, default 1000). */
  batch?: { maxRecords?: number; maxDelayMs?: number };
  /** Records kept while the collector is unreachable (default 5000); the oldest are dropped first. */
  bufferSize?: number;
  /**
   * Backoff between retries (ms): the first (default 1000) doubles up to the longest (default
   * 30000); a request unanswered after `requestTimeoutMs` (default 30000) is retried.
   */
  retry?: { initialDelayMs?: number; maxDelayMs?: number; requestTimeoutMs?: number };
  privacy?: PrivacyOptions;
  /** Sees each record before it is queued: return it (changed or not), or null to drop it. */
  beforeSend?: (record: IngestRecord) => IngestRecord | null;
  /** Told about batches the collector refused (a 4xx other than 408 / 429): they are not sent again. */
  onRejected?: (status: number, error: string, records: number) => void;
}

export interface ResolvedOptions {
  ingestUrl: string;
  token: string;
  sessionId?: string;
  userId?: string;
  statsIntervalMs: number;
  observeAllPeerConnections: boolean;
  captureGetUserMedia: boolean;
  maxRecords: number;
  maxDelayMs: number;
  bufferSize: number;
  initialRetryMs: number;
  maxRetryMs: number;
  requestTimeoutMs: number;
  ipAddresses: boolean;
  disabled: ReadonlySet<string>;
  beforeSend?: InitOptions['beforeSend'];
  onRejected: NonNullable<InitOptions['onRejected']>;
}

export const MIN_STATS_INTERVAL_MS = 1000;

const positive = (name: string, value: number | undefined, fallback: number, min = 1): number => {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min) {
    throw new RangeError(`SessionInspector: ${name} must be a number of at least ${min}, got ${String(value)}`);
  }
  return Math.floor(v);
};

/** Defaults filled in and every option checked; a mistake throws naming the option. */
export function resolveOptions(o: InitOptions): ResolvedOptions {
  let base: URL;
  try {
    base = new URL(o.collectorUrl);
  } catch {
    throw new TypeError(
      `SessionInspector: collectorUrl must be an absolute URL, got ${JSON.stringify(o.collectorUrl)}`
    );
  }
  if (typeof o.token !== 'string' || o.token === '') {
    throw new TypeError('SessionInspector: token must be the project ingest token');
  }
  const maxRecords = positive('batch.maxRecords', o.batch?.maxRecords, 100);
  return {
    ingestUrl: new URL('api/v1/ingest', base.href.endsWith('/') ? base.href : `${base.href}/`).href,
    token: o.token,
    sessionId: o.sessionId || undefined,
    userId: o.userId || undefined,
    // Polling faster than once a second costs the page more than the numbers are worth.
    statsIntervalMs: Math.max(MIN_STATS_INTERVAL_MS, positive('statsIntervalMs', o.statsIntervalMs, 5000)),
    observeAllPeerConnections: o.observeAllPeerConnections ?? false,
    captureGetUserMedia: o.captureGetUserMedia ?? true,
    maxRecords: Math.min(maxRecords, 5000),
    maxDelayMs: positive('batch.maxDelayMs', o.batch?.maxDelayMs, 1000, 0),
    bufferSize: positive('bufferSize', o.bufferSize, 5000, 2 * maxRecords),
    initialRetryMs: positive('retry.initialDelayMs', o.retry?.initialDelayMs, 1000),
    maxRetryMs: positive('retry.maxDelayMs', o.retry?.maxDelayMs, 30_000),
    requestTimeoutMs: positive('retry.requestTimeoutMs', o.retry?.requestTimeoutMs, 30_000),
    ipAddresses: o.privacy?.ipAddresses ?? false,
    disabled: new Set(o.privacy?.disabled ?? []),
    beforeSend: o.beforeSend,
    onRejected:
      o.onRejected ??
      ((status, error, records) =>
        console.warn(`SessionInspector: the collector refused ${records} records (${status}): ${error}`)),
  };
}
