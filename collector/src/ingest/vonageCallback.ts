import type { UserMapping } from '../config/vonage';
import type { ClientInfo, EventRecord, StreamInfo } from '../model/records';
import { placeholderUser } from './connectionUsers';

/** A callback body the receiver cannot use: which field, and why (answered 400). */
export class CallbackError extends Error {
  constructor(
    readonly field: string,
    reason: string
  ) {
    super(`field '${field}' ${reason}`);
  }
}

/** What one callback becomes: records to store, or nothing (an event the Inspector has no use for). */
export type CallbackResult = { records: EventRecord[] } | { ignored: string };

const MAX_ID = 256;
const MAX_DATA = 2000;
// Epoch ms between 2000-01-01 and 2100-01-01, as ingest accepts.
const MIN_TS = 946684800000;
const MAX_TS = 4102444800000;

type Obj = Record<string, unknown>;

function object(v: unknown, field: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new CallbackError(field, 'must be an object');
  }
  return v as Obj;
}

function id(o: Obj, key: string, field = key): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '' || v.length > MAX_ID) {
    throw new CallbackError(field, `must be a non-empty string of at most ${MAX_ID} characters`);
  }
  return v;
}

function epochMs(o: Obj, key: string, field = key): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < MIN_TS || v > MAX_TS) {
    throw new CallbackError(field, 'must be a number (epoch ms)');
  }
  return Math.round(v);
}

function optionalText(o: Obj, key: string, field: string, max = MAX_ID): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    return undefined;
  }
  if (typeof v !== 'string' || v.length > max) {
    throw new CallbackError(field, `must be a string of at most ${max} characters`);
  }
  return v;
}

function oneOf(o: Obj, key: string, values: readonly string[], field = key): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    return undefined;
  }
  if (typeof v !== 'string' || !values.includes(v)) {
    throw new CallbackError(field, `must be one of ${values.join(', ')}`);
  }
  return v;
}

const CONNECTION_REASONS = ['clientDisconnected', 'forceDisconnected', 'networkDisconnected'] as const;
const STREAM_REASONS = [
  'clientDisconnected',
  'forceDisconnected',
  'forceUnpublished',
  'mediaStopped',
  'networkDisconnected',
] as const;
const VIDEO_TYPES = ['camera', 'screen', 'custom'] as const;

/**
 * A record id made from the callback itself (a re-delivery has the same one). The step keeps
 * events of the same millisecond in lifecycle order: logs sort by time, then id.
 */
const STEP: Record<string, number> = {
  callCreated: 1,
  connectionCreated: 2,
  streamCreated: 3,
  streamDestroyed: 4,
  callDestroyed: 5,
  connectionDestroyed: 6,
};
const recordId = (event: string, entityId: string) => `vonage-callback:${STEP[event]}:${event}:${entityId}`;

/**
 * The Inspector's user named by a connection's data: the JSON path's value, the value after a
 * `prefix` (in data such as `role=host&userId=alice`), or the whole data when no mapping is
 * configured. Undefined when the data names none (the connection gets a placeholder user).
 */
export function userFromData(data: string | undefined, mapping: UserMapping | undefined): string | undefined {
  if (!data) {
    return undefined;
  }
  let user: string | undefined;
  if (!mapping) {
    user = data.trim();
  } else if ('prefix' in mapping) {
    const part = data.split(/[&,;\s]+/).find((p) => p.startsWith(mapping.prefix));
    user = part?.slice(mapping.prefix.length);
  } else {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      return undefined;
    }
    for (const step of mapping.jsonPath.split('.')) {
      value =
        typeof value === 'object' && value !== null && Object.hasOwn(value, step) ? (value as Obj)[step] : undefined;
    }
    user =
      typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? String(value) : undefined;
  }
  return user && user.length <= MAX_ID ? user : undefined;
}

interface Common {
  sessionId: string;
  ts: number;
  event: string;
}

/** The connection object at `o.connection`, named `field` in errors. */
function connectionOf(o: Obj, field: string, mapping: UserMapping | undefined) {
  const c = object(o.connection, field);
  const connectionId = id(c, 'id', `${field}.id`);
  const data = optionalText(c, 'data', `${field}.data`, MAX_DATA);
  if (c.createdAt !== undefined) {
    epochMs(c, 'createdAt', `${field}.createdAt`);
  }
  return {
    connectionId,
    clientId: userFromData(data, mapping) ?? placeholderUser(connectionId),
    detail: data ? { connectionData: data } : undefined,
  };
}

function connectionEvent(body: Obj, common: Common, mapping: UserMapping | undefined): EventRecord {
  const conn = connectionOf(body, 'connection', mapping);
  const created = common.event === 'connectionCreated';
  return {
    kind: 'event',
    id: recordId(common.event, conn.connectionId),
    sessionId: common.sessionId,
    ts: common.ts,
    clientId: conn.clientId,
    connectionId: conn.connectionId,
    detail: conn.detail,
    source: 'vonage-callback',
    ...(created
      ? { action: 'connect', variation: 'success', client: {} }
      : { action: 'disconnect', reason: oneOf(body, 'reason', CONNECTION_REASONS) }),
  };
}

