/**
 * The page the SDK's browser specs run: the SDK's IIFE build from a <script> tag, then calls made
 * of two RTCPeerConnections each (`a` sends Chromium's fake camera and microphone to `b`), all
 * in one tab. Configured by the URL hash (`#` + JSON of CallPageConfig). A lossy call exchanges
 * its ICE candidates through `window.relayCandidate` (a UDP relay of the spec that drops packets)
 * and negotiates no retransmission (no NACK, VP8 only, so no RTX stream); a copy Chromium still
 * re-sends on the original SSRC has the same sequence number and is dropped again, so the loss the
 * relay makes is the loss the receiver sees.
 */
import type { IngestRecord, QualitySampleRecord } from '../../../collector/src/model/records';

export interface CallPageConfig {
  sdk: Record<string, unknown>;
  /** `video`: the camera's capture size (640x360 unless given). */
  calls: Array<{ id: string; lossy?: boolean; video?: { width: number; height: number }; startKbps?: number }>;
}

/** Each record the SDK made, as the page saw it in `beforeSend`, in order. */
export type PageRecord = IngestRecord & Partial<QualitySampleRecord>;

export const CALL_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>SDK call</title></head><body>
<script src="/sdk.js"></script>
<script>
const cfg = JSON.parse(decodeURIComponent(location.hash.slice(1)));
window.records = [];
window.stage = 'starting';
window.si = SessionInspector.init(Object.assign({}, cfg.sdk, {
  beforeSend: (r) => {
    window.records.push(r);
    return r;
  },
}));
window.calls = {};
window.sentLog = {};
const CRLF = String.fromCharCode(13, 10);
// No NACK asked for: a lost packet stays lost, so the receiver's loss is the loss on the wire.
const noNack = (d) => ({ type: d.type, sdp: d.sdp.split(CRLF).filter((l) => !/^a=rtcp-fb:[0-9]+ nack$/.test(l)).join(CRLF) });

async function connect(call, stream) {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  const signal = async (c, to) => {
    if (!c) return;
    if (!call.lossy) return to.addIceCandidate(c);
    const relayed = await window.relayCandidate(c.candidate);
    if (relayed) await to.addIceCandidate({ candidate: relayed, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
  };
  a.onicecandidate = (e) => signal(e.candidate, b);
  b.onicecandidate = (e) => signal(e.candidate, a);
  stream.getTracks().forEach((t) => a.addTrack(t, stream));
  // A start bitrate (VP8's x-google-start-bitrate) spares a short call the slow ramp-up.
  const start = (d) => !call.startKbps ? d : ({
    type: d.type,
    sdp: d.sdp.replace(/a=rtpmap:([0-9]+) VP8[/]90000/g, (l, pt) => l + CRLF + 'a=fmtp:' + pt + ' x-google-start-bitrate=' + call.startKbps),
  });
  const munge = (d) => start(call.lossy ? noNack(d) : d);
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(munge(a.localDescription));
  if (call.lossy) {
    const vp8 = RTCRtpReceiver.getCapabilities('video').codecs.filter((c) => c.mimeType === 'video/VP8');
    b.getTransceivers().filter((t) => t.receiver.track.kind === 'video').forEach((t) => t.setCodecPreferences(vp8));
  }
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(munge(b.localDescription));
  await new Promise((resolve, reject) => {
    const check = () => {
      if (a.connectionState === 'connected') resolve();
      if (a.connectionState === 'failed') reject(new Error('call ' + call.id + ' failed'));
    };
    a.addEventListener('connectionstatechange', check);
    check();
  });
  window.calls[call.id] = { a, b, streamId: stream.id };
}

(async () => {
  for (const call of cfg.calls) {
    const video = call.video || { width: 640, height: 360 };
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video });
    await connect(call, stream);
    // The page's own measure of what the call's video sender sent, every 250 ms.
    const log = (window.sentLog[call.id] = []);
    setInterval(async () => {
      const sent = await window.videoSent(call.id);
      if (sent) log.push(sent);
    }, 250);
  }
  window.stage = 'connected';
})().catch((e) => { window.stage = 'failed: ' + e; });

/** The page's own measure: total video bytes sent by a call's sender, and when. */
window.videoSent = async (id) => {
  let out;
  (await window.calls[id].a.getStats()).forEach((r) => {
    if (r.type === 'outbound-rtp' && r.kind === 'video') out = { bytes: r.bytesSent, at: Date.now() };
  });
  return out;
};
/** Caps a call's video sender (RTCRtpSender.setParameters). */
window.capVideo = async (id, bps) => {
  const sender = window.calls[id].a.getSenders().find((s) => s.track && s.track.kind === 'video');
  const p = sender.getParameters();
  p.encodings[0].maxBitrate = bps;
  await sender.setParameters(p);
};
</script></body></html>`;

/** The page's URL for a configuration. */
export function callPageUrl(base: string, cfg: CallPageConfig): string {
  return `${base}/call.html#${encodeURIComponent(JSON.stringify(cfg))}`;
}
