import { classifyCallType, type FailureAction } from '@model';
import type { Action, ClientInfo, EventRecord, IngestRecord, QualitySampleRecord, Variation } from '../model/records';
import { hits, injection, plannedWindows } from './degradations';
import type { DegradationWindow, DegradedSide, MeetingTruth, SessionTruth, Shape } from './manifest';
import type { ActionCounts } from '../model/sessionStats';
import { DISCONNECT_REASONS, FAILURES, sipClient, webOrNativeClient } from './profiles';
import { Random } from './random';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export interface SessionSpec {
  sessionId: string;
  shape: Shape;
  /** Start of the first meeting, epoch ms. */
  start: number;
  /** Meetings in this session id (reuse): 1 to 3. */
  meetings: number;
  /** Pause between meetings (ms): more than the idle gap makes a new meeting. */
  reuseGapMs: number;
  /** Minutes each meeting lasts. */
  minutes: number;
  /** Users per meeting (broadcast: viewers + 1 host). */
  users: number;
  sampleIntervalMs: number;
  /** Probability scale for failures, reconnects, drops and degradations (0 = a clean call). */
  trouble: number;
  /**
   * Degradations to inject in each meeting, one per side listed, in slots that never overlap
   * (the B2 / B3 ground truth); with it, no random degradation is added.
   */
  inject?: DegradedSide[];
}

export interface GeneratedSession {
  truth: SessionTruth;
  records: IngestRecord[];
}

interface Stint {
  connectionId: string;
  start: number;
  end: number;
  reason: string;
}

interface Participant {
  clientId: string;
  client: ClientInfo;
  publishes: boolean;
  stints: Stint[];
}

interface StreamPlan {
  streamId: string;
  owner: Participant;
  stint: Stint;
  start: number;
  end: number;
  audioOnly: boolean;
  videoType: 'camera' | 'screen';
}

const emptyCounts = (): Record<FailureAction, ActionCounts> => ({
  connect: { attempts: 0, successes: 0, failures: 0 },
  publish: { attempts: 0, successes: 0, failures: 0 },
  subscribe: { attempts: 0, successes: 0, failures: 0 },
});

/** Baseline quality of a healthy stream, per media. */
const BASE = {
  video: { bitrate: [500, 1400], rtt: [30, 140], loss: 0.4, jitter: [4, 15], fps: [24, 30] },
  audio: { bitrate: [32, 46], rtt: [30, 140], loss: 0.3, jitter: [3, 10] },
} as const;

/**
 * Turns a session spec into the records a real client fleet would send, and the ground truth
 * those records encode. Deterministic: the same spec and seed give the same output.
 */
