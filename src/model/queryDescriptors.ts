import { isOneOf } from './lookup';
import {
  ALL_QUALITY_METRICS,
  ANNOTATION_KINDS,
  ALL_QUERY_TYPES,
  CallType,
  FAILURE_ACTIONS,
  FLEET_FORMATS,
  FLEET_GROUPS,
  FLEET_STATS,
  FleetMetric,
  QUERY_FIELDS,
  QualityMetric,
  QueryType,
  VARIABLE_KINDS,
  type SessionQueryModel,
  type VariableKind,
} from './queryTypes';

/**
 * One descriptor per query type: the fields it reads, the defaults it applies, when it needs a
 * session, and the frames it answers. The collector validates every query with it before
 * dispatch (`checkQuery`) and applies its defaults; the query editors, their help texts and the
 * saved-query migration read the same descriptors.
 */
export interface QueryDescriptor {
  /** The editor's name for the type, and what it answers. */
  label: string;
  description: string;
  /** The fields of `SessionQueryModel` it reads (`QUERY_FIELDS`); others are ignored. */
  fields: ReadonlyArray<keyof SessionQueryModel>;
  /** What an absent field means. */
  defaults: Partial<SessionQueryModel>;
  /** Fields that must be set. */
  required: ReadonlyArray<keyof SessionQueryModel>;
  /** Whether it cannot run without `sessionId`. */
  needsSession: (q: Partial<SessionQueryModel>) => boolean;
  /** Names of the frames it answers (quality and fleet frames are named after their metric). */
  frames: readonly string[];
}

export const MAX_SESSIONS_LIMIT = 5000;

/** Variable kinds listed within one session. */
const SESSION_VARIABLES: readonly VariableKind[] = ['meetings', 'users', 'streams'];

const always = () => true;
const never = () => false;

