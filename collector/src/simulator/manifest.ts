import type { CallType, FailureAction } from '@model';
import type { ClientInfo } from '../model/records';
import type { ActionCounts, ParticipationCounts } from '../model/sessionStats';

export type Shape = 'one-to-one' | 'multiparty' | 'broadcast' | 'one-to-zero';

export interface DegradationWindow {
  streamId: string;
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
