import type { StatsMap, StatsReport } from './trace';

/** Legacy values are strings ("5349"); an empty or non-numeric one is absent. */
function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

const seconds = (ms: unknown) => {
  const n = num(ms);
  return n === undefined ? undefined : n / 1000;
};

function limitation(r: StatsReport): string | undefined {
  if (r.googCpuLimitedResolution === 'true') {
    return 'cpu';
  }
  if (r.googBandwidthLimitedResolution === 'true') {
    return 'bandwidth';
  }
  return r.mediaType === 'video' && r.googCpuLimitedResolution !== undefined ? 'none' : undefined;
}

/**
 * Chrome's legacy `getStats()` (rtcstats `statsFormat: chrome_legacy`) reports one `ssrc` object
 * per stream and direction (`ssrc_<n>_send` / `ssrc_<n>_recv`, values as strings, times in ms)
 * and `googCandidatePair` objects. This rewrites them as the standard reports the importer reads:
 * `outbound-rtp` (with a `remote-inbound-rtp` carrying the receiver's loss, RTT and jitter as
 * the legacy send report relays them), `inbound-rtp`, and the active candidate pair. A map
 * without legacy reports is returned as it is.
 */
export function standardStats(stats: StatsMap): StatsMap {
  let legacy = false;
  for (const r of stats.values()) {
    if (r.type === 'ssrc' || r.type === 'googCandidatePair') {
      legacy = true;
      break;
    }
  }
  if (!legacy) {
    return stats;
  }
  const out: StatsMap = new Map();
  for (const [id, r] of stats) {
    if (r.type === 'googCandidatePair' && r.googActiveConnection === 'true') {
      out.set(id, {
        id,
        type: 'candidate-pair',
        timestamp: r.timestamp,
        selected: true,
        currentRoundTripTime: seconds(r.googRtt),
      });
      continue;
    }
    if (r.type !== 'ssrc') {
      continue;
    }
    const send = id.endsWith('_send');
    const ssrc = num(r.ssrc) ?? num(/_(\d+)_/.exec(id)?.[1]);
    const common: StatsReport = {
      id,
      timestamp: r.timestamp,
      ssrc,
      kind: r.mediaType,
      codec: typeof r.googCodecName === 'string' && r.googCodecName ? r.googCodecName : undefined,
    };
    if (send) {
      const remoteId = `${id}-remote`;
      out.set(id, {
        ...common,
        type: 'outbound-rtp',
        bytesSent: num(r.bytesSent),
        packetsSent: num(r.packetsSent),
        framesPerSecond: num(r.googFrameRateSent),
        frameWidth: num(r.googFrameWidthSent),
        frameHeight: num(r.googFrameHeightSent),
        qualityLimitationReason: limitation(r),
        remoteId,
      });
      out.set(remoteId, {
        id: remoteId,
        type: 'remote-inbound-rtp',
        timestamp: r.timestamp,
        ssrc,
        kind: r.mediaType,
        packetsLost: num(r.packetsLost),
        roundTripTime: seconds(r.googRtt),
        jitter: seconds(r.googJitterReceived),
      });
    } else {
      out.set(id, {
        ...common,
        type: 'inbound-rtp',
        bytesReceived: num(r.bytesReceived),
        packetsReceived: num(r.packetsReceived),
        packetsLost: num(r.packetsLost),
        jitter: seconds(r.googJitterReceived),
        framesPerSecond: num(r.googFrameRateReceived),
        frameWidth: num(r.googFrameWidthReceived),
        frameHeight: num(r.googFrameHeightReceived),
      });
    }
  }
  return out;
}
