import type { ScoreBand } from './issues';
import { Thresholds } from './thresholds';

/**
 * A quality sample with a poor network: packet loss over `lossBadPct` or a round trip over
 * `latencyHighMs`. Bitrate is left out on purpose: a muted or disabled stream is not a bad call.
 * As a SQL condition over a quality samples table or view, its columns named by `alias`.
 */
export function poorNetworkSql(alias?: string): string {
  const c = alias ? `${alias}.` : '';
  return `(${c}loss_pct > ${Thresholds.lossBadPct} OR ${c}rtt_ms > ${Thresholds.latencyHighMs})`;
}

/** The sessions list's quality band from the share (%) of samples with a poor network. */
export function sessionQualityBand(poorPct: number): ScoreBand {
  return poorPct > Thresholds.sessionPoorSamplesPoorPct
    ? 'poor'
    : poorPct > Thresholds.sessionPoorSamplesFairPct
      ? 'fair'
      : 'good';
}