export function generateSession(spec: SessionSpec, seed: number): GeneratedSession {
  const r = new Random(seed);
  const events: EventRecord[] = [];
  const samples: QualitySampleRecord[] = [];
  let n = 0;
  const nextId = () => `${spec.sessionId}:${(n++).toString(36)}`;
  const truth: SessionTruth = {
    sessionId: spec.sessionId,
    shape: spec.shape,
    callType: 'one-to-zero',
    start: spec.start,
    end: spec.start,
    meetings: [],
    users: [],
    connections: [],
    streams: [],
    subscribers: [],
    actions: emptyCounts(),
    errors: 0,
    reconnects: 0,
    degradations: [],
    records: { events: 0, samples: 0 },
  };
  const sessionUsers = new Map<string, { client: ClientInfo; connections: number }>();
  const sessionPublishers = new Set<string>();

  let meetingStart = spec.start;
  for (let m = 0; m < spec.meetings; m++) {
    const meetingEnd = meetingStart + spec.minutes * MINUTE;
    const counts = emptyCounts();
    const emit = (
      ts: number,
      action: Action,
      p: Participant,
      extra: Partial<Omit<EventRecord, 'kind' | 'id' | 'sessionId' | 'ts' | 'action' | 'clientId'>> = {}
    ) => {
      events.push({
        kind: 'event',
        id: nextId(),
        sessionId: spec.sessionId,
        ts: Math.round(ts),
        action,
        clientId: p.clientId,
        source: 'simulator',
        ...extra,
      });
      const variation = extra.variation as Variation | undefined;
      if ((action === 'connect' || action === 'publish' || action === 'subscribe') && variation) {
        const key = variation === 'attempt' ? 'attempts' : variation === 'success' ? 'successes' : 'failures';
        counts[action][key]++;
        truth.actions[action][key]++;
        if (variation === 'failure') {
          truth.errors++;
        }
      }
    };
    const fail = (action: FailureAction) => {
      const [code, message] = r.pick(FAILURES[action]);
      return { variation: 'failure' as const, code, message };
    };

    const firstEvent = events.length;
    const participants = planParticipants(spec, r, m, meetingStart, meetingEnd);
    const meetingUsers = new Set<string>();
    const meetingPublishers = new Set<string>();
    let meetingConnections = 0;

    // Connections: a failed attempt is retried a few seconds later; reconnects inside a stint.
    for (const p of participants) {
      for (const stint of p.stints) {
        let t = stint.start;
        if (r.chance(0.06 * spec.trouble)) {
          emit(t, 'connect', p, { variation: 'attempt', connectionId: `${stint.connectionId}-x` });
          emit(t + r.int(2, 8) * SECOND, 'connect', p, { connectionId: `${stint.connectionId}-x`, ...fail('connect') });
          t += 10 * SECOND;
          stint.start = t;
        }
        emit(t, 'connect', p, { variation: 'attempt', connectionId: stint.connectionId });
        emit(t + r.int(200, 900), 'connect', p, {
          variation: 'success',
          connectionId: stint.connectionId,
          client: p.client,
        });
        meetingUsers.add(p.clientId);
        meetingConnections++;
        const su = sessionUsers.get(p.clientId);
        if (su) {
          su.connections++;
        } else {
          sessionUsers.set(p.clientId, { client: p.client, connections: 1 });
        }
        if (stint.end - stint.start > 4 * MINUTE && r.chance(0.1 * spec.trouble)) {
          const at = r.between(stint.start + MINUTE, stint.end - 2 * MINUTE);
          emit(at, 'reconnecting', p, { connectionId: stint.connectionId, reason: 'networkInterruption' });
          emit(at + r.int(2, 8) * SECOND, 'reconnected', p, { connectionId: stint.connectionId });
          truth.reconnects++;
        }
        emit(stint.end, 'disconnect', p, { connectionId: stint.connectionId, reason: stint.reason });
        truth.connections.push({
          connectionId: stint.connectionId,
          clientId: p.clientId,
          start: stint.start,
          end: stint.end,
          reason: stint.reason,
        });
      }
    }

    // Streams: publishers publish once per connection; a refused publish is retried once.
    const streams: StreamPlan[] = [];
    for (const p of participants.filter((x) => x.publishes)) {
      for (const stint of p.stints) {
        let t = stint.start + 2 * SECOND;
        const streamId = `${stint.connectionId}-cam`;
        if (r.chance(0.04 * spec.trouble)) {
          emit(t, 'publish', p, { variation: 'attempt', connectionId: stint.connectionId, streamId: `${streamId}-x` });
          emit(t + SECOND, 'publish', p, {
            connectionId: stint.connectionId,
            streamId: `${streamId}-x`,
            ...fail('publish'),
          });
          t += 4 * SECOND;
        }
        const audioOnly = p.client.sip === true;
        emit(t, 'publish', p, { variation: 'attempt', connectionId: stint.connectionId, streamId });
        emit(t + 500, 'publish', p, {
          variation: 'success',
          connectionId: stint.connectionId,
          streamId,
          stream: { videoType: 'camera', hasAudio: true, hasVideo: !audioOnly, scalable: spec.shape !== 'one-to-one' },
        });
        streams.push({ streamId, owner: p, stint, start: t + 500, end: stint.end, audioOnly, videoType: 'camera' });
        emit(stint.end - 200, 'unpublish', p, { connectionId: stint.connectionId, streamId, reason: stint.reason });
        truth.streams.push({
          streamId,
          connectionId: stint.connectionId,
          videoType: 'camera',
          start: t + 500,
          end: stint.end,
        });
        meetingPublishers.add(p.clientId);
        sessionPublishers.add(p.clientId);
      }
    }

    // Degradation windows at known times and magnitudes: asked for, or on a few streams, and in
    // routed calls on a few downlinks and now and then on the media server.
    const subscriberConnections = participants.flatMap((p) =>
      p.stints.map((stint) => ({
        connectionId: stint.connectionId,
        from: stint.start,
        to: stint.end,
        streams: streams.filter(
          (x) => x.owner !== p && Math.min(stint.end, x.end) - Math.max(stint.start, x.start) > 20 * SECOND
        ).length,
      }))
    );
    let windows: DegradationWindow[] = [];
    if (spec.inject) {
      windows = plannedWindows(r, spec.inject, {
        meeting: m,
        streams: streams.map((x) => ({ streamId: x.streamId, audioOnly: x.audioOnly, start: x.start, end: x.end })),
        subscribers: subscriberConnections,
        start: meetingStart,
        end: meetingEnd,
      });
    } else {
      const slot = (from: number, to: number) => {
        const start = Math.round(r.between(from + MINUTE, to - 4 * MINUTE));
        return { start, end: start + r.int(2, 3) * MINUTE };
      };
      for (const x of streams) {
        if (x.end - x.start >= 5 * MINUTE && r.chance(0.15 * spec.trouble)) {
          windows.push({
            side: 'publisher',
            streamId: x.streamId,
            meeting: m,
            ...slot(x.start, x.end),
            ...injection(r, x.audioOnly),
          });
        }
      }
      if (spec.shape === 'multiparty' || spec.shape === 'broadcast') {
        for (const c of subscriberConnections) {
          if (c.to - c.from >= 5 * MINUTE && c.streams >= 2 && r.chance(0.05 * spec.trouble)) {
            windows.push({
              side: 'subscriber',
              connectionId: c.connectionId,
              meeting: m,
              ...slot(c.from, c.to),
              ...injection(r, false),
            });
          }
        }
        if (meetingEnd - meetingStart >= 6 * MINUTE && r.chance(0.05 * spec.trouble)) {
          windows.push({ side: 'server', meeting: m, ...slot(meetingStart, meetingEnd), ...injection(r, false) });
        }
      }
    }
    truth.degradations.push(...windows);

    const sampleStream = (
      s: StreamPlan,
      from: number,
      to: number,
      who: Participant,
      connectionId: string,
      role: 'publisher' | 'subscriber',
      subscriberId?: string
    ) => {
      const sr = r.fork(samples.length + 1);
      for (const media of s.audioOnly ? (['audio'] as const) : (['audio', 'video'] as const)) {
        const base = BASE[media];
        const bitrate = sr.between(base.bitrate[0], base.bitrate[1]);
        const rtt = sr.between(base.rtt[0], base.rtt[1]);
        const first = Math.ceil(from / spec.sampleIntervalMs) * spec.sampleIntervalMs;
        for (let ts = first; ts <= to; ts += spec.sampleIntervalMs) {
          const w = windows.find((x) => hits(x, { ts, media, role, streamId: s.streamId, connectionId }));
          let kbps = Math.max(1, sr.normal(bitrate, bitrate * 0.06));
          let loss = Math.max(0, sr.normal(base.loss, base.loss / 2));
          let rttMs = Math.max(1, sr.normal(rtt, rtt * 0.08));
          if (w?.metric === 'lossPct') {
            loss = Math.max(0, sr.normal(w.value, 0.3));
          } else if (w?.metric === 'rttMs') {
            rttMs = Math.max(1, sr.normal(w.value, 15));
          } else if (w?.metric === 'bitrateKbps') {
            kbps = Math.max(1, sr.normal(w.value, 5));
          }
          const packets = Math.round((kbps * spec.sampleIntervalMs) / 8 / (media === 'video' ? 1100 : 160));
          const sample: QualitySampleRecord = {
            kind: 'quality',
            id: nextId(),
            sessionId: spec.sessionId,
            ts,
            clientId: who.clientId,
            connectionId,
            streamId: s.streamId,
            role,
            media,
            source: 'simulator',
            bitrateKbps: round(kbps, 1),
            packets,
            packetsLost: Math.round((packets * loss) / 100),
            lossPct: round(loss, 2),
            rttMs: round(rttMs, 1),
            jitterMs: round(sr.between(base.jitter[0], base.jitter[1]), 1),
          };
          if (subscriberId) {
            sample.subscriberId = subscriberId;
          }
          if (media === 'video') {
            sample.frameRate = sr.int(BASE.video.fps[0], BASE.video.fps[1]);
            sample.width = 1280;
            sample.height = 720;
            sample.codec = 'VP8';
            if (role === 'publisher') {
              // A publisher whose own uplink lost bandwidth says so (qualityLimitationReason).
              sample.limitation = w?.side === 'publisher' && w.metric === 'bitrateKbps' ? 'bandwidth' : 'none';
            }
          } else {
            sample.codec = 'opus';
          }
          samples.push(sample);
        }
      }
    };

    for (const s of streams) {
      sampleStream(s, s.start, s.end, s.owner, s.stint.connectionId, 'publisher');
    }

    // Subscriptions: everyone connected subscribes to every other user's overlapping stream.
    let meetingSubscribers = 0;
    for (const p of participants) {
      for (const stint of p.stints) {
        for (const s of streams) {
          if (s.owner === p) {
            continue;
          }
          let from = Math.max(stint.start + SECOND, s.start + SECOND);
          const to = Math.min(stint.end - 300, s.end - 300);
          if (to - from < 20 * SECOND) {
            continue;
          }
          let subscriberId = `${stint.connectionId}>${s.streamId}`;
          if (r.chance(0.03 * spec.trouble)) {
            emit(from, 'subscribe', p, {
              variation: 'attempt',
              connectionId: stint.connectionId,
              streamId: s.streamId,
              subscriberId,
            });
            emit(from + 3 * SECOND, 'subscribe', p, {
              connectionId: stint.connectionId,
              streamId: s.streamId,
              subscriberId,
              ...fail('subscribe'),
            });
            truth.subscribers.push({
              subscriberId,
              streamId: s.streamId,
              connectionId: stint.connectionId,
              success: false,
            });
            subscriberId = `${subscriberId}~2`;
            from += 5 * SECOND;
          }
          emit(from, 'subscribe', p, {
            variation: 'attempt',
            connectionId: stint.connectionId,
            streamId: s.streamId,
            subscriberId,
          });
          emit(from + 400, 'subscribe', p, {
            variation: 'success',
            connectionId: stint.connectionId,
            streamId: s.streamId,
            subscriberId,
          });
          emit(to, 'unsubscribe', p, {
            connectionId: stint.connectionId,
            streamId: s.streamId,
            subscriberId,
            reason: s.end <= stint.end ? 'streamDestroyed' : stint.reason,
          });
          truth.subscribers.push({
            subscriberId,
            streamId: s.streamId,
            connectionId: stint.connectionId,
            success: true,
          });
          meetingSubscribers++;
          sampleStream(s, from + 400, to, p, stint.connectionId, 'subscriber', subscriberId);
        }
      }
    }

    // A meeting spans its first to its last connection event, as the collector derives it.
    const meetingTimes = events.slice(firstEvent).map((e) => e.ts);
    const meeting: MeetingTruth = {
      start: Math.min(...meetingTimes),
      end: Math.max(...meetingTimes),
      users: meetingUsers.size,
      // The simulator records every participant.
      recordedUsers: meetingUsers.size,
      remotePublishers: 0,
      connections: meetingConnections,
      publishers: meetingPublishers.size,
      streams: streams.length,
      subscribers: meetingSubscribers,
      callType: classifyCallType(meetingUsers.size, meetingPublishers.size),
      actions: counts,
    };
    truth.meetings.push(meeting);
    meetingStart = meeting.end + spec.reuseGapMs;
  }

  truth.users = [...sessionUsers].map(([clientId, u]) => ({ clientId, client: u.client, connections: u.connections }));
  truth.callType = classifyCallType(sessionUsers.size, sessionPublishers.size);
  const all: IngestRecord[] = [...events, ...samples].sort((a, b) => a.ts - b.ts);
  truth.start = all[0].ts;
  truth.end = all[all.length - 1].ts;
  truth.records = { events: events.length, samples: samples.length };
  return { truth, records: all };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Who joins a meeting, when they join and leave, and whether their connection drops. */
function planParticipants(spec: SessionSpec, r: Random, meeting: number, start: number, end: number): Participant[] {
  const count = spec.shape === 'one-to-zero' ? 1 : spec.shape === 'one-to-one' ? 2 : spec.users;
  const people: Participant[] = [];
  for (let i = 0; i < count; i++) {
    const host = i === 0;
    const sip = spec.shape === 'multiparty' && i === count - 1 && r.chance(0.25);
    const clientId = `${spec.sessionId.slice(-10)}-m${meeting}-u${i}`;
    const join = host ? start : start + r.int(1, spec.shape === 'broadcast' ? 120 : 45) * SECOND;
    const leave = host ? end : end - r.int(0, 60) * SECOND;
    const reason = r.weighted(DISCONNECT_REASONS.map(([v, w]) => [v, w] as const));
    const stints: Stint[] = [];
    // A dropped connection: the user comes back on a new connection a few seconds later.
    if (!host && leave - join > 6 * MINUTE && r.chance(0.05 * spec.trouble)) {
      const drop = Math.round(r.between(join + 2 * MINUTE, leave - 3 * MINUTE));
      stints.push({ connectionId: `${clientId}-c0`, start: join, end: drop, reason: 'networkDisconnected' });
      stints.push({ connectionId: `${clientId}-c1`, start: drop + r.int(5, 15) * SECOND, end: leave, reason });
    } else {
      stints.push({
        connectionId: `${clientId}-c0`,
        start: join,
        end: leave,
        reason: host ? 'clientDisconnected' : reason,
      });
    }
    people.push({
      clientId,
      client: sip ? sipClient(r) : webOrNativeClient(r),
      publishes: spec.shape !== 'broadcast' || host,
      stints,
    });
  }
  return people;
}
