import { INGEST_SOURCES, isOneOf, Limits } from '@model';
import { invalidField } from '../errors';
import { ACTIONS, QUALITY_LIMITATIONS, type IngestRecord } from '../model/records';
import { findUnstorable, unstorableText } from '../model/storable';

/** A rejected batch: which record, which field, and why (a 400 with `index` and `field`). */
export const recordError = (index: number, field: string, reason: string) =>
  invalidField(field, `record ${index}: field '${field}' ${reason}`, index);

type Check = (value: unknown) => string | undefined;

const MAX_ID: number = Limits.maxIdChars;
// Epoch ms between 2000-01-01 and 2100-01-01: catches seconds or microseconds sent by mistake.
const MIN_TS = 946684800000;
const MAX_TS = 4102444800000;

const str =
  (max: number = MAX_ID): Check =>
  (v) =>
    typeof v !== 'string' || v.length === 0
      ? 'must be a non-empty string'
      : v.length > max
        ? `must be at most ${max} characters`
        : unstorableText(v);
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;
const num =
  (min = 0, max = Number.MAX_SAFE_INTEGER): Check =>
  (v) =>
    typeof v !== 'number' || !Number.isFinite(v)
      ? 'must be a finite number'
      : v < min || v > max
        ? `must be between ${min} and ${max}`
        : undefined;
const int = (min: number, max: number): Check => {
  const inRange = num(min, max);
  return (v) => inRange(v) ?? (Number.isInteger(v) ? undefined : 'must be a whole number');
};
const epochMs: Check = (v) =>
  typeof v !== 'number' || !Number.isFinite(v) || v < MIN_TS || v > MAX_TS ? 'must be a number (epoch ms)' : undefined;
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const object: Check = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : 'must be an object';
/** Free-form JSON (`detail`): any object PostgreSQL's jsonb can hold, nested at most `maxJsonDepth`. */
const json: Check = (v) => {
  const problem = object(v);
  if (problem) {
    return problem;
  }
  const found = findUnstorable(v);
  return found ? `${found.path ? `at ${found.path} ` : ''}${found.reason}` : undefined;
};
const codeNumber = num(0, 1e9);
const codeText = str(64);
const codeCheck: Check = (v) => (typeof v === 'number' ? codeNumber(v) : codeText(v));
const score: Check = (v) =>
  Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5 ? undefined : 'must be an integer from 1 to 5';

interface Spec {
  required: Record<string, Check>;
  optional: Record<string, Check>;
}

/** A record kind's checks: the required ones in order, and every field's check by name. */
interface Compiled {
  required: Array<[string, Check]>;
  fields: Map<string, Check>;
}

const compile = (spec: Spec): Compiled => ({
  required: Object.entries(spec.required),
  fields: new Map([...Object.entries(spec.required), ...Object.entries(spec.optional)]),
});

const CLIENT_FIELDS = new Map<string, Check>(
  Object.entries({
    sdk: str(64),
    browser: str(64),
    browserVersion: str(32),
    os: str(64),
    device: str(64),
    country: str(2),
    city: str(128),
    sip: bool,
  })
);

const STREAM_FIELDS = new Map<string, Check>(
  Object.entries({
    videoType: oneOf(['camera', 'screen', 'custom']),
    hasAudio: bool,
    hasVideo: bool,
    scalable: bool,
    name: str(256),
  })
);

