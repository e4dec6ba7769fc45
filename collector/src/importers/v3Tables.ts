/**
 * The rtcstats v3 wire tables (format facts of rtcstats-js, MIT): numeric method codes, stats
 * type codes and stats property codes. A v3 dump written by rtcstats-js uses them; Chromium's own
 * "rtcstats dump" writes plain names, which pass through unchanged.
 */
import { ownEntry } from '@model';

const METHODS: Record<string, string> = {
  1: 'getStats',
  g: 'getStats',
  2: 'createOffer',
  3: 'createOfferOnSuccess',
  12: 'createOfferOnFailure',
  4: 'createAnswer',
  5: 'createAnswerOnSuccess',
  13: 'createAnswerOnFailure',
  6: 'setLocalDescription',
  7: 'setLocalDescriptionOnSuccess',
  14: 'setLocalDescriptionOnFailure',
  8: 'setRemoteDescription',
  9: 'setRemoteDescriptionOnSuccess',
  15: 'setRemoteDescriptionOnFailure',
  10: 'addIceCandidate',
  11: 'addIceCandidateOnSuccess',
  16: 'addIceCandidateOnFailure',
  20: 'onicecandidate',
  21: 'onicecandidateerror',
  22: 'ontrack',
  23: 'onsignalingstatechange',
  24: 'oniceconnectionstatechange',
  25: 'onconnectionstatechange',
  26: 'onicegatheringstatechange',
  27: 'onnegotiationneeded',
  28: 'ondatachannel',
  30: 'addTrack',
  31: 'addTrackOnSuccess',
  32: 'addTransceiver',
  33: 'addTransceiverOnSuccess',
  34: 'removeTrack',
  35: 'createDataChannel',
  36: 'close',
  37: 'restartIce',
  38: 'setConfiguration',
  39: 'create',
  40: 'constraints',
  41: 'setCodecPreferences',
  42: 'setHeaderExtensionsToNegotiate',
  50: 'setParameters',
  51: 'replaceTrack',
  60: 'navigator.mediaDevices.getUserMedia',
  61: 'navigator.mediaDevices.getUserMediaOnSuccess',
  65: 'navigator.mediaDevices.getUserMediaOnFailure',
  63: 'navigator.mediaDevices.getDisplayMedia',
  64: 'navigator.mediaDevices.getDisplayMediaOnSuccess',
  68: 'navigator.mediaDevices.getDisplayMediaOnFailure',
  66: 'navigator.mediaDevices.enumerateDevices',
  67: 'navigator.mediaDevices.ondevicechange',
  70: 'MediaStreamTrack.stop',
  71: 'MediaStreamTrack.applyConstraints',
  72: 'MediaStreamTrack.onended',
  73: 'MediaStreamTrack.onmute',
  74: 'MediaStreamTrack.onunmute',
  80: 'HTMLMediaElement.resize',
};

const TYPES: Record<string, string> = {
  1: 'inbound-rtp',
  2: 'outbound-rtp',
  3: 'remote-inbound-rtp',
  4: 'remote-outbound-rtp',
  5: 'transport',
  6: 'candidate-pair',
  7: 'local-candidate',
  8: 'remote-candidate',
  9: 'data-channel',
  10: 'peer-connection',
  11: 'certificate',
  12: 'media-source',
  13: 'media-playout',
  14: 'codec',
};

// Only the properties the importer reads; others keep their numeric key, which nothing reads.
const PROPERTIES: Record<string, string> = {
  t: 'timestamp',
  10: 'ssrc',
  11: 'kind',
  14: 'packetsReceived',
  15: 'packetsLost',
  16: 'jitter',
  19: 'remoteId',
  23: 'frameWidth',
  24: 'frameHeight',
  25: 'framesPerSecond',
  41: 'bytesReceived',
  66: 'contentType',
  75: 'roundTripTime',
  79: 'packetsSent',
  80: 'bytesSent',
  118: 'state',
  125: 'selectedCandidatePairId',
  150: 'nominated',
  152: 'currentRoundTripTime',
};

export const methodName = (m: unknown): string =>
  typeof m === 'string' || typeof m === 'number' ? (ownEntry(METHODS, String(m)) ?? String(m)) : '';
export const statsTypeName = (t: unknown): unknown => (typeof t === 'number' ? (ownEntry(TYPES, String(t)) ?? t) : t);
export const statsPropertyName = (p: string): string => ownEntry(PROPERTIES, p) ?? p;
