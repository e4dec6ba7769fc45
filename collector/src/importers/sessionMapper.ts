import type { ClientInfo, EventRecord, IngestRecord, QualitySampleRecord, StreamInfo } from '../model/records';
import { measureRtp, selectedPairOnce, type Baseline, type RtpMeasure } from './rtpSamples';
import type { StatsReport, TraceEntry } from './trace';

/** Error code of a peer connection whose connectionState became `failed`. */
export const PC_FAILED = 'PEER_CONNECTION_FAILED';

interface StreamState {
  streamId: string;
  role: 'publisher' | 'subscriber';
  media: 'audio' | 'video';
  subscriberId?: string;
  ended: boolean;
}

interface PcState {
  connectionId: string;
  everConnected: boolean;
  /** disconnected or failed since it was last connected */
  down: boolean;
  ended: boolean;
  lastTs: number;
  baselines: Map<string, Baseline>;
  streams: Map<string, StreamState>;
}

type EventInit = Omit<EventRecord, 'kind' | 'id' | 'sessionId' | 'clientId' | 'ts'>;

const GUM =
  /^(?:navigator\.(?:mediaDevices\.)?)?(getUserMedia|getDisplayMedia|webkitGetUserMedia|mozGetUserMedia)(OnSuccess|OnFailure)?$/;
const API_FAILURE = /^(createOffer|createAnswer|setLocalDescription|setRemoteDescription|addIceCandidate)OnFailure$/;

// Bounds of the ingest API (collector/src/ingest/validate.ts): a value outside is left out, not refused.
const BOUNDS: Record<Exclude<keyof RtpMeasure, 'codec' | 'limitation'>, number> = {
  bitrateKbps: 1e7,
  packets: Number.MAX_SAFE_INTEGER,
  packetsLost: Number.MAX_SAFE_INTEGER,
  lossPct: 100,
  rttMs: 600000,
  jitterMs: 600000,
  frameRate: 1000,
  width: 100000,
  height: 100000,
  freezes: 100000,
};

const MEASURED = Object.keys(BOUNDS) as Array<keyof typeof BOUNDS>;

function errorText(value: unknown): { code: string; message?: string } {
  if (typeof value === 'string') {
    return { code: value.split(/[:\s]/)[0] || 'Error', message: value.slice(0, 2000) };
  }
  if (typeof value === 'object' && value !== null) {
    const o = value as { name?: unknown; message?: unknown };
    const code = typeof o.name === 'string' && o.name ? o.name : 'Error';
    return {
      code: code.slice(0, 64),
      message: typeof o.message === 'string' && o.message ? o.message.slice(0, 2000) : undefined,
    };
  }
  return { code: 'Error' };
}

const stateOf = (value: unknown): string => (typeof value === 'string' ? value : String(value));

/**
 * Turns one dump's trace (one browser = one user) into ingest records: a connection per peer
 * connection with its connect / reconnect / failure / disconnect events, a stream per outbound
 * RTP stream and a subscription per inbound one, quality samples from consecutive stats reports,
 * and getUserMedia attempts and outcomes. Record ids are `<clientId>/<sequence>`: the same dump
 * gives the same ids, so importing it again stores nothing twice.
 */
export class SessionMapper {
  private seq = 0;
  private readonly pcs = new Map<string, PcState>();
  peerConnections = 0;
  /** Peer connections whose trace has connectionState changes (browsers before them only had ICE states). */
  readonly withConnectionState = new Set<string>();
  /** Stats snapshots read, those holding RTP stream reports, and a few of the report types seen. */
  readonly statsSeen = { snapshots: 0, withRtp: 0, types: new Set<string>() };
  /** Peer connection of each outbound SSRC that carried media: a loopback call receives it on another one. */
  readonly sentSsrcs = new Map<string, string>();

  /**
   * `learnt` (by a first pass over the same dump): a peer connection outside its
   * `connectionState` set never reports connectionState, so its ICE connection state stands in
   * for it; an inbound SSRC in `sentSsrcs` is the dump's own outbound stream received on another
   * peer connection (a loopback call), so it subscribes to that stream.
   */
  constructor(
    private readonly sessionId: string,
    private readonly clientId: string,
    private readonly client: ClientInfo,
    private readonly emit: (r: IngestRecord) => void,
    private readonly learnt?: { connectionState: ReadonlySet<string>; sentSsrcs: ReadonlyMap<string, string> }
  ) {}

  // Zero-padded: records of one instant sort by id (the store's tie-break) in the dump's order.
  private nextId(): string {
    return `${this.clientId}/${String(this.seq++).padStart(10, '0')}`;
  }

