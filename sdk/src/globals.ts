/**
 * The page-wide hooks, installed once and shared by every SDK instance that asks for them:
 * the RTCPeerConnection constructor (so peer connections made by any library, OpenTok.js
 * included, are observed: call `init` before that code runs, as rtcstats does) and
 * getUserMedia / getDisplayMedia (so device errors are recorded).
 */

type PeerSink = (pc: RTCPeerConnection) => void;
export type MediaOutcome =
  | { variation: 'attempt'; call: string }
  | { variation: 'success'; call: string; audio: boolean; video: boolean }
  | { variation: 'failure'; call: string; code: string; message: string };
type MediaSink = (outcome: MediaOutcome) => void;

const peerSinks = new Set<PeerSink>();
const mediaSinks = new Set<MediaSink>();
let peersHooked = false;
let mediaHooked = false;

/** Calls `sink` with every RTCPeerConnection constructed from now on; returns the unsubscribe. */
export function onPeerConnection(sink: PeerSink): () => void {
  if (!peersHooked && typeof RTCPeerConnection === 'function') {
    peersHooked = true;
    const Native = RTCPeerConnection;
    // A subclass keeps instanceof, the static methods and the prototype chain the page expects.
    class ObservedPeerConnection extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        peerSinks.forEach((s) => s(this));
      }
    }
    Object.defineProperty(ObservedPeerConnection, 'name', { value: 'RTCPeerConnection' });
    globalThis.RTCPeerConnection = ObservedPeerConnection;
  }
  peerSinks.add(sink);
  return () => peerSinks.delete(sink);
}

/** Calls `sink` with the attempt and the outcome of every getUserMedia / getDisplayMedia call. */
export function onMediaRequest(sink: MediaSink): () => void {
  const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!mediaHooked && devices) {
    mediaHooked = true;
    for (const call of ['getUserMedia', 'getDisplayMedia'] as const) {
      const original = devices[call]?.bind(devices);
      if (!original) {
        continue;
      }
      devices[call] = async (constraints?: MediaStreamConstraints) => {
        mediaSinks.forEach((s) => s({ variation: 'attempt', call }));
        try {
          const stream = await original(constraints);
          // Kinds only: device labels and ids identify hardware and are never sent.
          const outcome = {
            variation: 'success' as const,
            call,
            audio: stream.getAudioTracks().length > 0,
            video: stream.getVideoTracks().length > 0,
          };
          mediaSinks.forEach((s) => s(outcome));
          return stream;
        } catch (err) {
          const e = err as { name?: string; message?: string };
          const outcome = {
            variation: 'failure' as const,
            call,
            code: e.name ?? 'Error',
            message: e.message ?? String(err),
          };
          mediaSinks.forEach((s) => s(outcome));
          throw err;
        }
      };
    }
  }
  mediaSinks.add(sink);
  return () => mediaSinks.delete(sink);
}
