import { readFileSync } from 'node:fs';
import { Limits } from '@model';

export type TokenSpec =
  | { token: string; kind: 'ingest'; project: string }
  | { token: string; kind: 'read'; projects: string[] }
  | { token: string; kind: 'admin' };

export interface CollectorConfig {
  host: string;
  port: number;
  /** PostgreSQL URL; absent means the embedded PGlite store. */
  databaseUrl?: string;
  /** PGlite directory, or `memory://`. */
  dataDir: string;
  tokens: TokenSpec[];
  meetingIdleGapMs: number;
  retentionDays: number;
  /** How long saved sessions are kept after they were last saved (I9). */
  savedRetentionMonths: number;
  /** How often the retention purge runs; 0 turns the schedule off (`collector purge` still works). */
  purgeIntervalMs: number;
  /** Isolates a store in its own PostgreSQL schema (tests). */
  schema?: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

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

function parseTokens(raw: string, source: string): TokenSpec[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigError(`${source} must be a JSON array of tokens`);
  }
  return parsed.map((item: unknown, i: number) => validateToken(item, `${source}[${i}]`));
}

function validateToken(item: unknown, where: string): TokenSpec {
  if (typeof item !== 'object' || item === null) {
    throw new ConfigError(`${where} must be an object`);
  }
  const t = item as Record<string, unknown>;
  if (typeof t.token !== 'string' || t.token.length < 4) {
    throw new ConfigError(`${where}.token must be a string of at least 4 characters`);
  }
  switch (t.kind) {
    case 'ingest':
      if (typeof t.project !== 'string' || t.project === '') {
        throw new ConfigError(`${where}.project must name the one project an ingest token writes to`);
      }
      return { token: t.token, kind: 'ingest', project: t.project };
    case 'read':
      if (!Array.isArray(t.projects) || t.projects.length === 0 || !t.projects.every((p) => typeof p === 'string')) {
        throw new ConfigError(`${where}.projects must be a non-empty array of project ids`);
      }
      return { token: t.token, kind: 'read', projects: t.projects as string[] };
    case 'admin':
      return { token: t.token, kind: 'admin' };
    default:
      throw new ConfigError(`${where}.kind must be 'ingest', 'read' or 'admin', got '${String(t.kind)}'`);
  }
}

/** Reads the collector's configuration from its environment; every mistake names the variable. */
export function loadConfig(env: Env = process.env): CollectorConfig {
  let tokens: TokenSpec[] = [];
  if (env.COLLECTOR_TOKENS_FILE) {
    let raw: string;
    try {
      raw = readFileSync(env.COLLECTOR_TOKENS_FILE, 'utf8');
    } catch (err) {
      throw new ConfigError(`COLLECTOR_TOKENS_FILE cannot be read: ${(err as Error).message}`);
    }
    tokens = parseTokens(raw, `COLLECTOR_TOKENS_FILE (${env.COLLECTOR_TOKENS_FILE})`);
  } else if (env.COLLECTOR_TOKENS) {
    tokens = parseTokens(env.COLLECTOR_TOKENS, 'COLLECTOR_TOKENS');
  }
  const duplicate = tokens.find((t, i) => tokens.findIndex((o) => o.token === t.token) !== i);
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
  };
}
