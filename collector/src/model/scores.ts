import { Thresholds, type ScoreBand } from '@model';
import { audioMos, CODECS, effectiveDelayMs, mosFromR, rating } from './emodel';
import { videoLowKbps } from './issueDetection';

/**
 * B1 quality scores. Audio: the E-model MOS (emodel.ts). Video: a 1-5 score from resolution,
 * frame rate, freezes, loss and whether the bitrate is enough for the resolution, frame rate and
 * codec. Each comes with a band and the reasons that pulled it down.
 */

/** The MOS of an otherwise clean call at a given loss: the spec's loss lines on the MOS scale. */
const mosAtLoss = (lossPct: number) => mosFromR(rating({ ...CODECS.opus, Ppl: lossPct, Ta: effectiveDelayMs(0, 0) }));

/** Audio bands: fair below the MOS of `lossWarnPct` on a clean call, poor below that of `lossBadPct`. */
export const AUDIO_BANDS = {
  fairBelow: mosAtLoss(Thresholds.lossWarnPct),
  poorBelow: mosAtLoss(Thresholds.lossBadPct),
};

export function audioBand(mos: number): ScoreBand {
  return mos < AUDIO_BANDS.poorBelow ? 'poor' : mos < AUDIO_BANDS.fairBelow ? 'fair' : 'good';
}

export function videoBand(score: number): ScoreBand {
  return score < Thresholds.videoScorePoor ? 'poor' : score < Thresholds.videoScoreFair ? 'fair' : 'good';
}

/**
 * Bits per pixel a codec needs for a sharp real-time picture (VP8 and H.264 at about 0.02 bit per
 * pixel and frame: 1280x720 at 30 fps in 550 kbps); newer codecs need less.
 */
const BITS_PER_PIXEL: Record<string, number> = { vp8: 0.02, h264: 0.02, vp9: 0.014, av1: 0.012 };

export function neededKbps(width: number, height: number, fps: number, codec: string | null): number {
  const bpp = BITS_PER_PIXEL[(codec ?? 'vp8').toLowerCase()] ?? BITS_PER_PIXEL.vp8;
  return (width * height * Math.max(fps, 1) * bpp) / 1000;
}

export interface VideoInput {
  height: number | null;
  width: number | null;
  frameRate: number | null;
  bitrateKbps: number | null;
  lossPct: number | null;
  /** Freezes per minute. */
  freezesPerMinute: number | null;
  codec: string | null;
}

export interface ScoreFactor {
  /** What pulled the score down: loss, latency, bitrate, frame rate, resolution, freezes. */
  factor: string;
  /** The measured value, in its own unit. */
  value: number;
  /** How much of the score it took. */
  cost: number;
}

/** Resolution alone: 180p 2.8, 360p 3.6, 720p 4.4, 1080p 4.8. */
const resolutionScore = (height: number) => Math.min(5, Math.max(1, 1.5 + 0.8 * Math.log2(height / 60)));

export function videoScore(v: VideoInput): { score: number; factors: ScoreFactor[] } {
  const height = v.height && v.height > 0 ? v.height : 360;
  const width = v.width && v.width > 0 ? v.width : Math.round((height * 16) / 9);
  const fps = v.frameRate ?? 30;
  const factors: ScoreFactor[] = [];
  const base = resolutionScore(height);
  if (base < Thresholds.videoScoreFair) {
    factors.push({ factor: 'resolution', value: height, cost: 5 - base });
  }
  if (fps < Thresholds.frozenFrameRate) {
    return { score: 1, factors: [...factors, { factor: 'frame rate', value: fps, cost: base - 1 }] };
  }
  let score = base;
  // Each halving of the bitrate the picture needs costs a point; under the spec's low-bitrate
  // line (scaled for thumbnails, as the issue tags do) the picture is poor whatever else.
  if (v.bitrateKbps !== null && v.bitrateKbps > 0) {
    const ratio = v.bitrateKbps / neededKbps(width, height, fps, v.codec);
    const line = videoLowKbps(height);
    const capped = v.bitrateKbps < line ? (Thresholds.videoScorePoor * v.bitrateKbps) / line : 5;
    const cost = Math.max(ratio < 1 ? -Math.log2(ratio) : 0, score - capped);
    if (cost > 0) {
      factors.push({ factor: 'bitrate', value: v.bitrateKbps, cost });
      score -= cost;
    }
  }
  if (fps < 15) {
    const cost = ((15 - fps) / 15) * 1.5;
    factors.push({ factor: 'frame rate', value: fps, cost });
    score -= cost;
  }
  // Loss breaks frames into artefacts and freezes: at the spec's "bad" loss line, even a perfect
  // picture has fallen to the poor band.
  if ((v.lossPct ?? 0) > 0.5) {
    const cost = ((5 - Thresholds.videoScorePoor) * (v.lossPct as number)) / Thresholds.lossBadPct;
    factors.push({ factor: 'loss', value: v.lossPct as number, cost });
    score -= cost;
  }
  if ((v.freezesPerMinute ?? 0) > 0) {
    const cost = Math.min(2, 0.5 * (v.freezesPerMinute as number));
    factors.push({ factor: 'freezes', value: v.freezesPerMinute as number, cost });
    score -= cost;
  }
  return { score: Math.min(5, Math.max(1, score)), factors };
}

/** The best audio MOS the E-model gives (no loss, no delay beyond the devices' and jitter buffer's). */
const BEST_AUDIO_MOS = audioMos(0, 0, 0).mos;

/** What took an audio MOS down from the best the E-model gives: loss, and delay. */
export function audioScore(lossPct: number | null, rttMs: number | null, jitterMs: number | null) {
  const loss = lossPct ?? 0;
  const rtt = rttMs ?? 0;
  const jitter = jitterMs ?? 0;
  const { mos } = audioMos(loss, rtt, jitter);
  const factors: ScoreFactor[] = [];
  const lossCost = BEST_AUDIO_MOS - audioMos(loss, 0, 0).mos;
  const delayCost = BEST_AUDIO_MOS - audioMos(0, rtt, jitter).mos;
  if (lossCost > 0.05) {
    factors.push({ factor: 'loss', value: loss, cost: lossCost });
  }
  if (delayCost > 0.05) {
    factors.push({
      factor: jitter * 2 > 40 && jitter * 2 > rtt / 2 ? 'jitter' : 'latency',
      value: jitter * 2 > 40 && jitter * 2 > rtt / 2 ? jitter : rtt,
      cost: delayCost,
    });
  }
  return { score: mos, factors };
}
