import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { Limits, type WireQuery, type WireResult } from '@model';
import { importDump } from '../src/importers/importDump';
import { PC_FAILED } from '../src/importers/sessionMapper';
import { CollectorError, ErrorCode } from '../src/errors';
import { applyLegacyDelta } from '../src/importers/statsDelta';
import type { StatsMap } from '../src/importers/trace';
import type { RunningCollector } from '../src/server';
import { col, countRows, query, startTestCollector } from './helpers';
import { SHARED_DATA } from './sharedData';

const DATA = SHARED_DATA;
const DUMPS = join(DATA, 'rtcstats/dumps');
const EXPECTED = join(DATA, 'rtcstats/expected');

interface TrackAggregates {
  totalPacketsSent: number;
  totalPacketsReceived: number;
  totalSentPacketsLost: number;
  totalReceivedPacketsLost: number;
  sentPacketsLostPct: number;
  receivedPacketsLostPct: number;
}
interface PcAggregates {
  trackAggregates: TrackAggregates;
  pcSessionDurationMs: number;
  connectionFailed: boolean;
  iceReconnects: number;
}
interface Features {
  sessionStartTime: number;
  sessionEndTime: number;
  aggregates: Record<string, PcAggregates>;
  browserInfo: { name: string; majorVersion: string };
}

/** rtcstats-server's unit-test features (`<name>.features.json`); its integration file agrees on every aggregate. */
function expected(name: string): Features {
  return (JSON.parse(readFileSync(join(EXPECTED, `${name}.features.json`), 'utf8')) as Array<{ features: Features }>)[0]
    .features;
}

function dumpFile(path: string) {
  return { path, name: basename(path), size: statSync(path).size };
}

async function ask(c: RunningCollector, q: Record<string, unknown>, from: number, to: number): Promise<WireResult> {
  const wire: WireQuery = {
    refId: 'A',
    timeRange: { from, to },
    maxDataPoints: 2000,
    intervalMs: 1,
    query: q as WireQuery['query'],
  };
  const res = await query(c, 'read-a', [wire]);
  assert.equal(res.body.results.A.status, 200, res.body.results.A.error);
  return res.body.results.A;
}

const frame = (r: WireResult, name: string) => {
  const f = r.frames?.find((x) => x.schema.name === name);
  assert.ok(f, `frame ${name}`);
  return f;
};

interface Measured {
  sent: number;
  sentLost: number;
  received: number;
  receivedLost: number;
  durationMs: number;
  failed: boolean;
  reconnects: number;
}

/** Per peer connection, what the store holds after the import (sums of the samples, event times). */
async function measured(c: RunningCollector, sessionId: string, userId: string): Promise<Map<string, Measured>> {
  const sums = await c.store.query<{ connection_id: string; role: string; packets: number; lost: number }>(
    `SELECT connection_id, role, coalesce(sum(packets), 0)::float8 AS packets, coalesce(sum(packets_lost), 0)::float8 AS lost
     FROM all_quality_samples WHERE project = 'proj-a' AND session_id = $1 GROUP BY 1, 2`,
    [sessionId]
  );
  const events = await c.store.query<{ connection_id: string; action: string; variation: string | null; ts: number }>(
    `SELECT connection_id, action, variation, ts::float8 AS ts FROM all_events
     WHERE project = 'proj-a' AND session_id = $1 AND connection_id IS NOT NULL ORDER BY ts`,
    [sessionId]
  );
  const out = new Map<string, Measured>();
  const get = (connectionId: string) => {
    const pc = connectionId.slice(userId.length + 1);
    const m = out.get(pc) ?? {
      sent: 0,
      sentLost: 0,
      received: 0,
      receivedLost: 0,
      durationMs: 0,
      failed: false,
      reconnects: 0,
    };
    out.set(pc, m);
    return m;
  };
  for (const s of sums) {
    const m = get(s.connection_id);
    if (s.role === 'publisher') {
      m.sent = s.packets;
      m.sentLost = s.lost;
    } else {
      m.received = s.packets;
      m.receivedLost = s.lost;
    }
  }
  const connectedAt = new Map<string, number>();
  for (const e of events) {
    const m = get(e.connection_id);
    if (e.action === 'connect' && e.variation === 'success') {
      connectedAt.set(e.connection_id, e.ts);
    }
    if (e.variation === 'failure' && (e.action === 'connect' || e.action === 'disconnect')) {
      m.failed = true;
    }
    if (e.action === 'reconnected') {
      m.reconnects++;
    }
    if (e.action === 'disconnect' && connectedAt.has(e.connection_id)) {
      m.durationMs = e.ts - (connectedAt.get(e.connection_id) as number);
    }
  }
  return out;
}

