import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { rtcstatsEntries } from '../../collector/src/importers/rtcstatsDump';
import { readLines, readText } from '../../collector/src/importers/textSource';
import type { StatsMap, StatsReport } from '../../collector/src/importers/trace';
import { StatsSampler, type MediaSample, type StreamResolver } from '../src/stats';

const DUMP = fileURLToPath(new URL('../../../shared/data/chromium/chromium156-two-calls.rtcstats.gz', import.meta.url));

/** Every getStats of every peer connection of Chromium 156's own rtcstats dump, in order. */
async function reportsByPc(): Promise<Map<string, Array<{ ts: number; stats: StatsMap }>>> {
  const file = { path: DUMP, name: 'chromium156', size: statSync(DUMP).size };
  const out = new Map<string, Array<{ ts: number; stats: StatsMap }>>();
  for await (const e of rtcstatsEntries(readLines(readText(file)), file.name, {})) {
    if (e.kind === 'stats') {
      // Copies: the reader reuses unchanged objects between reports.
      const copy: StatsMap = new Map([...e.stats].map(([id, r]) => [id, { ...r }]));
      out.set(e.pc, [...(out.get(e.pc) ?? []), { ts: e.ts, stats: copy }]);
    }
  }
  return out;
}

const byKind: StreamResolver = (side, _mid, r) => `${side}-${String(r.kind)}`;

function report(objects: StatsReport[]): StatsMap {
  return new Map(objects.map((o) => [o.id as string, o]));
}

describe('stats sampler on real Chromium 156 reports', () => {
  test('call A: video about 330 kbps, then about 95 kbps once capped at 100 kbps; never negative, no loss', async () => {
    const pcs = await reportsByPc();
    // The sender of call A: of the two sending peer connections, the one with the larger video.
    const height = (rs: Array<{ stats: StatsMap }>) =>
      Math.max(
        ...rs.flatMap((r) =>
          [...r.stats.values()].map((o) => (o.type === 'outbound-rtp' ? Number(o.frameHeight ?? 0) : 0))
        )
      );
    const [senderId, reports] = [...pcs].sort((a, b) => height(b[1]) - height(a[1]))[0];
    assert.ok(reports.length > 20, `${senderId}: ${reports.length} reports`);
    const sampler = new StatsSampler();
    const video: Array<{ ts: number; s: MediaSample }> = [];
    const all: MediaSample[] = [];
    reports.forEach((r, i) => {
      const samples = sampler.sample(r.stats, byKind);
      if (i === 0) {
        assert.deepEqual(samples, [], 'a first report only sets baselines');
      }
      all.push(...samples);
      video.push(...samples.filter((s) => s.role === 'publisher' && s.media === 'video').map((s) => ({ ts: r.ts, s })));
    });
    assert.ok(
      all.every((s) => s.bitrateKbps! >= 0),
      'bitrate never negative'
    );
    const start = reports[0].ts;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const before = mean(
      video.filter((v) => v.ts - start > 8_000 && v.ts - start < 19_000).map((v) => v.s.bitrateKbps!)
    );
    const after = mean(video.filter((v) => v.ts - start > 24_000).map((v) => v.s.bitrateKbps!));
    assert.ok(before > 250 && before < 420, `uncapped video ${before.toFixed(0)} kbps`);
    assert.ok(after > 60 && after < 110, `capped video ${after.toFixed(0)} kbps`);
    assert.ok(
      video.every((v) => v.s.width! > 0 && v.s.height! > 180 && v.s.frameRate! > 0),
      'resolution and frame rate of call A'
    );
    // Loopback: no loss on either side.
    assert.ok(all.some((s) => s.lossPct !== undefined) && all.every((s) => (s.lossPct ?? 0) === 0));
  });
});

