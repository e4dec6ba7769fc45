import type { StreamInfo } from '../../collector/src/model/records';
import { selectedPair } from '../../collector/src/importers/rtpSamples';
import type { StatsMap } from '../../collector/src/importers/trace';
import type { Core } from './core';
import { maskIp } from './privacy';
import { mediaSections, type MediaSection } from './sdp';
import { StatsSampler, toStatsMap, type StreamResolver } from './stats';

interface StreamState {
  attempted: boolean;
  succeeded: boolean;
}

const sdpOf = (pc: RTCPeerConnection, side: 'local' | 'remote') =>
  side === 'local'
    ? (pc.currentLocalDescription ?? pc.localDescription)?.sdp
    : (pc.currentRemoteDescription ?? pc.remoteDescription)?.sdp;

/** Sections whose media flows our way for this side: sent by us (local) or by the remote peer. */
function sending(sections: MediaSection[]): MediaSection[] {
  return sections.filter((s) => s.streamId && (s.direction === 'sendrecv' || s.direction === 'sendonly'));
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * One observed RTCPeerConnection, recorded as one connection of this user: its connect attempt,
 * success or failure, reconnects and disconnect; ICE state changes and candidate errors; the
 * streams it publishes and subscribes to (from the `msid` of each media section, so both ends
 * name a stream alike); track endings; and a quality sample per stream and media each poll.
 */
export class PeerObserver {
  private everConnected = false;
  private reconnecting = false;
  private ended = false;
  private readonly published = new Map<string, StreamState>();
  private readonly subscribed = new Map<string, StreamState>();
  private readonly sampler = new StatsSampler();
  private readonly watchedTracks = new WeakSet<MediaStreamTrack>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly core: Core,
    private readonly pc: RTCPeerConnection,
    readonly connectionId: string
  ) {
    core.event({ action: 'connect', variation: 'attempt', connectionId, withClient: true });
    pc.addEventListener('connectionstatechange', () => this.onState(pc.connectionState));
    pc.addEventListener('iceconnectionstatechange', () =>
      core.event({ action: 'iceStateChange', connectionId, reason: pc.iceConnectionState })
    );
    pc.addEventListener('icecandidateerror', (e) => this.onCandidateError(e as RTCPeerConnectionIceErrorEvent));
    pc.addEventListener('signalingstatechange', () => this.announce(undefined));
    pc.addEventListener('track', (e) =>
      this.watchTrack((e as RTCTrackEvent).track, 'remote', (e as RTCTrackEvent).streams[0]?.id)
    );
    // close() changes the state without an event: record the disconnect as it is called.
    const close = pc.close.bind(pc);
    pc.close = () => {
      this.end('clientDisconnected');
      close();
    };
    this.unsubscribe = core.addSource(this);
    if (pc.connectionState !== 'new') {
      this.onState(pc.connectionState);
    }
  }

  private onState(state: RTCPeerConnectionState) {
    const connectionId = this.connectionId;
    if (state === 'connected') {
      if (!this.everConnected) {
        this.everConnected = true;
        const at = Date.now();
        void this.candidateDetail().then((detail) =>
          this.core.event({ ts: at, action: 'connect', variation: 'success', connectionId, withClient: true, detail })
        );
      } else if (this.reconnecting) {
        this.reconnecting = false;
        this.core.event({ action: 'reconnected', connectionId });
      }
    } else if (state === 'disconnected' && this.everConnected && !this.reconnecting) {
      this.reconnecting = true;
      this.core.event({ action: 'reconnecting', connectionId });
    } else if (state === 'failed') {
      if (this.everConnected) {
        this.end('networkDisconnected');
      } else {
        this.core.event({
          action: 'connect',
          variation: 'failure',
          connectionId,
          code: 'ICE_FAILED',
          message: 'ICE failed: no candidate pair could connect the peers',
        });
        this.stop();
      }
    } else if (state === 'closed') {
      this.end('clientDisconnected');
    }
  }

  /** How the connection got through: candidate types and protocol, addresses only if allowed (masked). */
  private async candidateDetail(): Promise<Record<string, unknown> | undefined> {
    try {
      const stats = toStatsMap(await this.pc.getStats());
      const pair = selectedPair(stats);
      const local = pair && stats.get(str(pair.localCandidateId) ?? '');
      const remote = pair && stats.get(str(pair.remoteCandidateId) ?? '');
      if (!local || !remote) {
        return undefined;
      }
      const detail: Record<string, unknown> = {
        localCandidateType: local.candidateType,
        remoteCandidateType: remote.candidateType,
        protocol: local.protocol,
      };
      if (local.relayProtocol) {
        detail.relayProtocol = local.relayProtocol;
      }
      if (local.networkType) {
        detail.networkType = local.networkType;
      }
      if (this.core.options.ipAddresses) {
        detail.localNetwork = maskIp(str(local.address ?? local.ip));
        detail.remoteNetwork = maskIp(str(remote.address ?? remote.ip));
      }
      return detail;
    } catch {
      return undefined;
    }
  }

  private onCandidateError(e: RTCPeerConnectionIceErrorEvent) {
    const detail: Record<string, unknown> = { url: e.url };
    if (this.core.options.ipAddresses) {
      detail.network = maskIp(e.address);
    }
    this.core.event({
      action: 'iceStateChange',
      variation: 'failure',
      connectionId: this.connectionId,
      code: String(e.errorCode),
      message: e.errorText,
      detail,
    });
  }

  private watchTrack(track: MediaStreamTrack, side: 'local' | 'remote', streamId: string | undefined) {
    if (this.watchedTracks.has(track)) {
      return;
    }
    this.watchedTracks.add(track);
    track.addEventListener('ended', () => {
      if (!this.ended) {
        this.core.event({
          action: 'trackEnded',
          connectionId: this.connectionId,
          streamId,
          detail: { kind: track.kind, side },
        });
      }
    });
  }

  /** Publish and subscribe attempts for new streams in the descriptions; successes once media flows. */
  private announce(flowing: Set<string> | undefined) {
    if (this.ended) {
      return;
    }
    const sides: Array<['local' | 'remote', Map<string, StreamState>]> = [
      ['local', this.published],
      ['remote', this.subscribed],
    ];
    for (const [side, streams] of sides) {
      const sections = sending(mediaSections(sdpOf(this.pc, side)));
      for (const s of sections) {
        const streamId = s.streamId as string;
        let state = streams.get(streamId);
        if (!state) {
          state = { attempted: true, succeeded: false };
          streams.set(streamId, state);
          this.streamEvent(side, streamId, 'attempt');
        }
        if (!state.succeeded && flowing?.has(`${side}\u0000${streamId}`)) {
          state.succeeded = true;
          this.streamEvent(side, streamId, 'success', sections);
        }
      }
    }
  }

  private subscriberId(streamId: string) {
    return `${this.connectionId}:${streamId}`;
  }

  private streamEvent(
    side: 'local' | 'remote',
    streamId: string,
    variation: 'attempt' | 'success',
    sections?: MediaSection[]
  ) {
    const connectionId = this.connectionId;
    if (side === 'remote') {
      this.core.event({
        action: 'subscribe',
        variation,
        connectionId,
        streamId,
        subscriberId: this.subscriberId(streamId),
      });
      return;
    }
    let stream: StreamInfo | undefined;
    if (sections) {
      const mine = sections.filter((s) => s.streamId === streamId);
      const scalable = this.pc.getSenders().some((sender) => {
        const p = sender.getParameters?.();
        return (
          (p?.encodings?.length ?? 0) > 1 ||
          p?.encodings?.some((e) => /^L[2-9]/.test((e as { scalabilityMode?: string }).scalabilityMode ?? ''))
        );
      });
      stream = {
        videoType: 'camera',
        hasAudio: mine.some((s) => s.kind === 'audio'),
        hasVideo: mine.some((s) => s.kind === 'video'),
        scalable,
      };
    }
    this.core.event({ action: 'publish', variation, connectionId, streamId, stream });
  }

  private resolve: StreamResolver = (side, mid, report) => {
    const section = mediaSections(sdpOf(this.pc, side)).find((s) => s.mid === mid);
    return section?.streamId ?? `${this.connectionId}-${mid ?? String(report.ssrc)}`;
  };

  async poll(): Promise<number> {
    if (this.ended) {
      return 0;
    }
    if (this.pc.connectionState === 'closed' || this.pc.signalingState === 'closed') {
      this.end('clientDisconnected');
      return 0;
    }
    const report = await this.pc.getStats();
    const started = performance.now();
    this.measure(toStatsMap(report));
    return performance.now() - started;
  }

  private measure(stats: StatsMap) {
    for (const sender of this.pc.getSenders()) {
      if (sender.track) {
        this.watchTrack(sender.track, 'local', undefined);
      }
    }
    const flowing = new Set<string>();
    const now = Date.now();
    for (const s of this.sampler.sample(stats, this.resolve)) {
      flowing.add(`${s.role === 'publisher' ? 'local' : 'remote'}\u0000${s.streamId}`);
      this.core.sample(now, this.connectionId, s, s.role === 'subscriber' ? this.subscriberId(s.streamId) : undefined);
    }
    this.announce(flowing);
  }

  /** The connection is over: its streams end with it, then the disconnect, once. */
  end(reason: string) {
    if (this.ended) {
      return;
    }
    const connectionId = this.connectionId;
    for (const [streamId, s] of this.published) {
      if (s.succeeded) {
        this.core.event({ action: 'unpublish', connectionId, streamId, reason });
      }
    }
    for (const [streamId, s] of this.subscribed) {
      if (s.succeeded) {
        this.core.event({
          action: 'unsubscribe',
          connectionId,
          streamId,
          subscriberId: this.subscriberId(streamId),
          reason,
        });
      }
    }
    this.core.event({ action: 'disconnect', connectionId, reason });
    this.stop();
  }

  private stop() {
    this.ended = true;
    this.unsubscribe();
  }
}
