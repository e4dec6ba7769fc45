/**
 * The collector's one error family. Whatever refuses a request (a route, a validator, the store,
 * an importer) throws a `CollectorError`; the central error handler (http/server.ts) turns it
 * into the HTTP answer `{error, code, field?, index?}` once, and anything else into a 500 that
 * shows no internal text.
 */
export const ErrorCode = {
  /** 400: a named field, parameter or header is wrong. */
  InvalidField: 'invalid_field',
  /** 400: the body is not JSON, or not the shape the route takes. */
  InvalidBody: 'invalid_body',
  /** 400: an uploaded dump cannot be read. */
  InvalidDump: 'invalid_dump',
  Unauthenticated: 'unauthenticated',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  /** 408: the body did not arrive in time. */
  Timeout: 'timeout',
  /** 409: a limit or the current state refuses the change. */
  Conflict: 'conflict',
  TooLarge: 'too_large',
  UriTooLong: 'uri_too_long',
  UnsupportedMediaType: 'unsupported_media_type',
  /** 429: ingest is saturated; retry after `Retry-After` seconds. */
  Overloaded: 'overloaded',
  /** 503: the store cannot do the work now (no disk space, no memory, shutting down); retry later. */
  Unavailable: 'unavailable',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorPlace {
  /** The field, parameter or header at fault (`records[3].ts`, `timeRange.from`, `Authorization`). */
  field?: string;
  /** The record's index in an ingest batch. */
  index?: number;
}

export class CollectorError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly place: ErrorPlace = {},
    /** Seconds the client should wait before retrying (429, 503). */
    readonly retryAfterS?: number
  ) {
    super(message);
  }
}

/** 400 naming the field. */
export const invalidField = (field: string, message: string, index?: number) =>
  new CollectorError(400, ErrorCode.InvalidField, message, { field, index });

export const invalidBody = (message: string) =>
  new CollectorError(400, ErrorCode.InvalidBody, message, { field: 'body' });

export const invalidDump = (message: string) =>
  new CollectorError(400, ErrorCode.InvalidDump, message, { field: 'body' });

export const unauthenticated = (message: string) =>
  new CollectorError(401, ErrorCode.Unauthenticated, message, { field: 'Authorization' });

export const forbidden = (message: string, field?: string) =>
  new CollectorError(403, ErrorCode.Forbidden, message, { field });

export const notFound = (message: string, field?: string) =>
  new CollectorError(404, ErrorCode.NotFound, message, { field });

export const conflict = (message: string, field?: string) =>
  new CollectorError(409, ErrorCode.Conflict, message, { field });

export const tooLarge = (message: string, field = 'body') =>
  new CollectorError(413, ErrorCode.TooLarge, message, { field });

export const overloaded = (message: string, retryAfterS: number) =>
  new CollectorError(429, ErrorCode.Overloaded, message, {}, retryAfterS);

/** What the store says when it cannot do the work now, by SQLSTATE. */
const UNAVAILABLE: ReadonlyArray<[RegExp, string]> = [
  [
    /^53100$/,
    "it has no disk space left; the collector's operator must free space where the store keeps its data, or keep less (RETENTION_DAYS)",
  ],
  [/^53200$/, 'it is out of memory'],
  [/^53300$/, 'it has no free connection'],
  // Other lack of resources, connection failures, a server shutting down or starting.
  [/^(53|08)...$|^57P0[1-3]$/, 'it cannot answer now'],
];

/** Seconds a client is asked to wait before trying again a store that was unavailable. */
const UNAVAILABLE_RETRY_S = 30;

/** At most one log line per SQLSTATE per this many milliseconds: a full disk fails every request. */
const UNAVAILABLE_LOG_EVERY_MS = 60_000;
const unavailableLogged = new Map<string, number>();

/**
 * A store failure that is no fault of the request nor a bug: PostgreSQL (or PGlite) out of disk
 * space, memory or connections, or shutting down. A 503 saying so, with `Retry-After`, instead
 * of a 500: clients (the SDK) retry, and the person reading it learns what to fix. Logged with
 * the store's own text and `where`, once a minute per SQLSTATE; undefined for any other failure.
 */
export function storeUnavailable(err: unknown, where: string): CollectorError | undefined {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const known = typeof code === 'string' && UNAVAILABLE.find(([pattern]) => pattern.test(code));
  if (!known) {
    return undefined;
  }
  const now = Date.now();
  if (now - (unavailableLogged.get(code) ?? -Infinity) >= UNAVAILABLE_LOG_EVERY_MS) {
    unavailableLogged.set(code, now);
    console.error(
      `collector: the store is unavailable (SQLSTATE ${code}) in ${where}: ${String(message)}; answering 503 (logged once a minute)`
    );
  }
  return new CollectorError(
    503,
    ErrorCode.Unavailable,
    `the store cannot take this now (SQLSTATE ${code}): ${known[1]}; retry later`,
    {},
    UNAVAILABLE_RETRY_S
  );
}

/** The REST answer of an error: what the user reads, the machine code, and where. */
export function errorBody(e: CollectorError): { error: string; code: ErrorCode; field?: string; index?: number } {
  return {
    error: e.message,
    code: e.code,
    ...(e.place.field !== undefined ? { field: e.place.field } : {}),
    ...(e.place.index !== undefined ? { index: e.place.index } : {}),
  };
}

/** A failure that is the collector's own: its detail goes to the log, never into an answer. */
export function logInternal(err: unknown, where: string): void {
  console.error(`collector: internal error in ${where}:`, err);
}