describe('stats sampler rules', () => {
  const outbound = (id: string, ts: number, bytesSent: number, packetsSent: number, extra: StatsReport = {}) => ({
    id,
    type: 'outbound-rtp',
    kind: 'video',
    mid: '0',
    ssrc: Number(id.replace(/\D/g, '')),
    timestamp: ts,
    bytesSent,
    packetsSent,
    ...extra,
  });

  test("a publisher's loss is the receiver's fractionLost; packets exclude nothing measureRtp counts", () => {
    const s = new StatsSampler();
    const remote = (ts: number, packetsLost: number, fractionLost: number) => ({
      id: 'RIV1',
      type: 'remote-inbound-rtp',
      kind: 'video',
      ssrc: 1,
      localId: 'OV1',
      timestamp: ts,
      packetsLost,
      fractionLost,
      roundTripTime: 0.042,
      jitter: 0.003,
    });
    s.sample(report([outbound('OV1', 1000, 0, 0), remote(1000, 0, 0)]), byKind);
    const [sample] = s.sample(report([outbound('OV1', 6000, 250_000, 1100), remote(5500, 100, 25 / 256)]), byKind);
    assert.equal(sample.bitrateKbps, 400);
    assert.equal(sample.packets, 1100);
    assert.equal(sample.packetsLost, 100);
    assert.equal(sample.lossPct, 9.77);
    assert.equal(sample.rttMs, 42);
    assert.equal(sample.jitterMs, 3);
  });

  test('simulcast layers of one media section are one sample: bitrate summed, top layer shape', () => {
    const s = new StatsSampler();
    const layer = (id: string, ts: number, bytes: number, h: number) =>
      outbound(id, ts, bytes, bytes / 1000, {
        frameHeight: h,
        frameWidth: (h * 16) / 9,
        framesPerSecond: h / 24,
        rid: `r${h}`,
      });
    s.sample(report([layer('OV1', 0 + 1e12, 0, 180), layer('OV2', 1e12, 0, 720)]), byKind);
    const out = s.sample(
      report([layer('OV1', 1e12 + 1000, 12_500, 180), layer('OV2', 1e12 + 1000, 125_000, 720)]),
      byKind
    );
    assert.equal(out.length, 1);
    assert.equal(out[0].bitrateKbps, 1100);
    assert.equal(out[0].height, 720);
    assert.equal(out[0].frameRate, 30);
  });

  test('an SSRC change starts a new series: no sample until the new object has two reports', () => {
    const s = new StatsSampler();
    s.sample(report([outbound('OV1', 1000, 100_000, 100)]), byKind);
    assert.deepEqual(s.sample(report([outbound('OV2', 2000, 5_000, 5)]), byKind), []);
    const [next] = s.sample(report([outbound('OV2', 3000, 30_000, 30)]), byKind);
    assert.equal(next.bitrateKbps, 200);
  });

  test('a counter that went back gives no sample, never a negative bitrate', () => {
    const s = new StatsSampler();
    s.sample(report([outbound('OV1', 1000, 100_000, 100)]), byKind);
    assert.deepEqual(s.sample(report([outbound('OV1', 2000, 10, 1)]), byKind), []);
  });

  test('a subscriber: loss from inbound-rtp, RTT from the selected candidate pair', () => {
    const s = new StatsSampler();
    const inbound = (ts: number, bytesReceived: number, packetsReceived: number, packetsLost: number) => ({
      id: 'IA1',
      type: 'inbound-rtp',
      kind: 'audio',
      mid: '1',
      ssrc: 9,
      timestamp: ts,
      bytesReceived,
      packetsReceived,
      packetsLost,
      jitter: 0.012,
    });
    const pair = { id: 'CP1', type: 'candidate-pair', timestamp: 0, currentRoundTripTime: 0.08 };
    const transport = { id: 'T1', type: 'transport', timestamp: 0, selectedCandidatePairId: 'CP1' };
    s.sample(report([inbound(1000, 0, 0, 0), pair, transport]), byKind);
    const [a] = s.sample(report([inbound(6000, 20_000, 225, 25), pair, transport]), byKind);
    assert.deepEqual(
      { ...a },
      {
        role: 'subscriber',
        media: 'audio',
        streamId: 'remote-audio',
        bitrateKbps: 32,
        packets: 225,
        packetsLost: 25,
        lossPct: 10,
        rttMs: 80,
        jitterMs: 12,
      }
    );
  });
});
