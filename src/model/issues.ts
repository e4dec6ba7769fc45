/**
 * B2 issue tags: what went wrong, for whom, from when to when, how badly. The collector derives
 * them (collector/src/model/issueDetection.ts); the Inspector, annotations, the sessions search
 * and alert labels show them.
 */
export const IssueKind = {
  HighLoss: 'high-loss',
  HighLatency: 'high-latency',
  LowBitrate: 'low-bitrate',
  FrozenVideo: 'frozen-video',
  OneWayMedia: 'one-way-media',
  IceFailure: 'ice-failure',
  Reconnect: 'reconnect',
  FailedConnect: 'failed-connect',
  FailedPublish: 'failed-publish',
  FailedSubscribe: 'failed-subscribe',
  CpuLimited: 'cpu-limited',
  BandwidthLimited: 'bandwidth-limited',
} as const;
export type IssueKind = (typeof IssueKind)[keyof typeof IssueKind];
export const ISSUE_KINDS: IssueKind[] = Object.values(IssueKind);

/** How each kind reads in a sentence ("high loss from 12:03 to 12:05"). */
export const ISSUE_LABELS: Record<IssueKind, string> = {
  'high-loss': 'high packet loss',
  'high-latency': 'high latency',
  'low-bitrate': 'low bitrate',
  'frozen-video': 'frozen video',
  'one-way-media': 'one-way media (sent, never received)',
  'ice-failure': 'ICE failure',
  reconnect: 'reconnect',
  'failed-connect': 'failed connect',
  'failed-publish': 'failed publish',
  'failed-subscribe': 'failed subscribe',
  'cpu-limited': 'CPU-limited resolution',
  'bandwidth-limited': 'bandwidth-limited resolution',
};

export type IssueSeverity = 'warning' | 'critical';

export interface Issue {
  kind: IssueKind;
  severity: IssueSeverity;
  /** epoch ms; a failure is an instant (start = end). */
  start: number;
  end: number;
  userId: string;
  connectionId?: string;
  streamId?: string;
  /** The subscriber who measured it, for a subscriber's stream. */
  subscriberId?: string;
  role?: 'publisher' | 'subscriber';
  media?: 'audio' | 'video';
  /** The measured value that broke the threshold: mean loss %, RTT ms, kbps, fps... */
  value?: number;
  /** One line a person reads: "loss 6.2 % (over 5 %) for 2 min 10 s". */
  detail: string;
}

/**
 * B3: which side degraded a subscriber's stream. `publisher`: the publisher's uplink; `server`:
 * the media server or routing; `subscriber`: the subscriber's downlink; `unclear`: the evidence
 * points nowhere.
 */
export type DegradedSideVerdict = 'publisher' | 'server' | 'subscriber' | 'unclear';

export const VERDICT_LABELS: Record<DegradedSideVerdict, string> = {
  publisher: "the publisher's uplink",
  server: 'the media server or routing',
  subscriber: "the subscriber's downlink",
  unclear: 'unclear',
};

/** B1: a quality score's band: good, fair (some users dissatisfied), poor. */
export type ScoreBand = 'good' | 'fair' | 'poor';
