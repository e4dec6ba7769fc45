import type { CallType, SessionQueryModel } from './queryTypes';

/**
 * The collector's query endpoint, `POST /api/v1/query`. The Go backend builds the request from
 * Grafana's QueryDataRequest and the collector answers in Grafana's QueryDataResponse JSON, so
 * the Go side unmarshals the answer without knowing any query type.
 */
export const QUERY_PATH = '/api/v1/query';

export interface WireTimeRange {
  /** epoch ms */
  from: number;
  /** epoch ms */
  to: number;
}

export interface WireQuery {
  refId: string;
  timeRange: WireTimeRange;
  maxDataPoints: number;
  intervalMs: number;
  /** The saved query as Grafana stores it (SessionQueryModel plus Grafana's own keys). */
  query: SessionQueryModel & Record<string, unknown>;
}

export interface WireQueryRequest {
  queries: WireQuery[];
}

/** Grafana's DataFrameJSON: schema plus columnar values (times as epoch ms). */
export type FieldTypeName = 'time' | 'number' | 'string' | 'boolean' | 'other';
export type GoTypeName =
  | 'time.Time'
  | '*time.Time'
  | 'float64'
  | '*float64'
  | 'int64'
  | '*int64'
  | 'string'
  | '*string'
  | 'bool'
  | '*bool'
  | 'json.RawMessage';

export interface FieldSchema {
  name: string;
  type: FieldTypeName;
  typeInfo: { frame: GoTypeName; nullable?: boolean };
  labels?: Record<string, string>;
  config?: Record<string, unknown>;
}

export interface DataFrameJSON {
  schema: {
    name?: string;
    refId?: string;
    meta?: Record<string, unknown>;
    fields: FieldSchema[];
  };
  data: { values: unknown[][] };
}

export interface WireResult {
  status: number;
  frames?: DataFrameJSON[];
  error?: string;
  /** 'downstream' when the caller's query was at fault, 'plugin' when the collector was. */
  errorSource?: 'downstream' | 'plugin';
}

export interface WireQueryResponse {
  results: Record<string, WireResult>;
}

/** Collector REST paths the data source proxies through CallResource. */
export const REST = {
  health: '/api/v1/health',
  sessions: '/api/v1/sessions',
  ingest: '/api/v1/ingest',
  /** POST a dump (raw bytes): `?session=&format=auto|rtcstats|rtcstats-v3|webrtc-internals`. */
  import: '/api/v1/import',
  /** GET: saved sessions of the granted projects (`?project=` narrows). */
  saved: '/api/v1/saved',
  /** PUT `{name, tags}`: save, or save again to refresh; PATCH: edit; DELETE: delete one. */
  savedOne: (project: string, sessionId: string) =>
    `/api/v1/saved/${encodeURIComponent(project)}/${encodeURIComponent(sessionId)}`,
  /** POST `{sessions: [{project, sessionId}]}`: delete many. */
  savedDelete: '/api/v1/saved/delete',
  /** POST, admin token: run the retention purge now. */
  purge: '/api/v1/admin/purge',
  /** POST from Vonage: session monitoring callbacks, `?secret=<the project's callback secret>`. */
  vonageCallbacks: '/api/v1/vonage/callbacks',
  /** POST Grafana's webhook contact-point payload, alert or admin token: save the alerts' sessions (B6). */
  alertWebhook: '/api/v1/alerts/grafana',
} as const;

/** A saved session (I9) as the REST API returns it. */
export interface SavedSession {
  project: string;
  sessionId: string;
  name: string;
  tags: string[];
  savedAt: number;
  updatedAt: number;
  savedBy: string | null;
}

/** One session found by a search: a row of `GET /api/v1/sessions` and of the sessions query. */
export interface SessionRow {
  project: string;
  sessionId: string;
  start: number;
  end: number;
  durationS: number;
  connections: number;
  users: number;
  publishers: number;
  streams: number;
  subscribers: number;
  errors: number;
  callType: CallType;
  /** The saved session's name and tags, when it is saved (I9). */
  savedName: string | null;
  tags: string[];
  /** When it was last imported from a dump (C5), if it was. */
  importedAt: number | null;
  /** The lowest rating a user gave the call (1-5, U1), or null when nobody rated it. */
  rating: number | null;
  /** The share (%) of its quality samples with a poor network (`poorNetworkSql`), null without samples. */
  poorPct: number | null;
}

/** The query string of `GET /api/v1/sessions` (the sessions query's filters; `q` is the id prefix). */
export interface SessionSearchParams {
  q?: string;
  project?: string;
  from?: number;
  to?: number;
  callType?: CallType;
  hasErrors?: boolean;
  minSize?: number;
  saved?: boolean;
  tag?: string;
  maxRating?: number;
  limit?: number;
}

/** `GET /api/v1/sessions`: the sessions with activity in [from, to] (epoch ms), newest first. */
export interface SessionSearchResponse {
  from: number;
  to: number;
  sessions: SessionRow[];
}

/**
 * Every REST error body: `error` says what was wrong for a person, `code` for a program
 * (`invalid_field`, `invalid_body`, `invalid_dump`, `unauthenticated`, `forbidden`, `not_found`,
 * `conflict`, `too_large`, `overloaded`, `unavailable`, `internal`...), `field` where (a field, parameter or
 * header), `index` which record of an ingest batch.
 */
export interface RestError {
  error: string;
  code: string;
  field?: string;
  index?: number;
}

/** Header the Go backend sets with the Grafana user's role (Viewer, Editor, Admin). */
export const ROLE_HEADER = 'X-Grafana-Role';
export const USER_HEADER = 'X-Grafana-User';
