import { Core } from './core';
import { onMediaRequest, onPeerConnection } from './globals';
import { OpenTokAdapter, type OTSession, type OTStatic } from './opentok';
import { resolveOptions, type InitOptions } from './options';
import { PeerObserver } from './webrtc';
import { SDK_NAME, SDK_VERSION } from './version';

export type { InitOptions, PrivacyOptions, RecordKind } from './options';
export type { OTSession, OTPublisher, OTSubscriber, OTStream, OTStatic } from './opentok';
export type { IngestRecord } from '../../collector/src/model/records';

export const name = SDK_NAME;
export const version = SDK_VERSION;

/** What the SDK has done so far: for a debug panel, a test or a bench. */
export type Diagnostics = ReturnType<Core['diagnostics']>;

/** One capture of the calls on this page, returned by `init`. */
export interface Inspector {
  /** This endpoint's user id. */
  readonly userId: string;
  /** The session the records go to, once known. */
  readonly sessionId: string | undefined;
  /** Sets the session (your room or meeting id) if `init` did not; records made before wait for it. */
  setSession(sessionId: string): void;
  /**
   * Observes one peer connection as one connection of this user: its states, streams and stats.
   * `connectionId` names it (default: a random id).
   */
  observe(pc: RTCPeerConnection, ids?: { connectionId?: string }): void;
  /** Wraps an OpenTok.js Session (and the publishers and subscribers made through it); returns it. */
  wrapSession<S extends OTSession>(session: S, OT?: OTStatic): S;
  /** The user's rating of the call, 1 (bad) to 5 (excellent), with an optional comment. */
  rate(score: number, comment?: string): void;
  /** A named app event on the session's timeline, with optional data (a plain object, at most 4 KB of JSON). */
  mark(name: string, data?: Record<string, unknown>): void;
  /** Sends what is waiting now; resolves when the queue is empty or a send failed (it is retried). */
  flush(): Promise<void>;
  diagnostics(): Diagnostics;
  /** Stops observing, sends what is waiting and stops. */
  close(): Promise<void>;
}

let connections = 0;

/** Starts capturing: see docs/sdk.md. Throws a TypeError or RangeError naming a bad option. */
export function init(options: InitOptions): Inspector {
  const o = resolveOptions(options);
  const core = new Core(o);
  const observed = new WeakSet<RTCPeerConnection>();
  const observers: PeerObserver[] = [];
  const observe = (pc: RTCPeerConnection, connectionId?: string) => {
    if (!observed.has(pc)) {
      observed.add(pc);
      observers.push(new PeerObserver(core, pc, connectionId ?? `${core.clientId}-pc${++connections}`));
    }
  };
  const unhook: Array<() => void> = [];
  if (o.observeAllPeerConnections) {
    unhook.push(onPeerConnection((pc) => observe(pc)));
  }
  if (o.captureGetUserMedia) {
    unhook.push(
      onMediaRequest((m) =>
        core.event(
          m.variation === 'failure'
            ? {
                action: 'getUserMedia',
                variation: 'failure',
                code: m.code,
                message: m.message,
                detail: { call: m.call },
              }
            : m.variation === 'success'
              ? {
                  action: 'getUserMedia',
                  variation: 'success',
                  detail: { call: m.call, audio: m.audio, video: m.video },
                }
              : { action: 'getUserMedia', variation: 'attempt', detail: { call: m.call } }
        )
      )
    );
  }
  // A page going away: its connections end with it, and what waits goes out in keepalive requests.
  const onHide = (e: PageTransitionEvent) => {
    if (!e.persisted) {
      observers.forEach((ob) => ob.end('pageUnloaded'));
    }
    core.transport.sendBeforeUnload();
  };
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') {
      void core.transport.flush();
    }
  };
  if (typeof window !== 'undefined') {
    window.addEventListener('pagehide', onHide);
    document.addEventListener('visibilitychange', onVisibility);
  }

  return {
    userId: core.clientId,
    get sessionId() {
      return core.session;
    },
    setSession: (sessionId) => core.setSession(sessionId),
    observe: (pc, ids) => observe(pc, ids?.connectionId),
    wrapSession(session, OT) {
      new OpenTokAdapter(core, session, OT ?? (globalThis as { OT?: OTStatic }).OT);
      return session;
    },
    rate: (score, comment) => core.rate(score, comment),
    mark: (markName, data) => core.mark(markName, data),
    flush: () => core.transport.flush(),
    diagnostics: () => core.diagnostics(),
    async close() {
      unhook.forEach((u) => u());
      if (typeof window !== 'undefined') {
        window.removeEventListener('pagehide', onHide);
        document.removeEventListener('visibilitychange', onVisibility);
      }
      core.close();
      await core.transport.flush();
      core.transport.close();
    },
  };
}
