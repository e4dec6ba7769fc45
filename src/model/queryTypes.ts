/**
 * The one query model shared by the collector (which answers queries) and the data source
 * frontend (which builds them). The Go backend forwards queries untouched, so it never needs
 * to know these types.
 */
export const QueryType = {
  Sessions: 'sessions',
  Meetings: 'meetings',
  Summary: 'summary',
  Users: 'users',
  Errors: 'errors',
  FailureRates: 'failureRates',
  Events: 'events',
  Quality: 'quality',
  LargeSession: 'largeSession',
  Fleet: 'fleet',
  Annotations: 'annotations',
  Variables: 'variables',
  Issues: 'issues',
  Attribution: 'attribution',
  Scores: 'scores',
  Baseline: 'baseline',
  Repro: 'repro',
} as const;

export type QueryType = (typeof QueryType)[keyof typeof QueryType];

export const ALL_QUERY_TYPES: QueryType[] = Object.values(QueryType);

export type Role = 'publisher' | 'subscriber';
export type Media = 'audio' | 'video';

export const QualityMetric = {
  Bitrate: 'bitrateKbps',
  PacketLoss: 'lossPct',
  Latency: 'rttMs',
  Jitter: 'jitterMs',
  FrameRate: 'frameRate',
  /** Resolution as the frame height in pixels (720 for 1280x720). */
  FrameHeight: 'frameHeight',
} as const;

export type QualityMetric = (typeof QualityMetric)[keyof typeof QualityMetric];

export const ALL_QUALITY_METRICS: QualityMetric[] = Object.values(QualityMetric);

/**
 * I6: which link a publisher's quality describes. Without scalable video the media router
 * forwards one encoding, so the publisher adapts to (and its stats reflect) the worst
 * subscriber; with scalable video it reflects the publisher-to-router link only. Audio is never
 * scalable: publisher audio always reflects the worst subscriber.
 */
export const PublisherQualityRule = {
  WorstSubscriber: 'worst-subscriber',
  PublisherToRouter: 'publisher-to-router',
} as const;
export type PublisherQualityRule = (typeof PublisherQualityRule)[keyof typeof PublisherQualityRule];

export const CallType = {
  OneToOne: 'one-to-one',
  Multiparty: 'multiparty',
  OneToZero: 'one-to-zero',
  Broadcast: 'broadcast',
} as const;

export type CallType = (typeof CallType)[keyof typeof CallType];

export const FleetMetric = {
  PacketLoss: 'lossPct',
  Latency: 'rttMs',
  Bitrate: 'bitrateKbps',
  FailureRate: 'failureRate',
} as const;
export type FleetMetric = (typeof FleetMetric)[keyof typeof FleetMetric];

export const FLEET_STATS = ['p50', 'p95', 'max'] as const;
export type FleetStat = (typeof FLEET_STATS)[number];

/** session, stream and user give one labelled series per session / stream / user (per-stream alert rules). */
export const FLEET_GROUPS = ['none', 'project', 'sdk', 'browser', 'country', 'session', 'stream', 'user'] as const;
export type FleetGroup = (typeof FLEET_GROUPS)[number];

/**
 * fleet: time series per bucket, one number per series over the whole range (numeric-multi, for
 * alerts and stats), or one table over the whole range with a row per series and its labels as
 * columns (for table panels: Grafana's table drops labels).
 */
export const FLEET_FORMATS = ['timeseries', 'numeric', 'table'] as const;
export type FleetFormat = (typeof FLEET_FORMATS)[number];

/**
 * annotations: which events a layer shows. Grafana colours every annotation of a layer with the
 * layer's colour, so errors and other events are told apart by giving each its own layer.
 */
