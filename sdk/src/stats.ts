import {
  measureRtp,
  remoteInbound,
  selectedPairOnce,
  type Baseline,
  type RtpMeasure,
} from '../../collector/src/importers/rtpSamples';
import type { StatsMap, StatsReport } from '../../collector/src/importers/trace';

export type Role = 'publisher' | 'subscriber';
export type Media = 'audio' | 'video';

/** One quality sample of one stream's media, measured between two reports. */
export interface MediaSample extends RtpMeasure {
  role: Role;
  media: Media;
  streamId: string;
}

/** Which stream an RTP stats object belongs to: by its media section on the local or remote side. */
export type StreamResolver = (
  side: 'local' | 'remote',
  mid: string | undefined,
  report: StatsReport
) => string | undefined;

/** An `RTCStatsReport` (or OpenTok's Map of the same) copied into a StatsMap. */
export function toStatsMap(report: { forEach(cb: (value: StatsReport, key: string) => void): void }): StatsMap {
  const map: StatsMap = new Map();
  report.forEach((value, key) => map.set(key, value));
  return map;
}

interface Layered {
  sample: MediaSample;
  /** Packets of the layers merged so far, to weigh their loss. */
  weight: number;
  /** Frame height of the layer the frame rate and resolution come from. */
  height: number;
}

/**
 * Turns a peer connection's successive reports into samples with the importers' measure
 * (collector/src/importers/rtpSamples.ts: bitrate from byte deltas, a counter that went back
 * starts a new series). Per the receiver's own reports, a publisher's loss is the receiver's
 * `fractionLost` when it reports one: packet counts at our poll times straddle its report
 * intervals and include retransmissions. Simulcast layers of one media section make one sample.
 */
export class StatsSampler {
  private readonly baselines = new Map<string, Baseline>();

  sample(stats: StatsMap, resolve: StreamResolver): MediaSample[] {
    const out = new Map<string, Layered>();
    const pair = selectedPairOnce(stats);
    for (const [id, report] of stats) {
      const outbound = report.type === 'outbound-rtp';
      const media = report.kind;
      if ((!outbound && report.type !== 'inbound-rtp') || (media !== 'audio' && media !== 'video')) {
        continue;
      }
      const ts = typeof report.timestamp === 'number' ? report.timestamp : undefined;
      const prev = this.baselines.get(id);
      if (ts === undefined || prev?.ts === ts) {
        continue;
      }
      const { measure, next } = measureRtp(report, stats, ts, prev, pair);
      this.baselines.set(id, next);
      const mid = typeof report.mid === 'string' ? report.mid : undefined;
      const streamId = resolve(outbound ? 'local' : 'remote', mid, report);
      if (measure.bitrateKbps === undefined || !streamId) {
        continue; // a first report only sets the baseline
      }
      if (outbound) {
        const fraction = remoteInbound(report, stats)?.fractionLost;
        if (typeof fraction === 'number' && fraction >= 0 && fraction <= 1) {
          measure.lossPct = fraction * 100;
        }
      }
      const role: Role = outbound ? 'publisher' : 'subscriber';
      const key = `${role}\u0000${media}\u0000${streamId}`;
      merge(out, key, { ...measure, role, media, streamId });
    }
    for (const id of this.baselines.keys()) {
      if (!stats.has(id)) {
        this.baselines.delete(id);
      }
    }
    return [...out.values()].map((l) => roundSample(l.sample));
  }
}

function merge(out: Map<string, Layered>, key: string, s: MediaSample) {
  const height = s.height ?? 0;
  const weight = s.packets ?? 0;
  const had = out.get(key);
  if (!had) {
    out.set(key, { sample: s, weight, height });
    return;
  }
  const a = had.sample;
  a.bitrateKbps = (a.bitrateKbps ?? 0) + (s.bitrateKbps ?? 0);
  if (s.lossPct !== undefined) {
    a.lossPct =
      a.lossPct === undefined || had.weight + weight === 0
        ? s.lossPct
        : (a.lossPct * had.weight + s.lossPct * weight) / (had.weight + weight);
  }
  a.packets = add(a.packets, s.packets);
  a.packetsLost = add(a.packetsLost, s.packetsLost);
  a.rttMs ??= s.rttMs;
  a.jitterMs ??= s.jitterMs;
  had.weight += weight;
  if (height > had.height) {
    had.height = height;
    a.frameRate = s.frameRate;
    a.width = s.width;
    a.height = s.height;
  }
}

const add = (a: number | undefined, b: number | undefined) =>
  a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);

/** The measures that are numbers (codec and limitation are names). */
type NumericMeasure = {
  [K in keyof RtpMeasure]-?: NonNullable<RtpMeasure[K]> extends number ? K : never;
}[keyof RtpMeasure];

const ROUND: Partial<Record<NumericMeasure, number>> = {
  bitrateKbps: 1,
  lossPct: 2,
  rttMs: 1,
  jitterMs: 1,
  frameRate: 1,
};

function roundSample(s: MediaSample): MediaSample {
  for (const [key, digits] of Object.entries(ROUND) as Array<[NumericMeasure, number]>) {
    const v = s[key];
    if (v !== undefined) {
      s[key] = Math.round(v * 10 ** digits) / 10 ** digits;
    }
  }
  for (const key of Object.keys(s) as Array<keyof MediaSample>) {
    if (s[key] === undefined) {
      delete s[key];
    }
  }
  return s;
}
