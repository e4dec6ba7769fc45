/**
 * What clients (the browser SDK in sdk/), the simulator and the importers send to
 * `POST /api/v1/ingest`. A batch is `{ "records": IngestRecord[] }` (JSON) or one record per
 * line (NDJSON). The project comes from the ingest token, never from the record. Every record
 * carries a client-made `id`: a record whose id was already stored is acknowledged and skipped
 * (idempotent retries).
 */
import type { RecordSource } from '@model';

/** Who the client is; sent on `connect` events, stored on the user. */
export interface ClientInfo {
  /** SDK and version, e.g. "js-2.27.1", "ios-2.26.0", "sip". */
  sdk?: string;
  /** Browser name for web clients, e.g. "Chrome". */
  browser?: string;
  /** Browser major version, e.g. "120". */
  browserVersion?: string;
  os?: string;
  /** "desktop" | "mobile" | "tablet" | "sip" ... free text. */
  device?: string;
  /** ISO 3166-1 alpha-2 country code. */
  country?: string;
  city?: string;
  /** A SIP dial-in user. */
  sip?: boolean;
}

export type Action =
  | 'connect'
  | 'disconnect'
  | 'publish'
  | 'unpublish'
  | 'subscribe'
  | 'unsubscribe'
  | 'reconnecting'
  | 'reconnected'
  | 'videoDisabled'
  | 'videoEnabled'
  | 'videoDisableWarning'
  | 'videoDisableWarningLifted'
  | 'iceStateChange'
  | 'getUserMedia'
  | 'exception'
  /** A local or remote media track ended (device unplugged, screen share stopped...). */
  | 'trackEnded'
  /** Another participant's connection or stream, as this client saw it appear or go (OpenTok's session events). */
  | 'connectionCreated'
  | 'connectionDestroyed'
  | 'streamCreated'
  | 'streamDestroyed'
  /** OpenTok.js's own client observability (V1): kept for the diagnosis. */
  | 'networkConditionChanged'
  | 'qualityScoreChanged'
  | 'cpuPerformanceChanged'
  | 'videoQualityChanged';

export const ACTIONS: Action[] = [
  'connect',
  'disconnect',
  'publish',
  'unpublish',
  'subscribe',
  'unsubscribe',
  'reconnecting',
  'reconnected',
  'videoDisabled',
  'videoEnabled',
  'videoDisableWarning',
  'videoDisableWarningLifted',
  'iceStateChange',
  'getUserMedia',
  'exception',
  'trackEnded',
  'connectionCreated',
  'connectionDestroyed',
  'streamCreated',
  'streamDestroyed',
  'networkConditionChanged',
  'qualityScoreChanged',
  'cpuPerformanceChanged',
  'videoQualityChanged',
];

/**
 * What the event log stores: every event action, plus a user's rating and an app's mark, which
 * arrive as their own record kinds and are kept as events (so the timeline, the event log, the
 * annotations and retention treat them alike).
 */
export type StoredAction = Action | 'rating' | 'mark';

/** Attempts and outcomes pair up (OpenTok's client logging); failure rate = failures / attempts. */
export type Variation = 'attempt' | 'success' | 'failure';

export interface EventRecord {
  kind: 'event';
  /** Unique per record, made by the client (idempotency key). */
  id: string;
  sessionId: string;
  /** Client timestamp, epoch ms. */
  ts: number;
  action: Action;
  variation?: Variation;
  /** Stable client endpoint id (a user), like OpenTok's guid. */
  clientId: string;
  connectionId?: string;
  streamId?: string;
  /** For subscribe actions: the subscriber's own id. */
  subscriberId?: string;
  /** OpenTok error code (number or OT_* name) on failures and exceptions. */
  code?: string;
  message?: string;
  /** disconnect / unpublish / unsubscribe / videoDisabled reason. */
  reason?: string;
  client?: ClientInfo;
  /** On publish: the stream's attributes. */
  stream?: StreamInfo;
  /** Free-form extra detail (shown in the event log). */
  detail?: Record<string, unknown>;
  /** Where the record came from; ingest clients may say `sdk` (the default) or `simulator`. */
  source?: RecordSource;
}

export interface StreamInfo {
  videoType?: 'camera' | 'screen' | 'custom';
  hasAudio?: boolean;
  hasVideo?: boolean;
  /** Scalable video (simulcast / SVC) decides which publisher-quality rule applies. */
  scalable?: boolean;
  name?: string;
}

export interface QualitySampleRecord {
  kind: 'quality';
  id: string;
  sessionId: string;
  /** Client timestamp, epoch ms. */
  ts: number;
  clientId: string;
  connectionId: string;
  streamId: string;
  role: 'publisher' | 'subscriber';
  media: 'audio' | 'video';
  /** For the subscriber role: which subscriber measured it. */
  subscriberId?: string;
  bitrateKbps?: number;
  packets?: number;
  packetsLost?: number;
  lossPct?: number;
  rttMs?: number;
  jitterMs?: number;
  frameRate?: number;
  width?: number;
  height?: number;
  source?: RecordSource;
  /** Codec name as the browser reports it ("VP8", "H264", "opus"...), without the media type. */
  codec?: string;
  /** Video senders: why the encoder lowered resolution or frame rate (`qualityLimitationReason`). */
  limitation?: QualityLimitation;
  /** Video receivers: freezes that began in this sample's interval (delta of `freezeCount`). */
  freezes?: number;
}

export const QUALITY_LIMITATIONS = ['none', 'cpu', 'bandwidth', 'other'] as const;
export type QualityLimitation = (typeof QUALITY_LIMITATIONS)[number];

/** U1: the user's rating of the call, sent from the page (`rate(score, comment?)`). */
export interface RatingRecord {
  kind: 'rating';
  id: string;
  sessionId: string;
  ts: number;
  clientId: string;
  connectionId?: string;
  /** 1 (bad) to 5 (excellent). */
  score: number;
  comment?: string;
  source?: RecordSource;
}

/** U1: a named app event on the session's timeline (`mark(name, data?)`). */
export interface MarkRecord {
  kind: 'mark';
  id: string;
  sessionId: string;
  ts: number;
  clientId: string;
  connectionId?: string;
  streamId?: string;
  name: string;
  /** Free-form detail, shown with the mark. */
  data?: Record<string, unknown>;
  source?: RecordSource;
}

export type IngestRecord = EventRecord | QualitySampleRecord | RatingRecord | MarkRecord;