const SPECS: Record<IngestRecord['kind'], Compiled> = {
  event: compile({
    required: { id: str(), sessionId: str(), ts: epochMs, action: oneOf(ACTIONS), clientId: str() },
    optional: {
      variation: oneOf(['attempt', 'success', 'failure']),
      connectionId: str(),
      streamId: str(),
      subscriberId: str(),
      code: codeCheck,
      message: str(2000),
      reason: str(256),
      client: object,
      stream: object,
      detail: json,
      source: oneOf(INGEST_SOURCES),
    },
  }),
  quality: compile({
    required: {
      id: str(),
      sessionId: str(),
      ts: epochMs,
      clientId: str(),
      connectionId: str(),
      streamId: str(),
      role: oneOf(['publisher', 'subscriber']),
      media: oneOf(['audio', 'video']),
    },
    optional: {
      subscriberId: str(),
      bitrateKbps: num(0, 1e7),
      packets: num(),
      packetsLost: num(),
      lossPct: num(0, 100),
      rttMs: num(0, 600000),
      jitterMs: num(0, 600000),
      frameRate: num(0, 1000),
      width: int(0, 100000),
      height: int(0, 100000),
      source: oneOf(INGEST_SOURCES),
      codec: str(64),
      limitation: oneOf(QUALITY_LIMITATIONS),
      freezes: num(0, 100000),
    },
  }),
  rating: compile({
    required: { id: str(), sessionId: str(), ts: epochMs, clientId: str(), score },
    optional: { connectionId: str(), comment: str(2000), source: oneOf(INGEST_SOURCES) },
  }),
  mark: compile({
    required: { id: str(), sessionId: str(), ts: epochMs, clientId: str(), name: str(128) },
    optional: { connectionId: str(), streamId: str(), data: json, source: oneOf(INGEST_SOURCES) },
  }),
};

const RECORD_KINDS = Object.keys(SPECS) as Array<IngestRecord['kind']>;
const KINDS = RECORD_KINDS.map((k) => `'${k}'`)
  .join(', ')
  .replace(/, ([^,]*)$/, ' or $1');

/**
 * Every field of `obj` against `checks`; `skip` names fields already checked. Runs for every
 * record: no copy of the record and no object built per call.
 */
function checkFields(
  index: number,
  prefix: string,
  obj: Record<string, unknown>,
  checks: Map<string, Check>,
  skip?: (key: string) => boolean
): void {
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (skip?.(key)) {
      continue;
    }
    const check = checks.get(key);
    if (!check) {
      throw recordError(index, `${prefix}${key}`, 'is not a known field');
    }
    const value = obj[key];
    if (value === undefined) {
      continue;
    }
    const problem = check(value);
    if (problem) {
      throw recordError(index, `${prefix}${key}`, problem);
    }
  }
}

/** `kind` chose the spec; required fields were checked first, in their order. */
const kindOrRequired = (required: Array<[string, Check]>) => {
  const names = new Set(['kind', ...required.map(([name]) => name)]);
  return (key: string) => names.has(key);
};
const SKIP: Record<IngestRecord['kind'], (key: string) => boolean> = {
  event: kindOrRequired(SPECS.event.required),
  quality: kindOrRequired(SPECS.quality.required),
  rating: kindOrRequired(SPECS.rating.required),
  mark: kindOrRequired(SPECS.mark.required),
};

/** Validates one record against records.ts; throws RecordError naming index and field. */
export function validateRecord(value: unknown, index: number): IngestRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw recordError(index, 'kind', `must be set: the record must be an object with kind ${KINDS}`);
  }
  const rec = value as Record<string, unknown>;
  const kind = isOneOf(RECORD_KINDS, rec.kind) ? rec.kind : undefined;
  if (!kind) {
    throw recordError(index, 'kind', `must be ${KINDS}`);
  }
  const spec = SPECS[kind];
  for (const [key, check] of spec.required) {
    if (rec[key] === undefined || rec[key] === null) {
      throw recordError(index, key, 'is required');
    }
    const problem = check(rec[key]);
    if (problem) {
      throw recordError(index, key, problem);
    }
  }
  checkFields(index, '', rec, spec.fields, SKIP[kind]);
  if (rec.client !== undefined) {
    checkFields(index, 'client.', rec.client as Record<string, unknown>, CLIENT_FIELDS);
  }
  if (rec.stream !== undefined) {
    checkFields(index, 'stream.', rec.stream as Record<string, unknown>, STREAM_FIELDS);
  }
  return rec as unknown as IngestRecord;
}

/** A client description as a connect event would carry it (importers derive one). */
export function validateClientInfo(client: object): void {
  checkFields(0, 'client.', client as Record<string, unknown>, CLIENT_FIELDS);
}

export function validateBatch(records: unknown[]): IngestRecord[] {
  return records.map((r, i) => validateRecord(r, i));
}
