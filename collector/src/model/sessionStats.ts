import { classifyCallType, FAILURE_ACTIONS, isErrorEvent, isOneOf, type CallType, type FailureAction } from '@model';
import type { StoredAction, StreamInfo, Variation } from './records';

/** An event as the store returns it (snake case columns mapped to the record's names). */
export interface StoredEvent {
  id: string;
  ts: number;
  action: StoredAction;
  variation: Variation | null;
  clientId: string;
  connectionId: string | null;
  streamId: string | null;
  subscriberId: string | null;
  code: string | null;
  message: string | null;
  reason: string | null;
  /** Where the event came from (src/model/sources.ts). */
  source: string;
  /** On publish, and on subscribes to streams published outside the recording: what it carries. */
  stream?: StreamInfo | null;
}

export interface ActionCounts {
  attempts: number;
  successes: number;
  failures: number;
}

export interface ActionStats extends ActionCounts {
  /** failures / attempts, 0 when there was no attempt. */
  failureRate: number;
}

/** Who took part in a set of events and when (the simulator's ground truth states the same counts). */
export interface ParticipationCounts {
  start: number;
  end: number;
  /** Users who took part: those recorded, plus the publishers of streams received from outside the recording. */
  users: number;
  /** Users whose own telemetry was recorded (a successful connect). */
  recordedUsers: number;
  /** Publishers seen only through the streams the recorded users received. */
  remotePublishers: number;
  connections: number;
  publishers: number;
  streams: number;
  subscribers: number;
  callType: CallType;
}

export interface SessionStats extends ParticipationCounts {
  errors: number;
  reconnects: number;
  actions: Record<FailureAction, ActionStats>;
}

type SuccessFields = Pick<StoredEvent, 'action' | 'variation' | 'connectionId' | 'streamId' | 'subscriberId'>;

function successKey(e: SuccessFields): string | undefined {
  const id = e.action === 'connect' ? e.connectionId : e.action === 'publish' ? e.streamId : e.subscriberId;
  return e.variation === 'success' && id ? `${e.action}:${id}` : undefined;
}

/**
 * The events without repeated successes: the SDK, Vonage's callbacks and its Insights API may
 * each report the same connection, stream or subscription, which succeeded once.
 */
export function withoutRepeatedSuccesses<T extends SuccessFields>(events: T[]): T[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = successKey(e);
    if (!key) {
      return true;
    }
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/**
 * How many people published the streams received from outside the recording (an imported dump
 * is one browser's view of the call). A dump's streams carry audio or video, not both, so each
 * remote publisher is one audio and one video stream at most: the larger of the two counts.
 */
export function remotePublisherCount(streams: Iterable<StreamInfo | null | undefined>): number {
  let audio = 0;
  let video = 0;
  for (const s of streams) {
    // A stream that does not say what it carries is one publisher's (OpenTok's streams carry both).
    const unknown = s?.hasAudio === undefined && s?.hasVideo === undefined;
    audio += unknown || s?.hasAudio ? 1 : 0;
    video += unknown || s?.hasVideo ? 1 : 0;
  }
  return Math.max(audio, video);
}

/** Counts of a set of events (a session or one of its meetings); see docs/collector.md. */
export function statsOf(all: StoredEvent[]): SessionStats {
  const events = withoutRepeatedSuccesses(all);
  const users = new Set<string>();
  const connections = new Set<string>();
  const publishers = new Set<string>();
  const streams = new Set<string>();
  const subscribers = new Set<string>();
  const received = new Map<string, StreamInfo | null | undefined>();
  const actions = Object.fromEntries(
    FAILURE_ACTIONS.map((a) => [a, { attempts: 0, successes: 0, failures: 0, failureRate: 0 }])
  ) as Record<FailureAction, ActionStats>;
  let errors = 0;
  let reconnects = 0;
  let start = Infinity;
  let end = -Infinity;
  for (const e of events) {
    start = Math.min(start, e.ts);
    end = Math.max(end, e.ts);
    if (isErrorEvent(e)) {
      errors++;
    }
    if (e.action === 'reconnected') {
      reconnects++;
    }
    if (e.variation && isOneOf(FAILURE_ACTIONS, e.action)) {
      const a = actions[e.action];
      if (e.variation === 'attempt') {
        a.attempts++;
      } else if (e.variation === 'success') {
        a.successes++;
      } else {
        a.failures++;
      }
    }
    if (e.variation !== 'success') {
      continue;
    }
    if (e.action === 'connect') {
      users.add(e.clientId);
      if (e.connectionId) {
        connections.add(e.connectionId);
      }
    } else if (e.action === 'publish') {
      publishers.add(e.clientId);
      if (e.streamId) {
        streams.add(e.streamId);
      }
    } else if (e.action === 'subscribe' && e.subscriberId) {
      subscribers.add(e.subscriberId);
      if (e.streamId && !received.has(e.streamId)) {
        received.set(e.streamId, e.stream);
      }
    }
  }
  const remote = [...received].filter(([id]) => !streams.has(id));
  const remotePublishers = remotePublisherCount(remote.map(([, info]) => info));
  for (const a of Object.values(actions)) {
    a.failureRate = a.attempts > 0 ? a.failures / a.attempts : 0;
  }
  return {
    start: events.length ? start : 0,
    end: events.length ? end : 0,
    users: users.size + remotePublishers,
    recordedUsers: users.size,
    remotePublishers,
    connections: connections.size,
    publishers: publishers.size + remotePublishers,
    streams: streams.size + remote.length,
    subscribers: subscribers.size,
    errors,
    reconnects,
    callType: classifyCallType(users.size + remotePublishers, publishers.size + remotePublishers),
    actions,
  };
}
