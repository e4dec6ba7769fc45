import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Limits } from '@model';

/**
 * What a token grants, without the token. An ingest token may name the browser origins allowed
 * to send with it (CORS on the ingest route; none by default).
 */
export type TokenGrant =
  | { kind: 'ingest'; project: string; origins?: string[] }
  /** `grafanaBackend`: the Grafana data source's own read token, the only one trusted to assert a Grafana role. */
  | { kind: 'read'; projects: string[]; grafanaBackend?: boolean }
  /** B6: Grafana's webhook contact point; it can only save sessions of its projects from alerts. */
  | { kind: 'alert'; projects: string[] }
  | { kind: 'admin' };

/** A token as written in COLLECTOR_TOKENS(_FILE): the token itself, or its SHA-256 digest (hex). */
export type TokenSpec = TokenGrant & ({ token: string } | { sha256: string });

/** A configured token as the collector keeps it: only its digest, so no answer can echo a token. */
export type StoredToken = TokenGrant & { sha256: string };

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Drops every plain token, keeping its digest. */
export function storedTokens(specs: TokenSpec[]): StoredToken[] {
  return specs.map((spec) => {
    if (!('token' in spec)) {
      return spec;
    }
    const { token, ...grant } = spec;
    return { ...grant, sha256: hashToken(token) };
  });
}

export interface CollectorConfig {
  host: string;
  port: number;
  /** PostgreSQL URL; absent means the embedded PGlite store. */
  databaseUrl?: string;
  /** PGlite directory, or `memory://`. */
  dataDir: string;
  /** Digests only: the plain tokens are dropped as the configuration is read. */
  tokens: StoredToken[];
  meetingIdleGapMs: number;
  retentionDays: number;
  /** How long saved sessions are kept after they were last saved (I9). */
  savedRetentionMonths: number;
  /** How often the retention purge runs; 0 turns the schedule off (`collector purge` still works). */
  purgeIntervalMs: number;
  /** Isolates a store in its own PostgreSQL schema (tests). */
  schema?: string;
  /** Ingest backpressure: the longest an admitted batch should wait for its turn (default `Limits.ingestMaxQueueMs`). */
  ingestMaxQueueMs?: number;
  /** Ingest backpressure: how late the event loop may run while batches are in flight (default `Limits.ingestMaxLoopDelayMs`). */
  ingestMaxLoopDelayMs?: number;
  /** Batches written at once on PostgreSQL (default `Limits.ingestWritersPostgres`; PGlite writes one at a time). */
  ingestWriters?: number;
  /** Time for a request's headers and body to arrive (default `Limits.requestTimeoutMs`). */
  requestTimeoutMs?: number;
  /** Time requests in progress get to finish when the collector closes (default `Limits.shutdownGraceMs`). */
  shutdownGraceMs?: number;
  /** Open connections at most (default `Limits.maxConnections`). */
  maxConnections?: number;
  /** PGlite's shared_buffers, e.g. `32MB` (default `Limits.pgliteSharedBuffers`). */
  pgliteSharedBuffers?: string;
}

export class ConfigError extends Error {}

