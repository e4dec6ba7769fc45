import type { EventRecord, QualitySampleRecord } from '../src/model/records';

export const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

type EventInit = Omit<EventRecord, 'kind' | 'id' | 'sessionId'> & { id?: string };

/** Builds a handful of records for one session with known counts and quality values. */
export class SessionBuilder {
  readonly events: EventRecord[] = [];
  readonly samples: QualitySampleRecord[] = [];
  private n = 0;

  constructor(readonly sessionId: string) {}

  event(init: EventInit): this {
    this.events.push({
      kind: 'event',
      id: init.id ?? `${this.sessionId}-e${this.n++}`,
      sessionId: this.sessionId,
      ...init,
    });
    return this;
  }

  /** A user that connects (attempt + success) and optionally publishes one stream. */
  user(clientId: string, ts: number, publishStream?: string): this {
    const connectionId = `${clientId}-conn`;
    this.event({ ts, action: 'connect', variation: 'attempt', clientId, connectionId });
    this.event({
      ts: ts + 100,
      action: 'connect',
      variation: 'success',
      clientId,
      connectionId,
      client: { sdk: 'js-2.27.0', browser: 'Chrome', browserVersion: '120', os: 'macOS', country: 'US' },
    });
    if (publishStream) {
      this.event({
        ts: ts + 200,
        action: 'publish',
        variation: 'attempt',
        clientId,
        connectionId,
        streamId: publishStream,
      });
      this.event({
        ts: ts + 300,
        action: 'publish',
        variation: 'success',
        clientId,
        connectionId,
        streamId: publishStream,
        stream: { videoType: 'camera', hasAudio: true, hasVideo: true },
      });
    }
    return this;
  }

  subscribe(clientId: string, streamId: string, ts: number, ok = true): this {
    const connectionId = `${clientId}-conn`;
    const subscriberId = `${clientId}-sub-${streamId}`;
    this.event({ ts, action: 'subscribe', variation: 'attempt', clientId, connectionId, streamId, subscriberId });
    this.event(
      ok
        ? { ts: ts + 50, action: 'subscribe', variation: 'success', clientId, connectionId, streamId, subscriberId }
        : {
            ts: ts + 50,
            action: 'subscribe',
            variation: 'failure',
            clientId,
            connectionId,
            streamId,
            subscriberId,
            code: '1600',
            message: 'WebRTC subscriber error',
          }
    );
    return this;
  }

  sample(
    init: Omit<QualitySampleRecord, 'kind' | 'id' | 'sessionId' | 'connectionId'> & { connectionId?: string }
  ): this {
    this.samples.push({
      kind: 'quality',
      id: `${this.sessionId}-q${this.n++}`,
      sessionId: this.sessionId,
      connectionId: init.connectionId ?? `${init.clientId}-conn`,
      ...init,
    });
    return this;
  }

  records() {
    return [...this.events, ...this.samples];
  }
}