  private event(ts: number, init: EventInit): void {
    this.emit({ kind: 'event', id: this.nextId(), sessionId: this.sessionId, clientId: this.clientId, ts, ...init });
  }

  private pc(id: string, ts: number): PcState {
    let st = this.pcs.get(id);
    if (!st) {
      st = {
        connectionId: `${this.clientId}/${id}`,
        everConnected: false,
        down: false,
        ended: false,
        lastTs: ts,
        baselines: new Map(),
        streams: new Map(),
      };
      this.pcs.set(id, st);
      this.peerConnections++;
      this.event(ts, {
        action: 'connect',
        variation: 'attempt',
        connectionId: st.connectionId,
        client: this.client,
        detail: { peerConnection: id },
      });
    }
    st.lastTs = ts;
    return st;
  }

  feed(e: TraceEntry): void {
    if (e.kind === 'stats') {
      this.stats(e.pc, this.pc(e.pc, e.ts), e.stats, e.ts);
      return;
    }
    const gum = GUM.exec(e.method);
    if (gum) {
      this.getUserMedia(e.ts, gum[1], gum[2], e.value);
      return;
    }
    if (e.pc === null) {
      return;
    }
    const st = this.pc(e.pc, e.ts);
    const method = e.method.replace(/^on/, '');
    if (method === 'connectionstatechange') {
      this.withConnectionState.add(e.pc);
      this.connectionState(st, stateOf(e.value), e.ts);
    } else if (method === 'iceconnectionstatechange') {
      const state = stateOf(e.value);
      this.event(e.ts, { action: 'iceStateChange', connectionId: st.connectionId, reason: state });
      if (this.learnt && !this.learnt.connectionState.has(e.pc)) {
        this.connectionState(st, state === 'completed' ? 'connected' : state, e.ts);
      }
    } else if (e.method === 'close') {
      this.end(st, e.ts, 'clientDisconnected');
    } else if (
      e.method === 'restartIce' ||
      (e.method === 'createOffer' && (e.value as { iceRestart?: unknown } | null)?.iceRestart === true)
    ) {
      this.event(e.ts, { action: 'reconnecting', connectionId: st.connectionId, reason: 'iceRestart' });
    } else if (API_FAILURE.test(e.method)) {
      this.event(e.ts, {
        action: 'exception',
        connectionId: st.connectionId,
        ...errorText(e.value),
        detail: { api: e.method },
      });
    }
  }

  /** The dump ended: connections still open end at their last line. */
  finish(): void {
    for (const st of this.pcs.values()) {
      if (st.everConnected && !st.ended) {
        this.end(st, st.lastTs, 'dumpEnded');
      }
    }
  }

  private getUserMedia(ts: number, api: string, outcome: string | undefined, value: unknown): void {
    const detail = api === 'getUserMedia' ? undefined : { api };
    if (outcome === 'OnFailure') {
      this.event(ts, { action: 'getUserMedia', variation: 'failure', ...errorText(value), detail });
    } else {
      this.event(ts, {
        action: 'getUserMedia',
        variation: outcome ? 'success' : 'attempt',
        client: outcome ? undefined : this.client,
        detail,
      });
    }
  }

  private connectionState(st: PcState, state: string, ts: number): void {
    const connectionId = st.connectionId;
    if (state === 'connected') {
      if (!st.everConnected) {
        st.everConnected = true;
        this.event(ts, { action: 'connect', variation: 'success', connectionId, client: this.client });
      } else if (st.down) {
        this.event(ts, { action: 'reconnected', connectionId });
      }
      st.down = false;
      st.ended = false;
    } else if (state === 'disconnected' && st.everConnected && !st.down) {
      st.down = true;
      this.event(ts, { action: 'reconnecting', connectionId, reason: 'disconnected' });
    } else if (state === 'failed') {
      if (!st.everConnected) {
        this.event(ts, {
          action: 'connect',
          variation: 'failure',
          connectionId,
          code: PC_FAILED,
          message: 'the peer connection failed before it connected (connectionState failed)',
        });
        st.ended = true;
      } else if (!st.ended) {
        st.down = true;
        this.event(ts, {
          action: 'disconnect',
          variation: 'failure',
          connectionId,
          reason: 'networkDisconnected',
          code: PC_FAILED,
          message: 'the peer connection failed after it had connected (connectionState failed)',
        });
        this.endStreams(st, ts, 'networkDisconnected');
        st.ended = true;
      }
    }
  }

  private end(st: PcState, ts: number, reason: string): void {
    if (st.ended) {
      return;
    }
    st.ended = true;
    this.endStreams(st, ts, reason);
    this.event(ts, { action: 'disconnect', connectionId: st.connectionId, reason });
  }

