import type { Action, StreamInfo } from '../../collector/src/model/records';
import type { Core, EventInit } from './core';
import { StatsSampler, toStatsMap, type StreamResolver } from './stats';
import type { StatsReport } from '../../collector/src/importers/trace';

/**
 * The parts of OpenTok.js (`@opentok/client` 2.35, a peer dependency: never bundled) the adapter
 * uses, as its reference documents them. Typed structurally so the SDK does not load OpenTok.
 */
type Handler = (event: OTEvent) => void;
interface OTEmitter {
  on(type: string, handler: Handler): unknown;
}
export interface OTError {
  code?: number;
  name?: string;
  message?: string;
}
export interface OTConnection {
  connectionId: string;
  creationTime?: number;
}
export interface OTStream {
  streamId: string;
  connection?: OTConnection;
  hasAudio?: boolean;
  hasVideo?: boolean;
  videoType?: 'camera' | 'screen' | 'custom';
}
interface OTEvent {
  type?: string;
  reason?: string;
  code?: number;
  message?: string;
  connection?: OTConnection;
  stream?: OTStream;
  cpuPerformanceState?: string;
  qualityScore?: { audioQualityScore?: number; videoQualityScore?: number };
  stats?: OTConditionStats;
  statsContainer?: { stats?: OTConditionStats };
}
interface OTConditionStats {
  transport?: { networkCondition?: string; networkConditionReason?: string };
  mediaLink?: {
    transport?: { networkCondition?: string; networkConditionReason?: string };
    networkDegradationSource?: string;
  };
}
type Callback = (error?: OTError, ...rest: unknown[]) => void;
type StatsLike = { forEach(cb: (value: StatsReport, key: string) => void): void };
export interface OTPublisher extends OTEmitter {
  id?: string;
  stream?: OTStream;
  getRtcStatsReport(): Promise<Array<{ subscriberId?: string; connectionId?: string; rtcStatsReport: StatsLike }>>;
}
export interface OTSubscriber extends OTEmitter {
  id?: string;
  stream?: OTStream;
  getRtcStatsReport(): Promise<StatsLike>;
}
export interface OTSession extends OTEmitter {
  sessionId: string;
  connection?: OTConnection;
  connect(token: string, callback?: Callback): unknown;
  publish(...args: unknown[]): OTPublisher;
  subscribe(stream: OTStream, ...args: unknown[]): OTSubscriber;
}
/** The `OT` namespace, for its version. */
export interface OTStatic {
  version?: string;
}

const isFunction = (v: unknown): v is (...args: unknown[]) => unknown => typeof v === 'function';

/**
 * A wrapper that keeps the method's `.promise` flavour: OpenTok's calls `session.connect` (or
 * publish, subscribe) by name with a callback, so it goes through the wrapper too.
 */
function keepPromise<F extends object>(original: object, wrapper: F): F {
  const promise = (original as { promise?: unknown }).promise;
  return promise === undefined ? wrapper : Object.assign(wrapper, { promise });
}
const codeOf = (e: OTError) => String(e.code ?? e.name ?? 'unknown');

/** Video on / off events of publishers and subscribers alike, recorded under their own names. */
const VIDEO_EVENTS = ['videoDisabled', 'videoEnabled', 'videoDisableWarning', 'videoDisableWarningLifted'] as const;

/**
 * An exception repeating a failure a callback reports (same code, either first) is that failure,
 * not a second error: exceptions wait this long for such a failure before they are recorded.
 */
const REPEAT_WINDOW_MS = 1000;

function streamInfo(s: OTStream | undefined): StreamInfo | undefined {
  if (!s) {
    return undefined;
  }
  const info: StreamInfo = {};
  if (s.videoType) {
    info.videoType = s.videoType;
  }
  if (typeof s.hasAudio === 'boolean') {
    info.hasAudio = s.hasAudio;
  }
  if (typeof s.hasVideo === 'boolean') {
    info.hasVideo = s.hasVideo;
  }
  return info;
}

/** OpenTok's client-observability details, as the event carries them. */
function conditionDetail(e: OTEvent): Record<string, unknown> {
  const stats = e.stats ?? e.statsContainer?.stats;
  const transport = stats?.mediaLink?.transport ?? stats?.transport;
  const detail: Record<string, unknown> = {};
  if (transport?.networkCondition) {
    detail.networkCondition = transport.networkCondition;
  }
  if (transport?.networkConditionReason) {
    detail.networkConditionReason = transport.networkConditionReason;
  }
  if (stats?.mediaLink?.networkDegradationSource) {
    detail.networkDegradationSource = stats.mediaLink.networkDegradationSource;
  }
  return detail;
}