export const QUERY_DESCRIPTORS = {
  sessions: {
    label: 'Sessions',
    description: 'Sessions with activity in the time range',
    fields: QUERY_FIELDS.sessions,
    defaults: { limit: 100 },
    required: [],
    needsSession: never,
    frames: ['sessions'],
  },
  meetings: {
    label: 'Meetings',
    description: 'The meetings of a session (a reuse after the idle gap is a new meeting)',
    fields: QUERY_FIELDS.meetings,
    defaults: {},
    required: [],
    needsSession: always,
    frames: ['meetings'],
  },
  summary: {
    label: 'Summary',
    description: 'Call type, counts, streamed minutes, issues, SDKs and endpoints',
    fields: QUERY_FIELDS.summary,
    defaults: {},
    required: [],
    needsSession: always,
    frames: ['summary', 'sdks', 'endpoints'],
  },
  users: {
    label: 'Users',
    description: 'Users with their connections, streams and subscribers',
    fields: QUERY_FIELDS.users,
    defaults: {},
    required: [],
    needsSession: always,
    frames: ['users', 'connections', 'streams', 'subscribers'],
  },
  errors: {
    label: 'Errors',
    description: 'Every failed connect, publish or subscribe',
    fields: QUERY_FIELDS.errors,
    defaults: {},
    required: [],
    needsSession: always,
    frames: ['errors'],
  },
  failureRates: {
    label: 'Failure rates',
    description: 'Failures / attempts for connect, publish and subscribe',
    fields: QUERY_FIELDS.failureRates,
    defaults: {},
    required: [],
    needsSession: always,
    frames: ['failureRates'],
  },
  events: {
    label: 'Events',
    description: 'The event log, with + / - text filters',
    fields: QUERY_FIELDS.events,
    defaults: {},
    required: [],
    needsSession: always,
    frames: ['events'],
  },
  quality: {
    label: 'Quality',
    description: 'Bitrate, packet loss, latency, jitter, frame rate and resolution per stream over time',
    fields: QUERY_FIELDS.quality,
    /** The Inspector's three charts (I6). */
    defaults: { metrics: [QualityMetric.Bitrate, QualityMetric.PacketLoss, QualityMetric.Latency] },
    required: [],
    needsSession: always,
    frames: ALL_QUALITY_METRICS,
  },
  largeSession: {
    label: 'Large session',
    description: 'Connection and subscriber attempts, successes and failures over time',
    fields: QUERY_FIELDS.largeSession,
    defaults: {},
    required: [],
    needsSession: always,
    frames: ['largeSession'],
  },
  fleet: {
    label: 'Fleet',
    description: 'Quality percentiles or failure rates across sessions, for dashboards and alerts',
    fields: QUERY_FIELDS.fleet,
    defaults: {
      fleetMetric: FleetMetric.PacketLoss,
      stat: 'p95',
      groupBy: 'none',
      format: 'timeseries',
      action: 'connect',
    },
    required: [],
    needsSession: never,
    frames: Object.values(FleetMetric),
  },
  annotations: {
    label: 'Annotations',
    description: "A session's events and errors, or failures across the fleet",
    fields: QUERY_FIELDS.annotations,
    defaults: {},
    required: [],
    needsSession: never,
    frames: ['annotations'],
  },
  issues: {
    label: 'Issues',
    description: 'Issue tags per user and stream: high loss, latency, low bitrate, frozen video, failures, reconnects',
    fields: QUERY_FIELDS.issues,
    defaults: {},
    required: [],
    needsSession: always,
    frames: ['issues'],
  },
  scores: {
    label: 'Scores',
    description: 'Audio MOS (ITU-T G.107 E-model) and video score per user and stream over time, with their reasons',
    fields: QUERY_FIELDS.scores,
    defaults: {},
    required: [],
    needsSession: always,
    frames: ['scores', 'scoreReasons', 'userScores', 'score'],
  },
  baseline: {
    label: 'Baseline',
    description: "The session beside the project's p50 / p95 of the last 7 days for the same browser, SDK and country",
    fields: QUERY_FIELDS.baseline,
    defaults: {},
    required: [],
    needsSession: always,
    frames: ['baselineSummary', 'baseline'],
  },
  repro: {
    label: 'Reproduction kit',
    description:
      "A user's bad minutes as a tc netem script and a Chromium field-trial line, and its data as a webrtc-internals dump",
    fields: QUERY_FIELDS.repro,
    defaults: {},
    required: [],
    needsSession: always,
    frames: ['repro', 'replay'],
  },
  attribution: {
    label: 'Who degraded whom',
    description:
      "For each degraded subscriber stream: the publisher's uplink, the media server or the subscriber's downlink, with the evidence",
    fields: QUERY_FIELDS.attribution,
    defaults: {},
    required: [],
    needsSession: always,
    frames: ['attribution', 'agreement'],
  },
  variables: {
    label: 'Variable values',
    description: 'Projects, sessions, meetings, users or streams (text / value)',
    fields: QUERY_FIELDS.variables,
    defaults: {},
    required: ['variable'],
    needsSession: (q) => isOneOf(SESSION_VARIABLES, q.variable),
    frames: ['variables'],
  },
} satisfies Record<QueryType, QueryDescriptor>;

/** How a field is checked, and how the editor names it. */
interface FieldRule {
  /** The editor's name for the field. */
  label: string;
  valid: (v: unknown) => boolean;
  /** What a valid value is: "one of a, b", "a whole number from 1 to 5000". */
  expected: string;
  /** The API message, when not "<field> must be <expected>, got '<value>'". */
  message?: (v: unknown) => string;
  /** The editor's message, when not the rule's default for its kind. */
  hint?: (v: unknown) => string;
}

/** A client's value in a message: text as given, anything else as JSON, at most 64 characters. */
function shown(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? typeof v);
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

function oneOf(label: string, values: readonly string[], hint?: (v: unknown) => string): FieldRule {
  return {
    label,
    valid: (v) => isOneOf(values, v),
    expected: `one of ${values.join(', ')}`,
    hint: hint ?? ((v) => `Unknown ${label.toLowerCase()} '${shown(v)}'`),
  };
}

function wholeNumber(label: string, min: number, max?: number): FieldRule {
  return {
    label,
    valid: (v) => Number.isInteger(v) && (v as number) >= min && (max === undefined || (v as number) <= max),
    expected: max === undefined ? `a whole number, ${min} or more` : `a whole number from ${min} to ${max}`,
  };
}

