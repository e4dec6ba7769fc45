import type {
  StandinMeeting,
  StandinPublisher,
  StandinSession,
  StandinStats,
  StandinSubscriber,
} from './insightsStandin';

export const STATS_EVERY_MS = 30_000;

/** Deterministic 30-second statistics: values derived from the sample's position. */
export function stats(from: number, to: number, seed: number): StandinStats[] {
  const out: StandinStats[] = [];
  for (let t = from + STATS_EVERY_MS, i = 0; t <= to; t += STATS_EVERY_MS, i++) {
    out.push({
      createdAt: t,
      audioLatencyMs: 40 + seed + (i % 5),
      audioBitrateKbps: 32 + (i % 3),
      audioPacketLoss: 0.005,
      videoLatencyMs: 60 + seed + (i % 7),
      videoBitrateKbps: 500 + seed * 10 + i,
      videoPacketLoss: 0.025,
      videoResolution: '640x480',
    });
  }
  return out;
}

export function publisher(
  connectionId: string,
  streamId: string,
  from: number,
  to: number | null,
  seed: number,
  videoType = 'camera'
): StandinPublisher {
  return {
    connectionId,
    createdAt: from,
    destroyedAt: to,
    stream: { streamId, hasAudioTrack: true, hasVideoTrack: true, videoType },
    stats: stats(from, to ?? from + 10 * STATS_EVERY_MS, seed),
  };
}

export function subscriber(
  subscriberId: string,
  connectionId: string,
  streamId: string,
  from: number,
  to: number | null,
  seed: number
): StandinSubscriber {
  return {
    subscriberId,
    connectionId,
    streamId,
    createdAt: from,
    destroyedAt: to,
    stats: stats(from, to ?? from + 10 * STATS_EVERY_MS, seed),
  };
}

const MIN = 60_000;

/**
 * Two meetings, 30 minutes apart: a one-to-one call (two publishers, each subscribing to the
 * other) for 10 minutes, then one publisher alone for 5 minutes.
 */
export function twoMeetings(sessionId: string, t0: number): StandinSession {
  const first: StandinMeeting = {
    meetingId: `${sessionId}-m1`,
    createdAt: t0,
    destroyedAt: t0 + 10 * MIN,
    publishers: [
      publisher('conn-alice', 'stream-alice', t0, t0 + 10 * MIN, 1),
      publisher('conn-bob', 'stream-bob', t0 + MIN, t0 + 10 * MIN, 2, 'screen'),
    ],
    subscribers: [
      subscriber('sub-bob-alice', 'conn-bob', 'stream-alice', t0 + MIN, t0 + 10 * MIN, 3),
      subscriber('sub-alice-bob', 'conn-alice', 'stream-bob', t0 + 2 * MIN, t0 + 10 * MIN, 4),
    ],
  };
  const second: StandinMeeting = {
    meetingId: `${sessionId}-m2`,
    createdAt: t0 + 40 * MIN,
    destroyedAt: t0 + 45 * MIN,
    publishers: [publisher('conn-carol', 'stream-carol', t0 + 40 * MIN, t0 + 45 * MIN, 5)],
    subscribers: [],
  };
  return { sessionId, meetings: [first, second] };
}