/** From the dump's last counters: packets of one peer connection's RTP streams that never carried a byte. */
function silentPackets(name: string, pc: string): { sent: number; received: number } {
  let stats: StatsMap | undefined;
  for (const line of readFileSync(join(DUMPS, `${name}.jsonl`), 'utf8').split('\n')) {
    const entry = line ? (JSON.parse(line) as unknown[]) : [];
    if (entry[0] === 'getstats' && entry[1] === pc) {
      stats = applyLegacyDelta(stats, entry[2] as Record<string, unknown>);
    }
  }
  const out = { sent: 0, received: 0 };
  for (const r of stats?.values() ?? []) {
    if (r.type === 'outbound-rtp' && r.bytesSent === 0) {
      out.sent += Number(r.packetsSent ?? 0);
    } else if (r.type === 'inbound-rtp' && r.bytesReceived === 0) {
      out.received += Number(r.packetsReceived ?? 0);
    }
  }
  return out;
}

const pct = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : 0);

describe('dump importers', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  for (const name of [
    'google-standard-stats-p2p',
    'google-standard-stats-sfu',
    'chrome-standard-pc-failed',
    'chrome-standard-pc-reconnect',
    'firefox97-standard-stats-sfu',
  ]) {
    test(`${name}: per peer connection, packets, losses, loss % and duration against rtcstats-server`, async () => {
      const want = expected(name);
      const r = await importDump(c.store, dumpFile(join(DUMPS, `${name}.jsonl`)), {
        project: 'proj-a',
        sessionId: `cmp-${name}`,
      });
      assert.equal(r.format, 'rtcstats');
      const got = await measured(c, `cmp-${name}`, r.userId);
      const summary = frame(
        await ask(c, { queryType: 'summary', sessionId: `cmp-${name}` }, 1.6e12, 1.7e12),
        'summary'
      );
      const [start, end] = [col(summary, 'start')[0] as number, col(summary, 'end')[0] as number];
      if (name === 'chrome-standard-pc-failed') {
        // Theirs ends at the last line's time; here a getstats line written before the final 'failed' line
        // but stamped later. Ours ends at the last event (that failure).
        assert.deepEqual([start, end < want.sessionEndTime], [want.sessionStartTime, true]);
      } else if (name === 'chrome-standard-pc-reconnect') {
        // Theirs starts at the first line in file order; a getUserMedia line further down is 70 s earlier.
        assert.deepEqual([end, start < want.sessionStartTime], [want.sessionEndTime, true]);
      } else {
        assert.deepEqual([start, end], [want.sessionStartTime, want.sessionEndTime], `${name} session span`);
      }
      assert.deepEqual([...got.keys()].sort(), Object.keys(want.aggregates).sort(), 'the same peer connections');
      for (const [pc, w] of Object.entries(want.aggregates)) {
        const m = got.get(pc) as Measured;
        const t = w.trackAggregates;
        const where = `${name} ${pc}`;
        assert.equal(m.durationMs, w.pcSessionDurationMs, `${where} duration`);
        assert.equal(m.failed, w.connectionFailed, `${where} connection failed`);
        assert.equal(m.reconnects, w.iceReconnects, `${where} reconnects`);
        assert.equal(m.receivedLost, t.totalReceivedPacketsLost, `${where} received packets lost`);
        assert.equal(m.sentLost, t.totalSentPacketsLost, `${where} sent packets lost`);
        if (name.startsWith('firefox')) {
          // Defined differently (docs/importers.md): rtcstats-server's Firefox path reads packetsSent from
          // remote-inbound-rtp, where Firefox has none (so 0), and counts remote-inbound-rtp.packetsReceived
          // (what the far end received of OUR streams, one of them a wrapped 32-bit counter) as received.
          assert.equal(t.totalPacketsSent, 0);
          assert.ok(m.sent > 0, `${where}: we count the outbound-rtp packetsSent`);
          assert.ok(
            t.totalPacketsReceived > 2 ** 32 - 2 ** 20 && m.received < 100000,
            `${where}: we count inbound-rtp only`
          );
          // Hence their received loss % of 0 (28 over ~4.3e9) against ours; the sent one agrees.
          assert.equal(t.receivedPacketsLostPct, 0);
          assert.ok(pct(m.receivedLost, m.received + m.receivedLost) > 0.1, `${where}: 28 lost of about 15,000`);
          assert.ok(Math.abs(pct(m.sentLost, m.sent) - t.sentPacketsLostPct) <= 0.01, `${where} sent loss %`);
          continue;
        }
        // Theirs counts every RTP stream; an RTP stream that never carried a byte of media (padding or
        // probes on an inactive SSRC) is no stream or subscription here, so its packets are not counted.
        const silent = silentPackets(name, pc);
        assert.equal(m.sent, t.totalPacketsSent - silent.sent, `${where} packets sent`);
        assert.equal(m.received, t.totalPacketsReceived - silent.received, `${where} packets received`);
        // Theirs: lost / received, rounded to 2 decimals (recomputed over the packets counted here when
        // some were silent). Ours (formats.md): lost / (lost + received).
        const theirs = silent.received
          ? pct(t.totalReceivedPacketsLost, t.totalPacketsReceived - silent.received)
          : t.receivedPacketsLostPct;
        assert.ok(
          Math.abs(pct(m.receivedLost, m.received + m.receivedLost) - theirs) <= 0.01,
          `${where} received loss %`
        );
        assert.ok(Math.abs(pct(m.sentLost, m.sent) - t.sentPacketsLostPct) <= 0.01, `${where} sent loss %`);
      }
    });
  }

  test('the user is the browser of the dump', async () => {
    const want = expected('google-standard-stats-p2p');
    const r = await importDump(c.store, dumpFile(join(DUMPS, 'google-standard-stats-p2p.jsonl')), {
      project: 'proj-a',
      sessionId: 'ua-p2p',
    });
    const rows = await c.store.query<{
      client_id: string;
      browser: string;
      browser_version: string;
      os: string;
      sdk: string;
    }>(`SELECT client_id, browser, browser_version, os, sdk FROM users WHERE session_id = 'ua-p2p'`);
    assert.deepEqual(rows, [
      {
        client_id: r.userId,
        browser: want.browserInfo.name,
        browser_version: want.browserInfo.majorVersion,
        os: 'Windows 10',
        sdk: 'rtcstats',
      },
    ]);
  });

  test('chrome-standard-pc-failed: each failed peer connection and the getUserMedia failure are errors', async () => {
    const want = expected('chrome-standard-pc-failed');
    const r = await importDump(c.store, dumpFile(join(DUMPS, 'chrome-standard-pc-failed.jsonl')), {
      project: 'proj-a',
      sessionId: 'failed',
    });
    const errors = frame(await ask(c, { queryType: 'errors', sessionId: 'failed' }, 1.6e12, 1.7e12), 'errors');
    const codes = col(errors, 'code');
    const conns = col(errors, 'connectionId');
    const failedPcs = Object.entries(want.aggregates)
      .filter(([, a]) => a.connectionFailed)
      .map(([pc]) => `${r.userId}/${pc}`);
    assert.equal(failedPcs.length, 3);
    assert.deepEqual(conns.filter((x, i) => codes[i] === PC_FAILED).sort(), failedPcs.sort());
    const gum = codes
      .map((code, i) => [col(errors, 'action')[i], code])
      .filter(([action]) => action === 'getUserMedia');
    assert.deepEqual(gum, [['getUserMedia', 'NotReadableError']]);
    const rates = frame(
      await ask(c, { queryType: 'failureRates', sessionId: 'failed' }, 1.6e12, 1.7e12),
      'failureRates'
    );
    // two of the three never connected: 2 failures out of 3 connect attempts
    assert.deepEqual([col(rates, 'attempts')[0], col(rates, 'failures')[0]], [3, 2]);
  });

  test('chrome-standard-pc-reconnect: disconnected → connected cycles are reconnects in the summary', async () => {
    const r = await importDump(c.store, dumpFile(join(DUMPS, 'chrome-standard-pc-reconnect.jsonl')), {
      project: 'proj-a',
      sessionId: 'reconnect',
    });
    const cycles = frame(
      await ask(c, { queryType: 'events', sessionId: 'reconnect', textFilter: '+reconnect' }, 1.6e12, 1.7e12),
      'events'
    );
    assert.deepEqual(col(cycles, 'event'), ['Reconnecting', 'Reconnected', 'Reconnecting', 'Reconnected']);
    const log = await ask(c, { queryType: 'events', sessionId: 'reconnect' }, 1.6e12, 1.7e12);
    const names = col(frame(log, 'events'), 'event').filter(
      (e, i) => col(frame(log, 'events'), 'connectionId')[i] === `${r.userId}/PC_0`
    );
    assert.deepEqual(
      names.filter((e) => /^(Reconnect|Connect Success|Disconnect)/.test(String(e))),
      ['Connect Success', 'Reconnecting', 'Reconnected', 'Reconnecting', 'Reconnected', 'Disconnect Failure']
    );
    const summary = frame(await ask(c, { queryType: 'summary', sessionId: 'reconnect' }, 1.6e12, 1.7e12), 'summary');
    assert.equal(col(summary, 'reconnects')[0], 2);
    const errors = col(summary, 'errors')[0] as number;
    assert.equal(errors, 3 + 2, 'three failed peer connections and two getUserMedia failures');
    assert.ok((col(summary, 'issues')[0] as number) >= errors + 2);
  });

  describe('bad input stores nothing', () => {
    const cases: Array<[string, () => Buffer, RegExp]> = [
      ['an empty file', () => Buffer.alloc(0), /the file is empty/],
      [
        'a truncated rtcstats dump',
        () => readFileSync(join(DUMPS, 'google-standard-stats-sfu.jsonl')).subarray(0, 150000),
        /line \d+ is cut off \(the dump is truncated\)/,
      ],
      [
        'a truncated gzip dump',
        () => readFileSync(join(DATA, 'chromium/chromium156-two-calls.rtcstats.gz')).subarray(0, 60000),
        /gzip data is truncated/,
      ],
      [
        'a truncated webrtc-internals dump',
        () =>
          gunzipSync(readFileSync(join(DATA, 'chromium/chromium156-two-calls.webrtc-internals.json.gz'))).subarray(
            0,
            200000
          ),
        /ends before it is complete \(the dump is truncated\)/,
      ],
      [
        'a JSON document of another shape',
        () => Buffer.from(JSON.stringify({ sessions: [{ id: 1, quality: [1, 2, 3] }], version: 2 })),
        /not a webrtc-internals dump/,
      ],
      [
        'a JSON array that is not rtcstats',
        () => Buffer.from('[1, 2, 3]\n'),
        /line 1 is not a \[method, peerConnectionId, value, timestamp\] array/,
      ],
      [
        'a text file',
        () => Buffer.from('hello, world\n'),
        /not a dump this importer reads: it starts with "hello, world"/,
      ],
    ];
    for (const [what, bytes, message] of cases) {
      test(what, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'si-import-'));
        const path = join(dir, 'dump');
        writeFileSync(path, bytes());
        const counts = [
          await countRows(c, 'events'),
          await countRows(c, 'quality_samples'),
          await countRows(c, 'users'),
        ];
        try {
          await assert.rejects(
            importDump(c.store, dumpFile(path), { project: 'proj-a', sessionId: 'bad' }),
            (err: Error) => {
              assert.ok(err instanceof CollectorError && err.code === ErrorCode.InvalidDump, err.message);
              assert.match(err.message, message);
              return true;
            }
          );
        } finally {
          rmSync(dir, { recursive: true });
        }
        assert.deepEqual(
          [await countRows(c, 'events'), await countRows(c, 'quality_samples'), await countRows(c, 'users')],
          counts
        );
      });
    }
  });

  test('rtcstats-js v3 compression: numeric codes, delta reports and removed reports are read back', async () => {
    const r = await importDump(c.store, dumpFile(join(__dirname, 'fixtures/importers/rtcstats-js-v3.jsonl')), {
      project: 'proj-a',
      sessionId: 'v3-codes',
    });
    assert.deepEqual([r.format, r.peerConnections, r.samples], ['rtcstats-v3', 1, 3]);
    const rows = await c.store.query(
      `SELECT ts::float8 AS ts, role, media, bitrate_kbps, packets, packets_lost, loss_pct, rtt_ms, frame_rate, width, height
       FROM all_quality_samples WHERE session_id = 'v3-codes' ORDER BY ts`
    );
    const T0 = 1795400000000;
    const common = { role: 'publisher', media: 'video', rtt_ms: 40, frame_rate: 30, width: 640, height: 360 };
    assert.deepEqual(rows, [
      { ts: T0 + 1000, ...common, bitrate_kbps: null, packets: 100, packets_lost: 0, loss_pct: 0 },
      { ts: T0 + 2000, ...common, bitrate_kbps: 800, packets: 100, packets_lost: 5, loss_pct: 5 },
      // the receiver's report was removed: no loss figure, the RTT now comes from the candidate pair
      { ts: T0 + 3000, ...common, bitrate_kbps: 800, packets: 100, packets_lost: null, loss_pct: null },
    ]);
    const events = await c.store.query<{ action: string; variation: string | null; reason: string | null; ts: number }>(
      `SELECT action, variation, reason, ts::float8 AS ts FROM all_events WHERE session_id = 'v3-codes' ORDER BY ts, id`
    );
    assert.deepEqual(
      events.map((e) => [e.ts - T0, e.action, e.variation ?? e.reason]),
      [
        [0, 'connect', 'attempt'],
        [500, 'connect', 'success'],
        [1000, 'publish', 'attempt'],
        [1000, 'publish', 'success'],
        [3500, 'unpublish', 'clientDisconnected'],
        [3500, 'disconnect', 'clientDisconnected'],
      ]
    );
    const users = await c.store.query(`SELECT browser, browser_version, os FROM users WHERE session_id = 'v3-codes'`);
    assert.deepEqual(users, [{ browser: 'Chrome', browser_version: '140', os: 'macOS 10.15.7' }]);
  });

  test('rtcstats v3 with getUserMedia only: the attempt and its success', async () => {
    const r = await importDump(c.store, dumpFile(join(DUMPS, 'v3-gumonly.jsonl')), {
      project: 'proj-a',
      sessionId: 'v3-gum',
    });
    assert.deepEqual([r.format, r.peerConnections, r.samples, r.events], ['rtcstats-v3', 0, 0, 2]);
    const events = frame(await ask(c, { queryType: 'events', sessionId: 'v3-gum' }, 1.7e12, 1.8e12), 'events');
    assert.deepEqual(col(events, 'event'), ['GetUserMedia Attempt', 'GetUserMedia Success']);
    assert.deepEqual(col(events, 'time'), [1758602115670 + 2153, 1758602115670 + 2153 + 1040]);
  });

  test('a trace without connectionState (older browsers): ICE connection states stand in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'si-ice-'));
    const path = join(dir, 'ice-only.jsonl');
    // The reconnect dump as a browser without RTCPeerConnection.connectionState writes it.
    const lines = readFileSync(join(DUMPS, 'chrome-standard-pc-reconnect.jsonl'), 'utf8').split('\n');
    writeFileSync(path, lines.filter((l) => !l.startsWith('["onconnectionstatechange"')).join('\n'));
    try {
      const r = await importDump(c.store, dumpFile(path), { project: 'proj-a', sessionId: 'ice-only' });
      const connects = await c.store.query<{ connection_id: string; variation: string; ts: number }>(
        `SELECT connection_id, variation, ts::float8 AS ts FROM all_events WHERE session_id = 'ice-only' AND action = 'connect' AND variation <> 'attempt'`
      );
      // PC_0's ICE connects at 1647265402095; PC_1 and PC_2 only ever reach ICE 'disconnected'.
      assert.deepEqual(connects, [{ connection_id: `${r.userId}/PC_0`, variation: 'success', ts: 1647265402095 }]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('a small dump read once and a large one read twice are stored alike', async () => {
    // Below Limits.importReuseTextBytes the second pass reuses the first pass's entries; above
    // it, it reads the file again. The same dump both ways must store the same rows.
    const file = dumpFile(join(DUMPS, 'google-standard-stats-sfu.jsonl'));
    const rowsOf = async (sessionId: string) => {
      const [events, samples] = await Promise.all(
        ['saved_events', 'saved_quality_samples'].map((table) =>
          c.store.query(`SELECT * FROM ${table} WHERE project = 'proj-a' AND session_id = $1 ORDER BY id`, [sessionId])
        )
      );
      return [...events, ...samples].map(({ session_id: _s, received_at: _r, ...row }) => row);
    };
    const limits = Limits as { importReuseTextBytes: number };
    const reuse = limits.importReuseTextBytes;
    assert.ok(file.size < reuse, 'the dump is small enough to be read once');
    await importDump(c.store, file, { project: 'proj-a', sessionId: 'read-once' });
    limits.importReuseTextBytes = 0;
    try {
      await importDump(c.store, file, { project: 'proj-a', sessionId: 'read-twice' });
    } finally {
      limits.importReuseTextBytes = reuse;
    }
    const once = await rowsOf('read-once');
    assert.ok(once.length > 100, `${once.length} rows`);
    assert.deepEqual(once, await rowsOf('read-twice'));
  });

  test('importing the same dump twice stores it once', async () => {
    const file = dumpFile(join(DUMPS, 'google-standard-stats-sfu.jsonl'));
    const first = await importDump(c.store, file, { project: 'proj-a', sessionId: 'twice' });
    const events = await countRows(c, 'events');
    const samples = await countRows(c, 'quality_samples');
    const again = await importDump(c.store, file, { project: 'proj-a', sessionId: 'twice' });
    assert.equal(first.duplicates, 0);
    assert.equal(first.accepted, first.events + first.samples);
    assert.deepEqual([again.accepted, again.duplicates], [0, first.events + first.samples]);
    assert.equal(await countRows(c, 'events'), events);
    assert.equal(await countRows(c, 'quality_samples'), samples);
  });

  test('a Chromium 156 webrtc-internals dump (gzip): the bitrate step, the close, no loss, RTT of a few ms', async () => {
    const r = await importDump(
      c.store,
      dumpFile(join(DATA, 'chromium/chromium156-two-calls.webrtc-internals.json.gz')),
      { project: 'proj-a', sessionId: 'internals' }
    );
    assert.equal(r.format, 'webrtc-internals');
    const rows = await c.store.query<{
      ts: number;
      bitrate_kbps: number | null;
      loss_pct: number | null;
      rtt_ms: number | null;
    }>(
      `SELECT ts::float8 AS ts, bitrate_kbps, loss_pct, rtt_ms FROM all_quality_samples
       WHERE session_id = 'internals' AND role = 'publisher' AND media = 'video' AND stream_id LIKE $1 ORDER BY ts`,
      [`${r.userId}/8-1/%`]
    );
    const start = rows[0].ts;
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const before = avg(
      rows.filter((x) => x.ts > start + 5000 && x.ts < start + 18000).map((x) => x.bitrate_kbps as number)
    );
    const afterCap = avg(rows.filter((x) => x.ts > start + 25000).map((x) => x.bitrate_kbps as number));
    assert.ok(before > 250 && before < 450, `about 330 kbps before the cap, got ${before}`);
    assert.ok(afterCap > 60 && afterCap < 110, `about 95 kbps after the cap, got ${afterCap}`);
    assert.ok(
      rows.every((x) => (x.loss_pct ?? 0) === 0),
      'no loss on loopback'
    );
    const rtts = rows.map((x) => x.rtt_ms).filter((x): x is number => x !== null);
    assert.ok(rtts.length > 10 && Math.max(...rtts) < 20, 'RTT of a few ms');
  });

  test('a Chromium 156 rtcstats v3 dump (gzip): call B closes at about 25 s', async () => {
    const r = await importDump(c.store, dumpFile(join(DATA, 'chromium/chromium156-two-calls.rtcstats.gz')), {
      project: 'proj-a',
      sessionId: 'v3',
    });
    assert.equal(r.format, 'rtcstats-v3');
    const users = frame(await ask(c, { queryType: 'users', sessionId: 'v3' }, 1.7e12, 1.9e12), 'connections');
    const ids = col(users, 'connectionId');
    const durations = col(users, 'durationS');
    const reasons = col(users, 'disconnectReason');
    const byPc = Object.fromEntries(
      ids.map((id, i) => [String(id).slice(r.userId.length + 1), [durations[i], reasons[i]]])
    );
    assert.deepEqual(Object.keys(byPc).sort(), ['8-1', '8-2', '8-3', '8-4']);
    assert.equal(byPc['8-3'][1], 'clientDisconnected');
    assert.ok(Math.abs((byPc['8-3'][0] as number) - 25) <= 1, `call B lasts about 25 s, got ${byPc['8-3'][0]}`);
    assert.equal(byPc['8-1'][1], 'dumpEnded');
  });
});