export type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got '${raw}'`);
  }
  return value;
}

const KB_PER_UNIT = { kB: 1, MB: 1024, GB: 1024 * 1024 } as const;

function memoryVar(env: Env, name: string, fallback: string, range: { min: number; max: number }): string {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const size = /^(\d{1,10})(kB|MB|GB)$/.exec(raw);
  if (!size) {
    throw new ConfigError(`${name} must be a PostgreSQL memory size such as 32MB, got '${raw}'`);
  }
  const kb = Number(size[1]) * KB_PER_UNIT[size[2] as keyof typeof KB_PER_UNIT];
  if (kb < range.min || kb > range.max) {
    throw new ConfigError(`${name} must be from ${range.min}kB to ${range.max / 1024 / 1024}GB, got '${raw}'`);
  }
  return raw;
}

/**
 * A JSON array setting given in `<name>_FILE` (a file, which wins) or `<name>` (the JSON itself),
 * each item checked by `validate` with its place (`NAME[2]`) for messages; empty when unset.
 */
export function jsonArraySetting<T>(
  env: Env,
  name: string,
  what: string,
  validate: (item: unknown, where: string) => T
): T[] {
  const file = env[`${name}_FILE`];
  let raw = env[name] || undefined;
  let source = name;
  if (file) {
    source = `${name}_FILE (${file})`;
    try {
      raw = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`${name}_FILE cannot be read: ${(err as Error).message}`);
    }
  }
  if (raw === undefined) {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigError(`${source} must be a JSON array of ${what}`);
  }
  return parsed.map((item: unknown, i: number) => validate(item, `${source}[${i}]`));
}

function validateToken(item: unknown, where: string): TokenSpec {
  if (typeof item !== 'object' || item === null) {
    throw new ConfigError(`${where} must be an object`);
  }
  const t = item as Record<string, unknown>;
  let secret: { token: string } | { sha256: string };
  if (t.token !== undefined) {
    if (typeof t.token !== 'string' || t.token.length < 4) {
      throw new ConfigError(`${where}.token must be a string of at least 4 characters`);
    }
    if (t.sha256 !== undefined) {
      throw new ConfigError(`${where} must give 'token' or 'sha256', not both`);
    }
    secret = { token: t.token };
  } else if (typeof t.sha256 === 'string' && /^[0-9a-f]{64}$/.test(t.sha256)) {
    secret = { sha256: t.sha256 };
  } else {
    throw new ConfigError(
      `${where} must have 'token' (the token) or 'sha256' (its SHA-256 digest, 64 lowercase hex digits)`
    );
  }
  if (t.origins !== undefined && t.kind !== 'ingest') {
    throw new ConfigError(`${where}.origins: only ingest tokens take browser origins`);
  }
  switch (t.kind) {
    case 'ingest':
      if (typeof t.project !== 'string' || t.project === '') {
        throw new ConfigError(`${where}.project must name the one project an ingest token writes to`);
      }
      return t.origins === undefined
        ? { ...secret, kind: 'ingest', project: t.project }
        : { ...secret, kind: 'ingest', project: t.project, origins: validateOrigins(t.origins, `${where}.origins`) };
    case 'read':
      if (t.grafanaBackend !== undefined && typeof t.grafanaBackend !== 'boolean') {
        throw new ConfigError(`${where}.grafanaBackend must be true or false`);
      }
      return {
        ...secret,
        kind: 'read',
        projects: projectList(t.projects, where),
        grafanaBackend: t.grafanaBackend === true,
      };
    case 'alert':
      return { ...secret, kind: 'alert', projects: projectList(t.projects, where) };
    case 'admin':
      return { ...secret, kind: 'admin' };
    default:
      throw new ConfigError(`${where}.kind must be 'ingest', 'read', 'alert' or 'admin', got '${String(t.kind)}'`);
  }
}

function projectList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((p) => typeof p === 'string')) {
    throw new ConfigError(`${where}.projects must be a non-empty array of project ids`);
  }
  return value;
}

/** Exact origins (`https://app.example`, `http://localhost:3000`): no wildcard, no path, never `null`. */
function validateOrigins(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) {
    throw new ConfigError(`${where} must be an array of origins such as "https://app.example"`);
  }
  return value.map((origin: unknown, i) => {
    let parsed: URL | undefined;
    try {
      parsed = typeof origin === 'string' ? new URL(origin) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        `${where}[${i}] must be an origin: scheme, host and optional port, e.g. "https://app.example" (got ${JSON.stringify(origin)})`
      );
    }
    return origin;
  });
}

/** The tokens named by COLLECTOR_TOKENS_FILE or COLLECTOR_TOKENS, as written there. */
export function readTokenSpecs(env: Env = process.env): TokenSpec[] {
  return jsonArraySetting(env, 'COLLECTOR_TOKENS', 'tokens', validateToken);
}

/** Reads the collector's configuration from its environment; every mistake names the variable. */
export function loadConfig(env: Env = process.env): CollectorConfig {
  const tokens = storedTokens(readTokenSpecs(env));
  const duplicate = tokens.find((t, i) => tokens.findIndex((o) => o.sha256 === t.sha256) !== i);
  if (duplicate) {
    throw new ConfigError(`a token is configured twice (kinds ${duplicate.kind}); tokens must be unique`);
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://`);
  }
  return {
    host: env.HOST || '127.0.0.1',
    port: intVar(env, 'PORT', 8600, 0),
    databaseUrl,
    dataDir: env.DATA_DIR || './data',
    tokens,
    meetingIdleGapMs: intVar(env, 'MEETING_IDLE_GAP_MS', Limits.meetingIdleGapMs, 1),
    retentionDays: intVar(env, 'RETENTION_DAYS', Limits.retentionDays, 1),
    savedRetentionMonths: intVar(env, 'SAVED_RETENTION_MONTHS', Limits.savedRetentionMonths, 1),
    purgeIntervalMs: intVar(env, 'PURGE_INTERVAL_MS', Limits.purgeIntervalMs, 0),
    ingestMaxQueueMs: intVar(env, 'INGEST_MAX_QUEUE_MS', Limits.ingestMaxQueueMs, 1),
    ingestMaxLoopDelayMs: intVar(env, 'INGEST_MAX_LOOP_DELAY_MS', Limits.ingestMaxLoopDelayMs, 1),
    ingestWriters: intVar(env, 'INGEST_WRITERS', Limits.ingestWritersPostgres, 1),
    requestTimeoutMs: intVar(env, 'REQUEST_TIMEOUT_MS', Limits.requestTimeoutMs, 1000),
    maxConnections: intVar(env, 'MAX_CONNECTIONS', Limits.maxConnections, 1),
    pgliteSharedBuffers: memoryVar(
      env,
      'PGLITE_SHARED_BUFFERS',
      Limits.pgliteSharedBuffers,
      Limits.pgliteSharedBuffersKb
    ),
  };
}