/**
 * Wraps an OpenTok.js Session so that what happens in it becomes Session Inspector records,
 * with OpenTok's own ids (session, connection, stream) so that a session seen by the SDK, by
 * Vonage's callbacks and by the Insights API is one session.
 */
export class OpenTokAdapter {
  private readonly recentFailures = new Map<string, number>();
  private readonly waitingExceptions = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly core: Core,
    private readonly session: OTSession,
    ot: OTStatic | undefined
  ) {
    core.setSession(session.sessionId);
    const version = ot?.version?.replace(/^v/, '');
    if (version) {
      core.setSdk(`OpenTok.js ${version}`);
    }
    this.wrapConnect();
    this.wrapPublish();
    this.wrapSubscribe();
    this.listen();
  }

  private own = () => this.session.connection?.connectionId;

  private event(e: EventInit) {
    this.core.event({ connectionId: this.own(), ...e });
  }

  private failure(action: Action, error: OTError, extra: Partial<EventInit> = {}) {
    const code = codeOf(error);
    this.recentFailures.set(code, Date.now());
    clearTimeout(this.waitingExceptions.get(code));
    this.waitingExceptions.delete(code);
    this.event({ action, variation: 'failure', code, message: error.message, ...extra });
  }

  /** Records the attempt now; the callback returned records the outcome, then calls the page's own. */
  private attempt(action: Action, extra: () => Partial<EventInit>, callback: unknown): Callback {
    this.event({ action, variation: 'attempt', withClient: action === 'connect', ...extra() });
    return (error, ...rest) => {
      if (error) {
        this.failure(action, error, { withClient: action === 'connect', ...extra() });
      } else {
        this.event({ action, variation: 'success', withClient: action === 'connect', ...extra() });
      }
      if (isFunction(callback)) {
        callback(error, ...rest);
      }
    };
  }

  private wrapConnect() {
    const s = this.session;
    const original = s.connect;
    const connect = original.bind(s);
    s.connect = keepPromise(original, (token: string, callback?: Callback) =>
      connect(
        token,
        this.attempt('connect', () => ({}), callback)
      )
    );
  }

  private wrapPublish() {
    const s = this.session;
    const publish = s.publish.bind(s);
    s.publish = keepPromise(s.publish, (...args: unknown[]) => {
      // publish(publisher, callback?) or publish(target, properties?, callback?): the callback is the last function.
      const at = args.findIndex(isFunction);
      const callback = at >= 0 ? args[at] : undefined;
      let publisher: OTPublisher | undefined;
      const info = () => ({ streamId: publisher?.stream?.streamId, stream: streamInfo(publisher?.stream) });
      const wrapped = this.attempt('publish', info, callback);
      const rest = at >= 0 ? [...args.slice(0, at), wrapped, ...args.slice(at + 1)] : [...args, wrapped];
      publisher = publish(...rest);
      this.watchPublisher(publisher);
      return publisher;
    });
  }

  private wrapSubscribe() {
    const s = this.session;
    const subscribe = s.subscribe.bind(s);
    s.subscribe = keepPromise(s.subscribe, (stream: OTStream, ...args: unknown[]) => {
      const at = args.findIndex(isFunction);
      let subscriber: OTSubscriber | undefined;
      const info = () => ({ streamId: stream?.streamId, subscriberId: subscriber?.id });
      // The subscriber's id exists once subscribe returns, so the attempt is recorded then; an
      // outcome OpenTok reports before that waits for it.
      let outcome: Callback | undefined;
      let early: unknown[] | undefined;
      const later: Callback = (...result) => (outcome ? outcome(...result) : (early = result));
      const rest = at >= 0 ? [...args.slice(0, at), later, ...args.slice(at + 1)] : [...args, later];
      subscriber = subscribe(stream, ...rest);
      outcome = this.attempt('subscribe', info, at >= 0 ? args[at] : undefined);
      if (early) {
        outcome(...(early as Parameters<Callback>));
      }
      this.watchSubscriber(subscriber, stream);
      return subscriber;
    });
  }

  private listen() {
    const s = this.session;
    s.on('sessionDisconnected', (e) => this.event({ action: 'disconnect', reason: e.reason }));
    s.on('sessionReconnecting', () => this.event({ action: 'reconnecting' }));
    s.on('sessionReconnected', () => this.event({ action: 'reconnected' }));
    const others = (action: Action) => (e: OTEvent) => {
      if (e.connection && e.connection.connectionId !== this.own()) {
        this.core.event({ action, connectionId: e.connection.connectionId, reason: e.reason });
      }
    };
    s.on('connectionCreated', others('connectionCreated'));
    s.on('connectionDestroyed', others('connectionDestroyed'));
    const stream = (action: Action) => (e: OTEvent) =>
      e.stream &&
      this.core.event({
        action,
        connectionId: e.stream.connection?.connectionId,
        streamId: e.stream.streamId,
        reason: e.reason,
        stream: action === 'streamCreated' ? streamInfo(e.stream) : undefined,
      });
    s.on('streamCreated', stream('streamCreated'));
    s.on('streamDestroyed', stream('streamDestroyed'));
    s.on('exception', (e) => this.exception(e));
    s.on('cpuPerformanceChanged', (e) =>
      this.event({ action: 'cpuPerformanceChanged', reason: e.cpuPerformanceState })
    );
  }

  private exception(e: OTEvent) {
    const code = String(e.code ?? 'unknown');
    const failedAt = this.recentFailures.get(code);
    if (failedAt !== undefined && Date.now() - failedAt < REPEAT_WINDOW_MS) {
      return;
    }
    const record = { ts: Date.now(), action: 'exception' as const, connectionId: this.own(), code, message: e.message };
    clearTimeout(this.waitingExceptions.get(code));
    this.waitingExceptions.set(
      code,
      setTimeout(() => {
        this.waitingExceptions.delete(code);
        this.core.event(record);
      }, REPEAT_WINDOW_MS)
    );
  }

  private watchPublisher(p: OTPublisher) {
    const streamId = () => p.stream?.streamId;
    p.on('streamDestroyed', (e) => this.event({ action: 'unpublish', streamId: streamId(), reason: e.reason }));
    for (const action of VIDEO_EVENTS) {
      p.on(action, (e) => this.event({ action, streamId: streamId(), reason: e.reason }));
    }
    p.on('networkConditionChanged', (e) =>
      this.event({ action: 'networkConditionChanged', streamId: streamId(), ...this.condition(e) })
    );
    p.on('videoQualityChanged', (e) =>
      this.event({ action: 'videoQualityChanged', streamId: streamId(), reason: e.reason })
    );
    p.on('mediaStopped', () => this.event({ action: 'trackEnded', streamId: streamId(), detail: { side: 'local' } }));
    const sampler = new Map<string, StatsSampler>();
    const resolve: StreamResolver = (side) => (side === 'local' ? streamId() : undefined);
    const stop = this.core.addSource({
      poll: async () => {
        const own = this.own();
        if (!own || !streamId()) {
          return 0;
        }
        const reports = await p.getRtcStatsReport();
        const started = performance.now();
        const now = Date.now();
        for (const r of reports) {
          const key = r.subscriberId ?? r.connectionId ?? 'routed';
          const s = sampler.get(key) ?? new StatsSampler();
          sampler.set(key, s);
          s.sample(toStatsMap(r.rtcStatsReport), resolve).forEach((x) => this.core.sample(now, own, x));
        }
        return performance.now() - started;
      },
    });
    p.on('destroyed', stop);
  }

  private watchSubscriber(sub: OTSubscriber, stream: OTStream) {
    const streamId = stream?.streamId;
    const base = () => ({ streamId, subscriberId: sub.id });
    sub.on('destroyed', (e) => this.event({ action: 'unsubscribe', ...base(), reason: e.reason }));
    for (const action of VIDEO_EVENTS) {
      sub.on(action, (e) => this.event({ action, ...base(), reason: e.reason }));
    }
    sub.on('qualityScoreChanged', (e) =>
      this.event({ action: 'qualityScoreChanged', ...base(), detail: { ...e.qualityScore } })
    );
    sub.on('networkConditionChanged', (e) =>
      this.event({ action: 'networkConditionChanged', ...base(), ...this.condition(e) })
    );
    sub.on('videoQualityChanged', (e) => this.event({ action: 'videoQualityChanged', ...base(), reason: e.reason }));
    const sampler = new StatsSampler();
    const resolve: StreamResolver = (side) => (side === 'remote' ? streamId : undefined);
    const stop = this.core.addSource({
      poll: async () => {
        const own = this.own();
        if (!own || !streamId) {
          return 0;
        }
        const report = await sub.getRtcStatsReport();
        const started = performance.now();
        const now = Date.now();
        sampler.sample(toStatsMap(report), resolve).forEach((x) => this.core.sample(now, own, x, sub.id));
        return performance.now() - started;
      },
    });
    sub.on('destroyed', stop);
  }

  private condition(e: OTEvent): Pick<EventInit, 'reason' | 'detail'> {
    const detail = conditionDetail(e);
    return { reason: typeof detail.networkCondition === 'string' ? detail.networkCondition : undefined, detail };
  }
}
