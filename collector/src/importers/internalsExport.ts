import { createHash } from 'node:crypto';
import type { Store } from '../store/store';
import { sessionSpan } from '../query/shared/sessionDays';

/**
 * B7: one user of a session, whatever its source (SDK, simulator, Vonage, a dump), as a
 * chrome://webrtc-internals dump (`shared/spec/formats.md`): a peer connection per connection,
 * its connection states in `updateLog`, and per-field stats series rebuilt from the samples
 * (cumulative bytes and packets, so that the counters give back each sample's bitrate, packets
 * and losses): `outbound-rtp` with its `remote-inbound-rtp` for what the user published,
 * `inbound-rtp` for what it received, and the connection's RTT on a selected candidate pair.
 */
export interface InternalsExport {
  dump: InternalsDump;
  /** Which stats object each of the user's series became: `<peer connection>` and SSRC. */
  series: Array<{
    streamId: string;
    subscriberId: string | null;
    role: string;
    media: string;
    pc: string;
    ssrc: number;
  }>;
}

interface Series {
  values: unknown[];
}

interface StatsSeries {
  startTime: string;
  endTime: string;
  statsType: string;
  values: string;
}

export interface InternalsDump {
  getUserMedia: unknown[];
  PeerConnections: Record<
    string,
    {
      pid: number;
      url: string;
      rtcConfiguration: string;
      constraints: string;
      updateLog: Array<{ time: string; type: string; value: string }>;
      stats: Record<string, StatsSeries>;
    }
  >;
  UserAgent: string;
  timestamp: number;
}

interface SampleRow {
  ts: number;
  connection_id: string;
  stream_id: string;
  subscriber_id: string | null;
  role: 'publisher' | 'subscriber';
  media: 'audio' | 'video';
  bitrate_kbps: number | null;
  packets: number | null;
  packets_lost: number | null;
  loss_pct: number | null;
  rtt_ms: number | null;
  jitter_ms: number | null;
  frame_rate: number | null;
  width: number | null;
  height: number | null;
}

interface EventRow {
  ts: number;
  action: string;
  variation: string | null;
  connection_id: string;
}

/** A stable 32-bit SSRC for a series. */
function ssrcOf(...parts: Array<string | null>): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** One stats object as webrtc-internals keeps it: a series per field, over the same timestamps. */
function statsObject(
  stats: Record<string, StatsSeries>,
  id: string,
  type: string,
  times: number[],
  fields: Record<string, unknown[]>
): void {
  const entries: Record<string, Series> = {
    timestamp: { values: times },
    ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { values: v }])),
  };
  for (const [field, s] of Object.entries(entries)) {
    stats[`${id}-${field}`] = {
      startTime: iso(times[0]),
      endTime: iso(times[times.length - 1]),
      statsType: type,
      values: JSON.stringify(s.values),
    };
  }
}

/**
 * Cumulative counters from per-sample deltas, starting one interval before the first sample (a
 * point with a byte and no packet, so the stream exists and the first sample has a bitrate).
 * The lost counter follows the sample's loss % as the importer measures it (a receiver: lost /
 * (received + lost), a sender: lost / sent), its packet count where the loss % is missing; it is
 * carried unrounded so that the rounding of one sample never adds up along the stream.
 */
function cumulative(rows: SampleRow[], role: SampleRow['role']) {
  const interval = rows.length > 1 ? rows[1].ts - rows[0].ts : 1000;
  const times = [rows[0].ts - interval, ...rows.map((r) => r.ts)];
  let bytes = 1;
  let packets = 0;
  let lost = 0;
  const out = { times, bytes: [1], packets: [0], lost: [0] };
  rows.forEach((r, i) => {
    const dt = r.ts - times[i];
    const sent = r.packets ?? 0;
    const p = r.loss_pct === null ? null : Math.min(r.loss_pct, 99) / 100;
    bytes += ((r.bitrate_kbps ?? 0) * dt) / 8;
    packets += sent;
    lost += p === null ? (r.packets_lost ?? 0) : role === 'subscriber' ? (sent * p) / (1 - p) : sent * p;
    out.bytes.push(Math.round(bytes));
    out.packets.push(packets);
    out.lost.push(Math.round(lost));
  });
  return out;
}

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
const pad = <T>(first: T | null, values: Array<T | null>) => [first, ...values];

function userAgent(
  u: { browser: string | null; browser_version: string | null; os: string | null; sdk: string | null } | undefined
): string {
  if (u?.browser) {
    return `Mozilla/5.0 (${u.os ?? 'unknown'}) ${u.browser}/${u.browser_version ?? '0'}.0.0.0 (exported by Session Inspector)`;
  }
  return `${u?.sdk ?? 'unknown client'} (exported by Session Inspector)`;
}

