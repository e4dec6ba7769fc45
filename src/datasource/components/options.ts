import type { SelectableValue } from '@grafana/data';
import {
  ALL_QUALITY_METRICS,
  CallType,
  FleetMetric,
  QueryType,
  type FailureAction,
  type FleetFormat,
  type FleetGroup,
  type FleetStat,
  type QualityMetric,
  type VariableKind,
} from '../../model';

/** Every query type, with the help text the editor shows. */
export const QUERY_TYPES: Array<SelectableValue<QueryType>> = [
  { label: 'Sessions', value: QueryType.Sessions, description: 'Sessions with activity in the time range' },
  {
    label: 'Meetings',
    value: QueryType.Meetings,
    description: 'The meetings of a session (a reuse after the idle gap is a new meeting)',
  },
  {
    label: 'Summary',
    value: QueryType.Summary,
    description: 'Call type, counts, streamed minutes, issues, SDKs and endpoints',
  },
  { label: 'Users', value: QueryType.Users, description: 'Users with their connections, streams and subscribers' },
  { label: 'Errors', value: QueryType.Errors, description: 'Every failed connect, publish or subscribe' },
  {
    label: 'Failure rates',
    value: QueryType.FailureRates,
    description: 'Failures / attempts for connect, publish and subscribe',
  },
  { label: 'Events', value: QueryType.Events, description: 'The event log, with + / - text filters' },
  {
    label: 'Quality',
    value: QueryType.Quality,
    description: 'Bitrate, packet loss, latency, jitter, frame rate and resolution per stream over time',
  },
  {
    label: 'Large session',
    value: QueryType.LargeSession,
    description: 'Connection and subscriber attempts, successes and failures over time',
  },
  {
    label: 'Fleet',
    value: QueryType.Fleet,
    description: 'Quality percentiles or failure rates across sessions, for dashboards and alerts',
  },
  {
    label: 'Annotations',
    value: QueryType.Annotations,
    description: "A session's events and errors, or failures across the fleet",
  },
  {
    label: 'Issues',
    value: QueryType.Issues,
    description: 'Issue tags per user and stream: high loss, latency, low bitrate, frozen video, failures, reconnects',
  },
  {
    label: 'Scores',
    value: QueryType.Scores,
    description: 'Audio MOS (ITU-T G.107 E-model) and video score per user and stream over time, with their reasons',
  },
  {
    label: 'Baseline',
    value: QueryType.Baseline,
    description: "The session beside the project's p50 / p95 of the last 7 days for the same browser, SDK and country",
  },
  {
    label: 'Reproduction kit',
    value: QueryType.Repro,
    description:
      "A user's bad minutes as a tc netem script and a Chromium field-trial line, and its data as a webrtc-internals dump",
  },
  {
    label: 'Who degraded whom',
    value: QueryType.Attribution,
    description:
      "For each degraded subscriber stream: the publisher's uplink, the media server or the subscriber's downlink, with the evidence",
  },
  {
    label: 'Variable values',
    value: QueryType.Variables,
    description: 'Projects, sessions, meetings, users or streams (text / value)',
  },
];

export const CALL_TYPES: Array<SelectableValue<CallType>> = Object.values(CallType).map((v) => ({
  label: v,
  value: v,
}));

const METRIC_LABELS: Record<QualityMetric, string> = {
  bitrateKbps: 'Bitrate (kbps)',
  lossPct: 'Packet loss (%)',
  rttMs: 'Latency, RTT (ms)',
  jitterMs: 'Jitter (ms)',
  frameRate: 'Frame rate (fps)',
  frameHeight: 'Resolution (height, px)',
};
export const METRICS: Array<SelectableValue<QualityMetric>> = ALL_QUALITY_METRICS.map((m) => ({
  label: METRIC_LABELS[m],
  value: m,
}));

export const FLEET_METRICS: Array<SelectableValue<FleetMetric>> = [
  { label: METRIC_LABELS.lossPct, value: FleetMetric.PacketLoss },
  { label: METRIC_LABELS.rttMs, value: FleetMetric.Latency },
  { label: METRIC_LABELS.bitrateKbps, value: FleetMetric.Bitrate },
  { label: 'Failure rate', value: FleetMetric.FailureRate, description: 'Failures / attempts of one action' },
];

export const STATS: Array<SelectableValue<FleetStat>> = [
  { label: 'p50', value: 'p50', description: 'Median of the samples in each bucket' },
  { label: 'p95', value: 'p95', description: '95th percentile (default)' },
  { label: 'max', value: 'max', description: 'Worst sample' },
];

export const GROUPS: Array<SelectableValue<FleetGroup>> = [
  { label: 'None', value: 'none', description: 'One series' },
  { label: 'Project', value: 'project' },
  { label: 'SDK', value: 'sdk' },
  { label: 'Browser', value: 'browser' },
  { label: 'Country', value: 'country' },
  { label: 'Session', value: 'session', description: 'One series per session (per-session alerts)' },
  { label: 'Stream', value: 'stream', description: 'One series per stream (per-stream alerts)' },
  { label: 'User', value: 'user', description: 'One series per user of each session' },
];

export const ACTIONS: Array<SelectableValue<FailureAction>> = [
  { label: 'Connect', value: 'connect' },
  { label: 'Publish', value: 'publish' },
  { label: 'Subscribe', value: 'subscribe' },
];

export const FORMATS: Array<SelectableValue<FleetFormat>> = [
  { label: 'Time series', value: 'timeseries' },
  { label: 'One number', value: 'numeric' },
];

export const ROLES = [
  { label: 'Both', value: '' },
  { label: 'Publishers', value: 'publisher' },
  { label: 'Subscribers', value: 'subscriber' },
];

export const MEDIA = [
  { label: 'Both', value: '' },
  { label: 'Video', value: 'video' },
  { label: 'Audio', value: 'audio' },
];

export const VARIABLE_KIND_OPTIONS: Array<SelectableValue<VariableKind>> = [
  { label: 'Projects', value: 'projects' },
  { label: 'Sessions', value: 'sessions', description: 'Sessions of the project with activity in the time range' },
  { label: 'Meetings', value: 'meetings', description: 'Meetings of the session' },
  { label: 'Users', value: 'users', description: 'Users of the session (or of its meeting)' },
  { label: 'Streams', value: 'streams', description: 'Streams published in the session (or its meeting)' },
];

export const LABEL_WIDTH = 16;
