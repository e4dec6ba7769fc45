import { placeholderUser } from '../../ingest/connectionUsers';
import type { EventRecord, IngestRecord, QualitySampleRecord, StreamInfo } from '../../model/records';

type Item = Record<string, unknown>;

/** What a session's import found, beside its records. */
export interface MappedSession {
  records: IngestRecord[];
  meetings: number;
  publishers: number;
  subscribers: number;
  samples: number;
  /** Packet-loss values outside the documented 0..1 ratio, left out rather than guessed at. */
  lossOutOfRange: number;
}

/**
 * A Date as the Insights API gives it: an ISO-8601 string, or a number read the way the guide
 * documents for its own `start` input (10 digits or fewer: epoch seconds; more: epoch ms).
 */
export function insightsTime(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    return Math.abs(v) < 1e10 ? v * 1000 : v;
  }
  if (typeof v === 'string' && v !== '') {
    const ms = /^\d+$/.test(v) ? insightsTime(Number(v)) : Date.parse(v);
    return ms !== undefined && Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const list = (v: unknown) => (Array.isArray(v) ? (v as Item[]) : []);
const obj = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Item) : {});

const VIDEO_TYPES = ['camera', 'screen', 'custom'];

interface Sampled {
  role: 'publisher' | 'subscriber';
  key: string;
  streamId: string;
  connectionId: string;
  subscriberId?: string;
}

/**
 * An imported session in the collector's model: a connect success per connection (at its first
 * publisher or subscriber: Insights lists no connections in the documented subset), publish /
 * unpublish per publisher with its stream's video type, subscribe / unsubscribe per subscriber,
 * and one quality sample per 30-second statistic and medium: bitrate, latency (Vonage's figure,
 * in the latency series), resolution, and packet loss, which Insights gives as a ratio (0..1)
 * and the collector keeps in percent. Users are placeholders per connection until the SDK or a
 * callback names them (ingest/connectionUsers.ts). Record ids come from Insights' own ids, so a
 * second import stores nothing new.
 */