  private endStreams(st: PcState, ts: number, reason: string): void {
    for (const s of st.streams.values()) {
      if (!s.ended) {
        s.ended = true;
        this.event(ts, {
          action: s.role === 'publisher' ? 'unpublish' : 'unsubscribe',
          connectionId: st.connectionId,
          streamId: s.streamId,
          subscriberId: s.subscriberId,
          reason,
        });
      }
    }
  }

  /**
   * The stream (or subscription) of an RTP stats object, created when it first carries media:
   * a receiver that never got a byte is no subscriber, a simulcast layer never sent is no stream.
   */
  private stream(st: PcState, pc: string, id: string, report: StatsReport, ts: number): StreamState | undefined {
    const existing = st.streams.get(id);
    if (existing) {
      return existing;
    }
    const kind = report.kind ?? report.mediaType;
    const bytes = report.type === 'outbound-rtp' ? report.bytesSent : report.bytesReceived;
    if ((kind !== 'audio' && kind !== 'video') || typeof bytes !== 'number' || !(bytes > 0)) {
      return undefined;
    }
    const ssrc = String(report.ssrc ?? id);
    const connectionId = st.connectionId;
    let s: StreamState;
    if (report.type === 'outbound-rtp') {
      s = { streamId: `${connectionId}/out-${kind}-${ssrc}`, role: 'publisher', media: kind, ended: false };
      this.sentSsrcs.set(ssrc, pc);
      const stream: StreamInfo = { hasAudio: kind === 'audio', hasVideo: kind === 'video' };
      if (kind === 'video') {
        stream.videoType = report.contentType === 'screenshare' ? 'screen' : 'camera';
      }
      this.event(ts, { action: 'publish', variation: 'attempt', connectionId, streamId: s.streamId });
      this.event(ts, { action: 'publish', variation: 'success', connectionId, streamId: s.streamId, stream });
    } else {
      const loopback = this.learnt?.sentSsrcs.get(ssrc);
      const own = loopback !== undefined && loopback !== pc;
      s = {
        streamId: own ? `${this.clientId}/${loopback}/out-${kind}-${ssrc}` : `${connectionId}/in-${kind}-${ssrc}`,
        subscriberId: `${connectionId}/sub-${kind}-${ssrc}`,
        role: 'subscriber',
        media: kind,
        ended: false,
      };
      const subscription = { connectionId, streamId: s.streamId, subscriberId: s.subscriberId };
      this.event(ts, { action: 'subscribe', variation: 'attempt', ...subscription });
      // A stream published outside the dump: what it carries tells how many others took part.
      const stream: StreamInfo | undefined = own
        ? undefined
        : { hasAudio: kind === 'audio', hasVideo: kind === 'video' };
      this.event(ts, { action: 'subscribe', variation: 'success', ...subscription, ...(stream ? { stream } : {}) });
    }
    st.streams.set(id, s);
    return s;
  }

  private stats(pc: string, st: PcState, stats: Map<string, StatsReport>, lineTs: number): void {
    this.statsSeen.snapshots++;
    let rtp = false;
    const pair = selectedPairOnce(stats);
    for (const [id, report] of stats) {
      if (report.type !== 'outbound-rtp' && report.type !== 'inbound-rtp') {
        if (typeof report.type === 'string' && this.statsSeen.types.size < 8) {
          this.statsSeen.types.add(report.type);
        }
        continue;
      }
      rtp = true;
      const ts = typeof report.timestamp === 'number' && report.timestamp > 946684800000 ? report.timestamp : lineTs;
      const prev = st.baselines.get(id);
      if (prev && prev.ts === ts) {
        continue; // the same report again: nothing new was measured
      }
      // Until it carries media there is no stream and no baseline: its first sample counts from zero.
      const s = this.stream(st, pc, id, report, ts);
      if (!s) {
        continue;
      }
      const { measure, next } = measureRtp(report, stats, ts, prev, pair);
      st.baselines.set(id, next);
      const sample: QualitySampleRecord = {
        kind: 'quality',
        id: this.nextId(),
        sessionId: this.sessionId,
        ts,
        clientId: this.clientId,
        connectionId: st.connectionId,
        streamId: s.streamId,
        role: s.role,
        media: s.media,
      };
      if (s.subscriberId) {
        sample.subscriberId = s.subscriberId;
      }
      for (const key of MEASURED) {
        const value = measure[key];
        if (value !== undefined && value >= 0 && value <= BOUNDS[key]) {
          sample[key] = value;
        }
      }
      if (measure.codec) {
        sample.codec = measure.codec;
      }
      if (measure.limitation) {
        sample.limitation = measure.limitation;
      }
      this.emit(sample);
    }
    if (rtp) {
      this.statsSeen.withRtp++;
    }
  }
}