function streamEvent(body: Obj, common: Common, mapping: UserMapping | undefined): EventRecord {
  const s = object(body.stream, 'stream');
  const streamId = id(s, 'id', 'stream.id');
  const conn = connectionOf(s, 'stream.connection', mapping);
  const videoType = oneOf(s, 'videoType', VIDEO_TYPES, 'stream.videoType') as StreamInfo['videoType'];
  const name = optionalText(s, 'name', 'stream.name');
  if (s.createdAt !== undefined) {
    epochMs(s, 'createdAt', 'stream.createdAt');
  }
  const created = common.event === 'streamCreated';
  return {
    kind: 'event',
    id: recordId(common.event, streamId),
    sessionId: common.sessionId,
    ts: common.ts,
    clientId: conn.clientId,
    connectionId: conn.connectionId,
    streamId,
    detail: conn.detail,
    source: 'vonage-callback',
    ...(created
      ? {
          action: 'publish',
          variation: 'success',
          // Vonage leaves videoType out for an audio-only stream.
          stream: { videoType, hasVideo: videoType !== undefined, ...(name ? { name } : {}) },
        }
      : { action: 'unpublish', reason: oneOf(body, 'reason', STREAM_REASONS) }),
  };
}

const SIP_CLIENT: ClientInfo = { sdk: 'sip', device: 'sip', sip: true };

// SIP call monitoring (SIP interconnect guide): reason codes 700-706 are Vonage's own; a standard
// SIP response code means the call could not be set up.
const SIP_CLEARING: Record<string, string> = {
  '703': 'Unexpected Clearing',
  '704': 'Media Timeout',
  '705': 'Max Duration',
  '706': 'Max Inactive',
};

function sipEvent(body: Obj, common: Common): EventRecord | undefined {
  const call = object(body.call, 'call');
  const callId = id(call, 'id', 'call.id');
  const connectionId = id(call, 'connectionId', 'call.connectionId');
  const base = {
    kind: 'event' as const,
    sessionId: common.sessionId,
    ts: common.ts,
    clientId: placeholderUser(connectionId),
    connectionId,
    source: 'vonage-callback' as const,
    detail: { sipCallId: callId },
  };
  if (common.event === 'callCreated') {
    return {
      ...base,
      id: recordId('callCreated', callId),
      action: 'connect',
      variation: 'attempt',
      client: SIP_CLIENT,
    };
  }
  const raw = body.reason_code;
  const code = typeof raw === 'number' ? String(raw) : raw;
  if (typeof code !== 'string' || !/^\d{3}$/.test(code)) {
    throw new CallbackError('reason_code', 'must be a SIP or Vonage reason code (three digits)');
  }
  const message = optionalText(body, 'reason_message', 'reason_message');
  if (code === '700') {
    return undefined;
  }
  const clearing = Object.hasOwn(SIP_CLEARING, code);
  return {
    ...base,
    id: recordId('callDestroyed', callId),
    action: clearing ? 'exception' : 'connect',
    variation: clearing ? undefined : 'failure',
    code: `SIP ${code}`,
    message: message ?? (clearing ? SIP_CLEARING[code] : undefined),
    client: SIP_CLIENT,
  };
}

/**
 * One session monitoring (or SIP call monitoring) callback as the events the SDK would have
 * recorded: connectionCreated is a connect success, connectionDestroyed a disconnect with its
 * reason, streamCreated a publish success with the video type, streamDestroyed an unpublish
 * with its reason; a SIP callCreated a SIP user's connect attempt, a failing callDestroyed its
 * failure (or an exception once the call was up). Every record's id is made from the callback
 * itself, so a re-delivery is stored once. Events the Inspector has no use for (callUpdated,
 * muteForced, a normal clearing, anything Vonage adds later) are acknowledged and not stored:
 * answering them with an error would count towards Vonage switching the callbacks off.
 */
export function mapCallback(raw: unknown, vonageProjectId: string, mapping?: UserMapping): CallbackResult {
  const body = object(raw, '(body)');
  const event = id(body, 'event');
  const sessionId = id(body, 'sessionId');
  const projectId = typeof body.projectId === 'number' ? String(body.projectId) : body.projectId;
  if (typeof projectId !== 'string' || projectId === '') {
    throw new CallbackError('projectId', 'must be the Vonage project id');
  }
  if (projectId !== vonageProjectId) {
    throw new CallbackError(
      'projectId',
      `is '${projectId}', but this callback URL belongs to Vonage project '${vonageProjectId}'`
    );
  }
  const common: Common = { sessionId, event, ts: epochMs(body, 'timestamp') };
  switch (event) {
    case 'connectionCreated':
    case 'connectionDestroyed':
      return { records: [connectionEvent(body, common, mapping)] };
    case 'streamCreated':
    case 'streamDestroyed':
      return { records: [streamEvent(body, common, mapping)] };
    case 'callCreated':
    case 'callDestroyed': {
      const record = sipEvent(body, common);
      return record ? { records: [record] } : { ignored: `${event} with reason_code 700 (normal clearing)` };
    }
    default:
      return { ignored: `event '${event}' is acknowledged but not recorded` };
  }
}
