import {
  ALL_QUALITY_METRICS,
  ANNOTATION_KINDS,
  ALL_QUERY_TYPES,
  CallType,
  FLEET_FORMATS,
  FLEET_GROUPS,
  FLEET_STATS,
  FleetMetric,
  isOneOf,
  filterProblem,
  Limits,
  ownEntry,
  VARIABLE_KINDS,
  type SessionQueryModel,
  type WireQuery,
} from '@model';
import { invalidBody, invalidField } from '../errors';
import { unstorableText } from '../model/storable';

type Check = (value: unknown) => string | undefined;

const text =
  (max: number = Limits.maxIdChars): Check =>
  (v) =>
    typeof v !== 'string'
      ? 'must be a string'
      : v.length > max
        ? `must be at most ${max} characters (got ${v.length})`
        : unstorableText(v);
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    isOneOf(values, v) ? undefined : `must be one of ${values.join(', ')}`;
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const int =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;
const metrics: Check = (v) => {
  if (!Array.isArray(v) || v.length > ALL_QUALITY_METRICS.length) {
    return `must be a list of at most ${ALL_QUALITY_METRICS.length} metrics of ${ALL_QUALITY_METRICS.join(', ')}`;
  }
  const unknown = v.filter((m) => !isOneOf(ALL_QUALITY_METRICS, m)).map((m) => String(m).slice(0, 64));
  return unknown.length > 0
    ? `holds unknown metrics: ${unknown.join(', ')} (known: ${ALL_QUALITY_METRICS.join(', ')})`
    : undefined;
};
const textFilter: Check = (v) => (typeof v === 'string' ? (filterProblem(v) ?? unstorableText(v)) : 'must be a string');

/** The type of every field of the query model; handlers then read fields they can trust. */
const FIELD_CHECKS: { [K in keyof SessionQueryModel]-?: Check } = {
  queryType: oneOf(ALL_QUERY_TYPES),
  version: int(0, 1_000_000),
  project: text(),
  sessionId: text(),
  meetingId: text(),
  textFilter,
  sessionIdPrefix: text(),
  hasErrors: bool,
  callType: oneOf(Object.values(CallType)),
  minSize: int(0, 1_000_000),
  saved: bool,
  tag: text(),
  maxRating: int(1, 5),
  limit: int(1, Limits.maxSessionsLimit),
  userId: text(),
  streamId: text(),
  role: oneOf(['publisher', 'subscriber']),
  media: oneOf(['audio', 'video']),
  metrics,
  sip: bool,
  fleetMetric: oneOf(Object.values(FleetMetric)),
  stat: oneOf(FLEET_STATS),
  groupBy: oneOf(FLEET_GROUPS),
  action: oneOf(['connect', 'publish', 'subscribe']),
  format: oneOf(FLEET_FORMATS),
  variable: oneOf(VARIABLE_KINDS),
  annotationKind: oneOf(ANNOTATION_KINDS),
};

/** Checks one query-model field (also used for the REST search's parameters); `null` means absent. */
export function checkQueryField(name: keyof SessionQueryModel, value: unknown, field: string = name): void {
  if (value === undefined || value === null) {
    return;
  }
  const problem = FIELD_CHECKS[name](value);
  if (problem) {
    throw invalidField(field, `${field} ${problem}`);
  }
}

/**
 * A query's model: every known field checked, Grafana's own keys (datasource, hide...) left
 * alone, `null` treated as absent.
 */
export function validateQueryModel(raw: unknown): SessionQueryModel & Record<string, unknown> {
  const model = queryObject(raw) as Record<string, unknown>;
  if (!isOneOf(ALL_QUERY_TYPES, model.queryType)) {
    const shown = typeof model.queryType === 'string' ? model.queryType.slice(0, 64) : String(model.queryType);
    throw invalidField('query.queryType', `unknown queryType '${shown}' (known: ${ALL_QUERY_TYPES.join(', ')})`);
  }
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(model)) {
    if (ownEntry(FIELD_CHECKS, key)) {
      checkQueryField(key as keyof SessionQueryModel, value, `query.${key}`);
    }
    if (value !== null) {
      Object.defineProperty(clean, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return clean as SessionQueryModel & Record<string, unknown>;
}

/** The query model as sent, refused unless it is a JSON object. */
export function queryObject(raw: unknown): Partial<SessionQueryModel> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidField('query', 'query must be an object with a queryType');
  }
  return raw;
}

/** Epoch ms a JavaScript Date can hold (about ±275,000 years): wider is a 400, not an SQL error. */
const MAX_TIME = 8.64e15;

function epochMs(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_TIME) {
    throw invalidField(field, `${field} must be a number of epoch milliseconds within ±${MAX_TIME}`);
  }
  return value;
}

/** The time range, data-point budget and interval of one query; its model is checked apart. */
export function validateQueryFrame(wire: WireQuery): Pick<WireQuery, 'timeRange' | 'maxDataPoints' | 'intervalMs'> {
  const tr = wire.timeRange as unknown;
  if (typeof tr !== 'object' || tr === null) {
    throw invalidField('timeRange', 'timeRange must be {from, to} in epoch ms');
  }
  const from = epochMs((tr as { from?: unknown }).from, 'timeRange.from');
  const to = epochMs((tr as { to?: unknown }).to, 'timeRange.to');
  if (from > to) {
    throw invalidField('timeRange', `timeRange.from (${from}) is after timeRange.to (${to})`);
  }
  const points = wire.maxDataPoints as unknown;
  const interval = wire.intervalMs as unknown;
  return {
    timeRange: { from, to },
    maxDataPoints:
      typeof points === 'number' && Number.isFinite(points) && points >= 1
        ? Math.min(Math.floor(points), Limits.maxDataPoints)
        : 1000,
    intervalMs:
      typeof interval === 'number' && Number.isFinite(interval) && interval > 0 ? Math.min(interval, MAX_TIME) : 1,
  };
}

/**
 * The request's list of queries: an array of 1 to `Limits.maxQueriesPerRequest` objects with
 * distinct string refIds. What is wrong here has no refId to answer under, so it fails the
 * whole request; what is wrong inside one query fails that query only.
 */
export function validateQueryList(body: unknown): WireQuery[] {
  const queries = (body as { queries?: unknown } | null)?.queries;
  if (typeof body !== 'object' || body === null || !Array.isArray(queries)) {
    throw invalidBody('body must be {"queries": [...]}');
  }
  if (queries.length === 0 || queries.length > Limits.maxQueriesPerRequest) {
    throw invalidField(
      'queries',
      `queries holds ${queries.length} queries; send 1 to ${Limits.maxQueriesPerRequest} per request`
    );
  }
  const seen = new Set<string>();
  queries.forEach((q: unknown, i) => {
    const refId = (q as { refId?: unknown } | null)?.refId;
    if (typeof q !== 'object' || q === null || Array.isArray(q)) {
      throw invalidField(`queries[${i}]`, `queries[${i}] must be an object with refId, timeRange and query`);
    }
    const problem = text(64)(refId);
    if (problem) {
      throw invalidField(`queries[${i}].refId`, `queries[${i}].refId ${problem}`);
    }
    if (seen.has(refId as string)) {
      throw invalidField(`queries[${i}].refId`, `queries[${i}].refId '${refId}' is used by an earlier query`);
    }
    seen.add(refId as string);
  });
  return queries as WireQuery[];
}