export const ANNOTATION_KINDS = ['errors', 'events'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

export const VARIABLE_KINDS = ['projects', 'sessions', 'meetings', 'users', 'streams'] as const;
export type VariableKind = (typeof VARIABLE_KINDS)[number];

/** Actions whose attempts and outcomes are counted (failure rates). */
export const FAILURE_ACTIONS = ['connect', 'publish', 'subscribe'] as const;
export type FailureAction = (typeof FAILURE_ACTIONS)[number];

/** Bump when a saved query's shape changes; `migrateQuery` upgrades older ones. */
export const QUERY_MODEL_VERSION = 1;

/**
 * A query as saved in a dashboard. Flat on purpose: Grafana stores it as JSON, template
 * variables interpolate into its string fields, and each query type reads the fields that
 * apply to it (see `QUERY_FIELDS`).
 */
export interface SessionQueryModel {
  queryType: QueryType;
  version?: number;
  /** Project id; empty means every project the read token grants. */
  project?: string;
  sessionId?: string;
  /** Session-scoped queries: one meeting (`m1`, `m2`...) instead of the whole session. */
  meetingId?: string;
  /** events: `+term` keeps, `-term` drops; terms stack (see eventFilter.ts). */
  textFilter?: string;
  /** sessions: match session ids starting with this text (case-sensitive, ids are opaque). */
  sessionIdPrefix?: string;
  /** sessions: only sessions with at least one error. */
  hasErrors?: boolean;
  /** sessions: only this call type. */
  callType?: CallType;
  /** sessions: only sessions with at least this many connections. */
  minSize?: number;
  /** sessions: only saved (true) or only unsaved (false) sessions. */
  saved?: boolean;
  /** sessions: only saved sessions with this tag (case-insensitive). */
  tag?: string;
  /** sessions: only sessions a user rated at most this (1-5): the low-rated calls (U1). */
  maxRating?: number;
  /** sessions: at most this many rows (newest first). */
  limit?: number;
  userId?: string;
  streamId?: string;
  /** quality: restrict to one role; absent means both. */
  role?: Role;
  /** quality: restrict to one media; absent means both. */
  media?: Media;
  /** quality: which metrics to return; absent means bitrate, packet loss and latency. */
  metrics?: QualityMetric[];
  /** quality: only SIP users' streams (true) or none of them (false); absent means both. */
  sip?: boolean;
  /** fleet: the metric across sessions. */
  fleetMetric?: FleetMetric;
  /** fleet: which statistic per time bucket (quality metrics); default p95. */
  stat?: FleetStat;
  /** fleet: one series per value of this dimension; default none (one series). */
  groupBy?: FleetGroup;
  /** fleet failureRate: which action; default connect. */
  action?: FailureAction;
  /** fleet: time series (default) or one number per series over the range. */
  format?: FleetFormat;
  /** annotations: only errors, or only the other events; absent means both. */
  annotationKind?: AnnotationKind;
  /** variables: what to list. */
  variable?: VariableKind;
}

/** Which fields of `SessionQueryModel` each query type reads (its descriptor's `fields`, queryDescriptors.ts). */
export const QUERY_FIELDS: Record<QueryType, Array<keyof SessionQueryModel>> = {
  sessions: ['project', 'sessionIdPrefix', 'hasErrors', 'callType', 'minSize', 'saved', 'tag', 'maxRating', 'limit'],
  meetings: ['project', 'sessionId'],
  summary: ['project', 'sessionId', 'meetingId'],
  users: ['project', 'sessionId', 'meetingId', 'userId'],
  errors: ['project', 'sessionId', 'meetingId', 'userId'],
  failureRates: ['project', 'sessionId', 'meetingId', 'userId'],
  events: ['project', 'sessionId', 'meetingId', 'userId', 'textFilter'],
  quality: ['project', 'sessionId', 'meetingId', 'userId', 'streamId', 'role', 'media', 'sip', 'metrics'],
  largeSession: ['project', 'sessionId', 'meetingId'],
  fleet: ['project', 'fleetMetric', 'stat', 'groupBy', 'media', 'role', 'action', 'format'],
  annotations: ['project', 'sessionId', 'meetingId', 'userId', 'textFilter', 'annotationKind'],
  variables: ['project', 'variable', 'sessionId', 'meetingId', 'userId'],
  issues: ['project', 'sessionId', 'meetingId', 'userId', 'streamId'],
  attribution: ['project', 'sessionId', 'meetingId', 'userId', 'streamId'],
  scores: ['project', 'sessionId', 'meetingId', 'userId', 'streamId', 'role', 'media'],
  baseline: ['project', 'sessionId'],
  repro: ['project', 'sessionId', 'meetingId', 'userId'],
};
