import { QUALITY_LIMITATIONS, type QualityLimitation, type QualitySampleRecord } from '../model/records';
import type { StatsMap, StatsReport } from './trace';

/** What the previous report of one RTP stats object left behind (counters, time). */
export interface Baseline {
  ts: number;
  bytes?: number;
  packets?: number;
  /** Highest packetsLost seen: the counter may step back (late packets), losses are not undone. */
  lost?: number;
  freezes?: number;
}

/** The measured values of a quality sample. */
export type RtpMeasure = Pick<
  QualitySampleRecord,
  | 'bitrateKbps'
  | 'packets'
  | 'packetsLost'
  | 'lossPct'
  | 'rttMs'
  | 'jitterMs'
  | 'frameRate'
  | 'width'
  | 'height'
  | 'codec'
  | 'limitation'
  | 'freezes'
>;

/** The codec's name without its media type ("video/VP8" → "VP8"), from the report's codec object. */
function codecOf(report: StatsReport, stats: StatsMap): string | undefined {
  const mime = typeof report.codecId === 'string' ? stats.get(report.codecId)?.mimeType : report.codec;
  return typeof mime === 'string' && mime ? mime.slice(mime.indexOf('/') + 1).slice(0, 64) : undefined;
}

const limitationOf = (v: unknown): QualityLimitation | undefined => QUALITY_LIMITATIONS.find((l) => l === v);

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const ms = (seconds: unknown): number | undefined => {
  const s = num(seconds);
  return s === undefined || s < 0 ? undefined : s * 1000;
};

/** The selected ICE candidate pair: the transport's pointer, else Firefox's `selected` flag. */
export function selectedPair(stats: StatsMap): StatsReport | undefined {
  for (const r of stats.values()) {
    if (r.type === 'transport' && typeof r.selectedCandidatePairId === 'string') {
      const pair = stats.get(r.selectedCandidatePairId);
      if (pair) {
        return pair;
      }
    }
  }
  for (const r of stats.values()) {
    if (r.type === 'candidate-pair' && r.selected === true) {
      return r;
    }
  }
  return undefined;
}

/** `selectedPair` of one snapshot, looked up on first call only: its RTP reports share it. */
export function selectedPairOnce(stats: StatsMap): () => StatsReport | undefined {
  let found: { pair: StatsReport | undefined } | undefined;
  return () => (found ??= { pair: selectedPair(stats) }).pair;
}

/** The receiver's report about our outbound stream: by `remoteId`, else by SSRC. */
export function remoteInbound(report: StatsReport, stats: StatsMap): StatsReport | undefined {
  if (typeof report.remoteId === 'string') {
    const r = stats.get(report.remoteId);
    if (r) {
      return r;
    }
  }
  for (const r of stats.values()) {
    if (r.type === 'remote-inbound-rtp' && r.ssrc === report.ssrc) {
      return r;
    }
  }
  return undefined;
}

/** Only the values measured are set (an object never deleted from stays fast to read). */
function set<K extends keyof RtpMeasure>(measure: RtpMeasure, key: K, value: RtpMeasure[K]): void {
  if (value !== undefined) {
    measure[key] = value;
  }
}

/**
 * One quality sample from an `outbound-rtp` or `inbound-rtp` report and its previous one (see
 * docs/importers.md): bitrate from the byte delta over the report time delta, loss from the
 * packet deltas, RTT, jitter, frame rate and resolution as reported. A counter that went down
 * (SSRC change, restart) starts a new series: no bitrate, the counters count from zero again.
 * `pair` gives the snapshot's selected candidate pair (`selectedPairOnce`), asked for only when
 * the receiver's report has no RTT.
 */
export function measureRtp(
  report: StatsReport,
  stats: StatsMap,
  ts: number,
  prev: Baseline | undefined,
  pair: () => StatsReport | undefined
): { measure: RtpMeasure; next: Baseline } {
  const outbound = report.type === 'outbound-rtp';
  const remote = outbound ? remoteInbound(report, stats) : undefined;
  const bytes = num(outbound ? report.bytesSent : report.bytesReceived);
  const packets = num(outbound ? report.packetsSent : report.packetsReceived);
  const lost = num(outbound ? remote?.packetsLost : report.packetsLost);
  const reset =
    prev !== undefined &&
    ((bytes !== undefined && prev.bytes !== undefined && bytes < prev.bytes) ||
      (packets !== undefined && prev.packets !== undefined && packets < prev.packets));
  const base = reset ? undefined : prev;
  const measure: RtpMeasure = {};
  if (base && bytes !== undefined && base.bytes !== undefined && ts > base.ts) {
    measure.bitrateKbps = (8 * (bytes - base.bytes)) / (ts - base.ts);
  }
  const dPackets = packets === undefined ? undefined : packets - (base?.packets ?? 0);
  const lostMax = lost === undefined ? base?.lost : Math.max(lost, base?.lost ?? 0);
  const dLost = lost === undefined ? undefined : Math.max(0, lost - (base?.lost ?? 0));
  set(measure, 'packets', dPackets);
  set(measure, 'packetsLost', dLost);
  if (dPackets !== undefined && dLost !== undefined) {
    // Receiver: lost / (lost + received). Sender: lost / sent (the packets it put on the wire).
    const whole = outbound ? dPackets : dPackets + dLost;
    if (whole > 0) {
      measure.lossPct = Math.min(100, (100 * dLost) / whole);
    }
  }
  set(measure, 'rttMs', ms(remote?.roundTripTime) ?? ms(pair()?.currentRoundTripTime));
  set(measure, 'jitterMs', ms(outbound ? remote?.jitter : report.jitter));
  set(measure, 'frameRate', num(report.framesPerSecond) ?? num(report.framerateMean));
  set(measure, 'width', num(report.frameWidth));
  set(measure, 'height', num(report.frameHeight));
  set(measure, 'codec', codecOf(report, stats));
  set(measure, 'limitation', outbound ? limitationOf(report.qualityLimitationReason) : undefined);
  const freezes = outbound ? undefined : num(report.freezeCount);
  if (freezes !== undefined) {
    measure.freezes = Math.max(0, freezes - (base?.freezes ?? 0));
  }
  return {
    measure,
    next: {
      ts,
      bytes: bytes ?? base?.bytes,
      packets: packets ?? base?.packets,
      lost: lostMax,
      freezes: freezes ?? base?.freezes,
    },
  };
}