export async function exportInternals(
  store: Store,
  project: string,
  sessionId: string,
  userId: string
): Promise<InternalsExport> {
  // Bounded by the session's days, so that only their partitions are read.
  const span = (await sessionSpan(store, [project], sessionId)) ?? { from: 0, to: 0 };
  const samples = await store.query<SampleRow>(
    `SELECT ts::float8 AS ts, connection_id, stream_id, subscriber_id, role, media, bitrate_kbps, packets, packets_lost, loss_pct,
       rtt_ms, jitter_ms, frame_rate, width::float8 AS width, height::float8 AS height
     FROM all_quality_samples WHERE project = $1 AND session_id = $2 AND client_id = $3
       AND ts >= $4::bigint AND ts < $5::bigint ORDER BY ts, id`,
    [project, sessionId, userId, span.from, span.to]
  );
  const events = await store.query<EventRow>(
    `SELECT ts::float8 AS ts, action, variation, connection_id FROM all_events
     WHERE project = $1 AND session_id = $2 AND client_id = $3 AND connection_id IS NOT NULL
       AND ts >= $4::bigint AND ts < $5::bigint ORDER BY ts, id`,
    [project, sessionId, userId, span.from, span.to]
  );
  const user = (
    await store.query<{
      browser: string | null;
      browser_version: string | null;
      os: string | null;
      sdk: string | null;
    }>(
      `SELECT browser, browser_version, os, sdk FROM users WHERE project = $1 AND session_id = $2 AND client_id = $3`,
      [project, sessionId, userId]
    )
  )[0];
  const connections = [...new Set([...events.map((e) => e.connection_id), ...samples.map((s) => s.connection_id)])];
  const dump: InternalsDump = {
    getUserMedia: [],
    PeerConnections: {},
    UserAgent: userAgent(user),
    // When the dump was taken: the user's last record, so that an export is the same every time.
    timestamp: [...samples, ...events].reduce((last, r) => Math.max(last, r.ts), 0),
  };
  const mapping: InternalsExport['series'] = [];
  connections.forEach((connectionId, n) => {
    const pc = `1-${n + 1}`;
    const stats: Record<string, StatsSeries> = {};
    const updateLog: InternalsDump['PeerConnections'][string]['updateLog'] = [];
    const state = (ts: number, value: string) =>
      updateLog.push({ time: iso(ts), type: 'onconnectionstatechange', value });
    let connected = false;
    for (const e of events.filter((x) => x.connection_id === connectionId)) {
      if (e.action === 'connect' && e.variation === 'success') {
        connected = true;
        state(e.ts, 'connected');
      } else if (e.action === 'connect' && e.variation === 'failure') {
        state(e.ts, 'failed');
      } else if (e.action === 'reconnecting') {
        state(e.ts, 'disconnected');
      } else if (e.action === 'reconnected') {
        state(e.ts, 'connected');
      } else if (e.action === 'disconnect') {
        if (e.variation === 'failure') {
          state(e.ts, 'failed');
        } else {
          updateLog.push({ time: iso(e.ts), type: 'close', value: '' });
        }
      }
    }
    const mine = samples.filter((s) => s.connection_id === connectionId);
    if (!connected && mine.length > 0) {
      state(mine[0].ts, 'connected');
    }
    const bySeries = new Map<string, SampleRow[]>();
    for (const s of mine) {
      const key = [s.stream_id, s.subscriber_id ?? '', s.role, s.media].join('\u0000');
      bySeries.set(key, [...(bySeries.get(key) ?? []), s]);
    }
    const rtt = new Map<number, number[]>();
    for (const rows of bySeries.values()) {
      const { stream_id, subscriber_id, role, media } = rows[0];
      const ssrc = ssrcOf(stream_id, subscriber_id, role, media);
      mapping.push({ streamId: stream_id, subscriberId: subscriber_id, role, media, pc, ssrc });
      const c = cumulative(rows, role);
      const video = media === 'video';
      const common = {
        ssrc: c.times.map(() => ssrc),
        kind: c.times.map(() => media),
        ...(video
          ? {
              framesPerSecond: pad(
                null,
                rows.map((r) => r.frame_rate)
              ),
              frameWidth: pad(
                null,
                rows.map((r) => r.width)
              ),
              frameHeight: pad(
                null,
                rows.map((r) => r.height)
              ),
            }
          : {}),
      };
      if (role === 'publisher') {
        const remote = `RI${media[0].toUpperCase()}${ssrc}`;
        statsObject(stats, `OT${media[0].toUpperCase()}${ssrc}`, 'outbound-rtp', c.times, {
          ...common,
          bytesSent: c.bytes,
          packetsSent: c.packets,
          remoteId: c.times.map(() => remote),
        });
        statsObject(stats, remote, 'remote-inbound-rtp', c.times, {
          ssrc: common.ssrc,
          kind: common.kind,
          packetsLost: c.lost,
          roundTripTime: pad(
            null,
            rows.map((r) => seconds(r.rtt_ms))
          ),
          jitter: pad(
            null,
            rows.map((r) => seconds(r.jitter_ms))
          ),
        });
      } else {
        statsObject(stats, `IT${media[0].toUpperCase()}${ssrc}`, 'inbound-rtp', c.times, {
          ...common,
          bytesReceived: c.bytes,
          packetsReceived: c.packets,
          packetsLost: c.lost,
          jitter: pad(
            null,
            rows.map((r) => seconds(r.jitter_ms))
          ),
        });
        for (const r of rows) {
          if (r.rtt_ms !== null) {
            rtt.set(r.ts, [...(rtt.get(r.ts) ?? []), r.rtt_ms]);
          }
        }
      }
    }
    if (rtt.size > 0) {
      // What the connection measured: one round trip per instant, the mean of its receivers'.
      const times = [...rtt.keys()].sort((a, b) => a - b);
      statsObject(stats, 'CP', 'candidate-pair', times, {
        currentRoundTripTime: times.map((t) => {
          const v = rtt.get(t) as number[];
          return v.reduce((a, b) => a + b, 0) / v.length / 1000;
        }),
        state: times.map(() => 'succeeded'),
      });
      statsObject(stats, 'T01', 'transport', times, { selectedCandidatePairId: times.map(() => 'CP') });
    }
    dump.PeerConnections[pc] = {
      pid: 1,
      url: `session-inspector://${encodeURIComponent(sessionId)}/${encodeURIComponent(connectionId)}`,
      rtcConfiguration: '{}',
      constraints: '',
      updateLog,
      stats,
    };
  });
  return { dump, series: mapping };
}
