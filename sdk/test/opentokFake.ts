import type { StatsReport } from '../../collector/src/importers/trace';
import type { OTConnection, OTError, OTStream } from '../src/opentok';

/**
 * OpenTok.js objects as its reference documents them (Session, Publisher, Subscriber and their
 * event objects), for the paths a machine without Vonage cannot reach: connecting, publishing
 * and subscribing successfully. Events carry the documented properties only.
 */
type Handler = (event: Record<string, unknown>) => void;

class Emitter {
  private handlers = new Map<string, Handler[]>();
  on(type: string, handler: Handler) {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
    return this;
  }
  emit(type: string, props: Record<string, unknown> = {}) {
    const event = {
      type,
      target: this,
      cancelable: false,
      isDefaultPrevented: () => false,
      preventDefault() {},
      ...props,
    };
    (this.handlers.get(type) ?? []).forEach((h) => h(event));
  }
}

/** W3C stats as Chrome reports them, with counters that grow by `step` each call. */
export function growingReport(kind: 'outbound' | 'inbound', step: number) {
  let n = 0;
  return () => {
    n++;
    const ts = Date.UTC(2026, 10, 20, 12, 0, 0) + n * 1000;
    const rtp: StatsReport =
      kind === 'outbound'
        ? {
            id: 'OTV1',
            type: 'outbound-rtp',
            kind: 'video',
            ssrc: 1,
            timestamp: ts,
            bytesSent: n * step,
            packetsSent: n * 100,
          }
        : {
            id: 'ITV1',
            type: 'inbound-rtp',
            kind: 'video',
            ssrc: 2,
            timestamp: ts,
            bytesReceived: n * step,
            packetsReceived: n * 90,
            packetsLost: n * 10,
          };
    return new Map<string, StatsReport>([[rtp.id as string, rtp]]);
  };
}

export class FakePublisher extends Emitter {
  id = 'OT_publisher_1';
  stream?: OTStream;
  private next = growingReport('outbound', 50_000);
  async getRtcStatsReport() {
    return [{ rtcStatsReport: this.next() }];
  }
}

export class FakeSubscriber extends Emitter {
  private next = growingReport('inbound', 25_000);
  constructor(
    readonly id: string,
    readonly stream: OTStream
  ) {
    super();
  }
  async getRtcStatsReport() {
    return this.next();
  }
}

export class FakeSession extends Emitter {
  connection?: OTConnection;
  constructor(readonly sessionId: string) {
    super();
  }

  /** Connects successfully: the callback, then sessionConnected and our own connectionCreated. */
  connect(_token: string, callback?: (error?: OTError) => void) {
    setTimeout(() => {
      this.connection = { connectionId: 'conn-own', creationTime: Date.now() };
      callback?.();
      this.emit('sessionConnected');
      this.emit('connectionCreated', { connection: this.connection });
    }, 5);
    return this;
  }

  publish(publisher: FakePublisher, callback?: (error?: OTError) => void) {
    setTimeout(() => {
      if (!this.connection) {
        callback?.({ code: 1010, name: 'OT_NOT_CONNECTED', message: 'We need to be connected before you can publish' });
        return;
      }
      publisher.stream = {
        streamId: 'stream-own',
        connection: this.connection,
        hasAudio: true,
        hasVideo: true,
        videoType: 'camera',
      };
      callback?.();
      publisher.emit('streamCreated', { stream: publisher.stream });
    }, 5);
    return publisher;
  }

  subscribe(stream: OTStream, _target?: unknown, _props?: unknown, callback?: (error?: OTError) => void) {
    const sub = new FakeSubscriber(`OT_subscriber_${stream.streamId}`, stream);
    setTimeout(() => callback?.(), 5);
    return sub;
  }
}
