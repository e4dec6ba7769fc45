import { classifyCallType, type CallType } from '@model';
import type { StoredAction, Variation } from './records';

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
}

export type CountedAction = 'connect' | 'publish' | 'subscribe';
export const COUNTED_ACTIONS: CountedAction[] = ['connect', 'publish', 'subscribe'];

export interface ActionStats {
  attempts: number;
  successes: number;
  failures: number;
  /** failures / attempts, 0 when there was no attempt. */
  failureRate: number;
}

export interface SessionStats {
  start: number;
  end: number;
  users: number;
  connections: number;
  publishers: number;
  streams: number;
  subscribers: number;
  errors: number;
  reconnects: number;
  callType: CallType;
  actions: Record<CountedAction, ActionStats>;
}

/** Counts of a set of events (a session or one of its meetings); see docs/collector.md. */
export function statsOf(events: StoredEvent[]): SessionStats {
  const users = new Set<string>();
  const connections = new Set<string>();
  const publishers = new Set<string>();
  const streams = new Set<string>();
  const subscribers = new Set<string>();
  const actions = Object.fromEntries(
    COUNTED_ACTIONS.map((a) => [a, { attempts: 0, successes: 0, failures: 0, failureRate: 0 }])
  ) as Record<CountedAction, ActionStats>;
  let errors = 0;
  let reconnects = 0;
  let start = Infinity;
  let end = -Infinity;
  for (const e of events) {
    start = Math.min(start, e.ts);
    end = Math.max(end, e.ts);
    if (e.variation === 'failure' || e.action === 'exception') {
      errors++;
    }
    if (e.action === 'reconnected') {
      reconnects++;
    }
    if (e.variation && (e.action === 'connect' || e.action === 'publish' || e.action === 'subscribe')) {
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
    }
  }
  for (const a of Object.values(actions)) {
    a.failureRate = a.attempts > 0 ? a.failures / a.attempts : 0;
  }
  return {
    start: events.length ? start : 0,
    end: events.length ? end : 0,
    users: users.size,
    connections: connections.size,
    publishers: publishers.size,
    streams: streams.size,
    subscribers: subscribers.size,
    errors,
    reconnects,
    callType: classifyCallType(users.size, publishers.size),
    actions,
  };
}