const text = (label: string): FieldRule => ({ label, valid: (v) => typeof v === 'string', expected: 'text' });
const bool = (label: string): FieldRule => ({
  label,
  valid: (v) => typeof v === 'boolean',
  expected: 'true or false',
});

/** Every field's rule; a query type checks the fields it reads. */
const FIELD_RULES: Record<Exclude<keyof SessionQueryModel, 'queryType' | 'version'>, FieldRule> = {
  project: text('Project'),
  sessionId: text('Session'),
  meetingId: text('Meeting'),
  textFilter: text('Text filter'),
  sessionIdPrefix: text('Session id prefix'),
  hasErrors: bool('With errors'),
  callType: oneOf('Call type', Object.values(CallType)),
  minSize: wholeNumber('Min connections', 0),
  saved: bool('Saved'),
  tag: text('Tag'),
  maxRating: wholeNumber('Max rating', 1, 5),
  limit: wholeNumber('Limit', 1, MAX_SESSIONS_LIMIT),
  userId: text('User'),
  streamId: text('Stream'),
  role: oneOf('Role', ['publisher', 'subscriber']),
  media: oneOf('Media', ['audio', 'video']),
  metrics: {
    label: 'Metrics',
    valid: (v) => Array.isArray(v) && v.every((m) => isOneOf(ALL_QUALITY_METRICS, m)),
    expected: `a list of ${ALL_QUALITY_METRICS.join(', ')}`,
    message: (v) =>
      Array.isArray(v)
        ? `unknown metrics: ${v
            .filter((m) => !isOneOf(ALL_QUALITY_METRICS, m))
            .map(shown)
            .join(', ')} (known: ${ALL_QUALITY_METRICS.join(', ')})`
        : `metrics must be a list of ${ALL_QUALITY_METRICS.join(', ')}`,
  },
  sip: bool('SIP users'),
  fleetMetric: oneOf('Fleet metric', Object.values(FleetMetric)),
  stat: oneOf('Statistic', FLEET_STATS),
  groupBy: oneOf('Group by', FLEET_GROUPS, (v) => `Cannot group by '${shown(v)}'`),
  action: oneOf('Action', FAILURE_ACTIONS),
  format: oneOf('Format', FLEET_FORMATS),
  annotationKind: oneOf('Annotation kind', ANNOTATION_KINDS),
  variable: oneOf('List', VARIABLE_KINDS, () => `Choose what to list: ${VARIABLE_KINDS.join(', ')}`),
};

/** Why a query cannot run: `message` for the API (names the field), `hint` for the query editor. */
export interface QueryProblem {
  field: keyof SessionQueryModel;
  message: string;
  hint: string;
}

const SESSION_HINT = 'a session (or a variable such as $session)';

/**
 * The first problem of a query, or undefined when it can run. Fields the query type does not
 * read are not checked; an absent field means its default.
 */
export function checkQuery(q: Partial<SessionQueryModel>): QueryProblem | undefined {
  if (!isOneOf(ALL_QUERY_TYPES, q.queryType)) {
    return {
      field: 'queryType',
      message: `unknown queryType '${shown(q.queryType)}' (known: ${ALL_QUERY_TYPES.join(', ')})`,
      hint: 'Choose a query type',
    };
  }
  const d: QueryDescriptor = QUERY_DESCRIPTORS[q.queryType];
  if (d.needsSession(q) && !q.sessionId) {
    return {
      field: 'sessionId',
      message: `${q.queryType} needs a sessionId`,
      hint:
        q.queryType === QueryType.Variables ? `Listing ${q.variable} needs ${SESSION_HINT}` : `Choose ${SESSION_HINT}`,
    };
  }
  for (const field of d.fields) {
    if (field === 'queryType' || field === 'version') {
      continue;
    }
    const rule = FIELD_RULES[field];
    const v = q[field];
    const missing = v === undefined || v === null;
    if (missing ? d.required.includes(field) : !rule.valid(v)) {
      return {
        field,
        message: rule.message?.(v) ?? `${field} must be ${rule.expected}${missing ? '' : `, got '${shown(v)}'`}`,
        hint: rule.hint?.(v) ?? `${rule.label} must be ${rule.expected}`,
      };
    }
  }
  return undefined;
}
