import { ConfigError, hashToken, jsonArraySetting, type Env } from './config';

/** How a connection's `data` (set by the team in its client token) names the Inspector's user. */
export type UserMapping = { jsonPath: string } | { prefix: string };

/**
 * One Vonage Video project feeding an Inspector project: its session monitoring callbacks and
 * its Insights API credentials. Written in VONAGE_PROJECTS(_FILE); see docs/vonage.md.
 */
export interface VonageProject {
  /** The Inspector project its data lands in. */
  project: string;
  /** Vonage's project id (API key): callbacks must carry it, the Insights API is asked with it. */
  vonageProjectId: string;
  /** SHA-256 digest (hex) of the secret in the callback URL; the secret itself is not kept. */
  callbackSecretSha256?: string;
  /** Vonage's signature secret for secure callbacks: a JWT in Authorization is then required. */
  signatureSecret?: string;
  /** The Vonage project secret, which signs the Insights API JWT. */
  projectSecret?: string;
  user?: UserMapping;
}

const MIN_SECRET = 16;

/** Vonage's own secrets are what Vonage gave (any length); the callback secret is ours to make long. */
function secretField(o: Record<string, unknown>, key: string, where: string, min = 1): string | undefined {
  const v = o[key];
  if (v === undefined) {
    return undefined;
  }
  if (typeof v !== 'string' || v.length < min) {
    throw new ConfigError(`${where}.${key} must be a string of at least ${min} characters`);
  }
  return v;
}

function userMapping(v: unknown, where: string): UserMapping | undefined {
  if (v === undefined) {
    return undefined;
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && typeof o.jsonPath === 'string' && /^[^.]+(\.[^.]+)*$/.test(o.jsonPath)) {
    return { jsonPath: o.jsonPath };
  }
  if (keys.length === 1 && typeof o.prefix === 'string' && o.prefix !== '') {
    return { prefix: o.prefix };
  }
  throw new ConfigError(`${where}.user must be {"jsonPath": "a.b"} or {"prefix": "userId="}`);
}

const KNOWN = new Set([
  'project',
  'vonageProjectId',
  'callbackSecret',
  'callbackSecretSha256',
  'signatureSecret',
  'projectSecret',
  'user',
]);

function validateProject(item: unknown, where: string): VonageProject {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new ConfigError(`${where} must be an object`);
  }
  const o = item as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !KNOWN.has(k));
  if (unknown) {
    throw new ConfigError(`${where}.${unknown} is not a known field (${[...KNOWN].join(', ')})`);
  }
  if (typeof o.project !== 'string' || o.project === '') {
    throw new ConfigError(`${where}.project must name the Inspector project the data lands in`);
  }
  if (typeof o.vonageProjectId !== 'string' || !/^\d+$/.test(o.vonageProjectId)) {
    throw new ConfigError(`${where}.vonageProjectId must be the Vonage project id (API key) as a string of digits`);
  }
  const plain = secretField(o, 'callbackSecret', where, MIN_SECRET);
  const digest = o.callbackSecretSha256;
  if (plain !== undefined && digest !== undefined) {
    throw new ConfigError(`${where} must give 'callbackSecret' or 'callbackSecretSha256', not both`);
  }
  if (digest !== undefined && (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest))) {
    throw new ConfigError(`${where}.callbackSecretSha256 must be 64 lowercase hex digits`);
  }
  return {
    project: o.project,
    vonageProjectId: o.vonageProjectId,
    callbackSecretSha256: plain !== undefined ? hashToken(plain) : (digest as string | undefined),
    signatureSecret: secretField(o, 'signatureSecret', where),
    projectSecret: secretField(o, 'projectSecret', where),
    user: userMapping(o.user, where),
  };
}

/** The Vonage projects named by VONAGE_PROJECTS_FILE or VONAGE_PROJECTS (a JSON array). */
export function readVonageProjects(env: Env = process.env): VonageProject[] {
  const projects = jsonArraySetting(env, 'VONAGE_PROJECTS', 'Vonage projects', validateProject);
  const digests = projects.map((p) => p.callbackSecretSha256).filter(Boolean);
  if (new Set(digests).size !== digests.length) {
    throw new ConfigError('VONAGE_PROJECTS: two projects have the same callback secret; each needs its own');
  }
  return projects;
}
