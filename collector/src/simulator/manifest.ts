import type { CallType, FailureAction } from '@model';
import type { ClientInfo } from '../model/records';
import type { ActionCounts, ParticipationCounts } from '../model/sessionStats';

export type Shape = 'one-to-one' | 'multiparty' | 'broadcast' | 'one-to-zero';

/**
 * Which side degraded (B3): the publisher's uplink (its stream, as the publisher sends it and as
 * every subscriber receives it), the media server (every stream it forwards, to every
 * subscriber), or one subscriber's downlink (every stream that subscriber receives).
 */
export type DegradedSide = 'publisher' | 'server' | 'subscriber';
export const DEGRADED_SIDES: DegradedSide[] = ['publisher', 'server', 'subscriber'];

export interface DegradationWindow {
  side: DegradedSide;
  /** side publisher: the stream whose publisher's uplink degraded. */
  streamId?: string;
  /** side subscriber: the connection whose downlink degraded. */
  connectionId?: string;
  /** side server: the meeting (index in `meetings`) whose media server degraded. */
  meeting: number;
  start: number;
  end: number;
  metric: 'lossPct' | 'rttMs' | 'bitrateKbps';
  /** Media the injection applies to (bitrate drops hit video only). */
  media: Array<'audio' | 'video'>;
  /** The injected value: loss %, RTT ms, or video bitrate kbps inside the window. */
  value: number;
}

export interface MeetingTruth extends ParticipationCounts {
  actions: Record<FailureAction, ActionCounts>;
}

/** Ground truth for one simulated session: what the collector's derivations must find. */
export interface SessionTruth {
  sessionId: string;
  shape: Shape;
  callType: CallType;
  start: number;
  end: number;
  meetings: MeetingTruth[];
  users: Array<{ clientId: string; client: ClientInfo; connections: number }>;
  connections: Array<{ connectionId: string; clientId: string; start: number; end: number; reason: string }>;
  streams: Array<{
    streamId: string;
    connectionId: string;
    videoType: 'camera' | 'screen';
    start: number;
    end: number;
  }>;
  subscribers: Array<{ subscriberId: string; streamId: string; connectionId: string; success: boolean }>;
  actions: Record<FailureAction, ActionCounts>;
  /** Failure events (the error count). */
  errors: number;
  reconnects: number;
  degradations: DegradationWindow[];
  records: { events: number; samples: number };
}

export interface SimulationManifest {
  seed: number;
  generatedFrom: number;
  generatedTo: number;
  sessions: SessionTruth[];
}