export function mapSession(sessionId: string, meetings: Item[]): MappedSession {
  const records: IngestRecord[] = [];
  const out: MappedSession = {
    records,
    meetings: meetings.length,
    publishers: 0,
    subscribers: 0,
    samples: 0,
    lossOutOfRange: 0,
  };
  const firstSeen = new Map<string, { ts: number; meetingId?: string }>();
  const seen = (connectionId: string, ts: number, meetingId?: string) => {
    const s = firstSeen.get(connectionId);
    if (!s || ts < s.ts) {
      firstSeen.set(connectionId, { ts, meetingId });
    }
  };
  const event = (e: Omit<EventRecord, 'kind' | 'sessionId' | 'clientId' | 'source'> & { connectionId: string }) =>
    records.push({
      kind: 'event',
      sessionId,
      clientId: placeholderUser(e.connectionId),
      source: 'vonage-insights',
      ...e,
    });
  const loss = (v: unknown): number | undefined => {
    const ratio = num(v);
    if (ratio !== undefined && ratio > 1) {
      out.lossOutOfRange++;
      return undefined;
    }
    return ratio === undefined ? undefined : Math.round(ratio * 100 * 1e6) / 1e6;
  };
  const samples = (who: Sampled, stats: Item[]) => {
    for (const st of stats) {
      const ts = insightsTime(st.createdAt);
      if (ts === undefined) {
        continue;
      }
      const [width, height] = (str(st.videoResolution) ?? '').split('x').map(Number);
      const media = {
        audio: {
          bitrateKbps: num(st.audioBitrateKbps),
          lossPct: loss(st.audioPacketLoss),
          rttMs: num(st.audioLatencyMs),
        },
        video: {
          bitrateKbps: num(st.videoBitrateKbps),
          lossPct: loss(st.videoPacketLoss),
          rttMs: num(st.videoLatencyMs),
          ...(width > 0 && height > 0 ? { width, height } : {}),
        },
      };
      for (const [name, values] of Object.entries(media)) {
        if (Object.values(values).every((v) => v === undefined)) {
          continue;
        }
        const sample: QualitySampleRecord = {
          kind: 'quality',
          id: `vonage-insights:stats:${who.role}:${who.key}:${ts}:${name}`,
          sessionId,
          ts,
          clientId: placeholderUser(who.connectionId),
          connectionId: who.connectionId,
          streamId: who.streamId,
          role: who.role,
          media: name as 'audio' | 'video',
          source: 'vonage-insights',
          ...(who.subscriberId ? { subscriberId: who.subscriberId } : {}),
          ...values,
        };
        records.push(sample);
        out.samples++;
      }
    }
  };

  for (const m of meetings) {
    const meetingId = str(m.meetingId);
    const detail = meetingId ? { insightsMeetingId: meetingId } : undefined;
    // A subscriber's connection is documented under its publisher's subscribers only.
    const subscriberConnection = new Map<string, string>();
    for (const p of list(m.publishers)) {
      for (const s of list(p.subscribers)) {
        const id = str(s.subscriberId);
        const conn = str(s.connectionId);
        if (id && conn) {
          subscriberConnection.set(id, conn);
        }
      }
    }
    for (const p of list(m.publishers)) {
      const connectionId = str(p.connectionId);
      const stream = obj(p.stream);
      const streamId = str(stream.streamId);
      const start = insightsTime(p.createdAt);
      if (!connectionId || !streamId || start === undefined) {
        continue;
      }
      out.publishers++;
      seen(connectionId, start, meetingId);
      const videoType = VIDEO_TYPES.includes(stream.videoType as string)
        ? (stream.videoType as StreamInfo['videoType'])
        : undefined;
      const info: StreamInfo = {
        ...(videoType ? { videoType } : {}),
        ...(typeof stream.hasAudioTrack === 'boolean' ? { hasAudio: stream.hasAudioTrack } : {}),
        ...(typeof stream.hasVideoTrack === 'boolean' ? { hasVideo: stream.hasVideoTrack } : {}),
      };
      event({
        id: `vonage-insights:publish:${streamId}`,
        ts: start,
        action: 'publish',
        variation: 'success',
        connectionId,
        streamId,
        stream: info,
        detail,
      });
      const end = insightsTime(p.destroyedAt);
      if (end !== undefined) {
        event({
          id: `vonage-insights:unpublish:${streamId}`,
          ts: end,
          action: 'unpublish',
          connectionId,
          streamId,
          detail,
        });
      }
      samples({ role: 'publisher', key: streamId, streamId, connectionId }, list(p.streamStatsCollection));
    }
    for (const s of list(m.subscribers)) {
      const subscriberId = str(s.subscriberId);
      const streamId = str(obj(s.stream).streamId);
      const start = insightsTime(s.createdAt);
      if (!subscriberId || !streamId || start === undefined) {
        continue;
      }
      out.subscribers++;
      // Without its publisher's list, the subscriber stands for its own connection.
      const connectionId = subscriberConnection.get(subscriberId) ?? subscriberId;
      seen(connectionId, start, meetingId);
      event({
        id: `vonage-insights:subscribe:${subscriberId}`,
        ts: start,
        action: 'subscribe',
        variation: 'success',
        connectionId,
        streamId,
        subscriberId,
        detail,
      });
      const end = insightsTime(s.destroyedAt);
      if (end !== undefined) {
        event({
          id: `vonage-insights:unsubscribe:${subscriberId}`,
          ts: end,
          action: 'unsubscribe',
          connectionId,
          streamId,
          subscriberId,
          detail,
        });
      }
      samples(
        { role: 'subscriber', key: subscriberId, streamId, connectionId, subscriberId },
        list(s.streamStatsCollection)
      );
    }
  }
  for (const [connectionId, { ts, meetingId }] of firstSeen) {
    event({
      id: `vonage-insights:connect:${connectionId}`,
      ts,
      action: 'connect',
      variation: 'success',
      connectionId,
      client: {},
      detail: { inferred: 'first publisher or subscriber of the connection in Insights', insightsMeetingId: meetingId },
    });
  }
  return out;
}
