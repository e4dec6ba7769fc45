import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { WireResult } from '@model';
import { importDump, type ImportResult } from '../src/importers/importDump';
import { CollectorError, ErrorCode } from '../src/errors';
import type { RunningCollector } from '../src/server';
import { askOk, countRows, rowsOf, startTestCollector } from './helpers';

/**
 * Derived facts that misled on real captures (issue 16, "wrong today"): each test imports a real
 * dump from shared/data (or a real jitsi dump kept in test/fixtures/importers) and checks the
 * answer a user sees.
 */
const DATA = join(__dirname, '../../../shared/data');
const DUMPS = join(DATA, 'rtcstats/dumps');
const CHROMIUM = join(DATA, 'chromium');
const FIXTURES = join(__dirname, 'fixtures/importers');

const file = (path: string) => ({ path, name: basename(path), size: statSync(path).size });

describe('derived facts on real dumps', () => {
  let c: RunningCollector;
  const tmp = mkdtempSync(join(tmpdir(), 'wrong-today-'));
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => {
    await c.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const load = (path: string, sessionId: string): Promise<ImportResult> =>
    importDump(c.store, file(path), { project: 'proj-a', sessionId });

  const ask = (q: Record<string, unknown>) => askOk(c, q, { from: 1.5e12, to: 1.9e12 });
  const first = (r: WireResult, name: string) => {
    const f = r.frames?.find((x) => x.schema.name === name);
    assert.ok(f, `frame ${name}`);
    return rowsOf(f)[0];
  };

  test('an SFU call recorded from one participant is multiparty, its others counted from the streams received', async () => {
    await load(join(DUMPS, 'google-standard-stats-sfu.jsonl'), 'sfu');
    const s = first(await ask({ queryType: 'summary', sessionId: 'sfu' }), 'summary');
    // Three others, each an audio and a video stream that carried media; the user's own audio and video.
    assert.deepEqual(
      [s.callType, s.users, s.recordedUsers, s.recording, s.publishers, s.streams, s.subscribers],
      ['multiparty', 4, 1, 'recorded from one participant', 4, 8, 6]
    );
    const listed = await ask({ queryType: 'sessions', sessionIdPrefix: 'sfu' });
    const row = first(listed, 'sessions');
    assert.deepEqual([row.callType, row.users, row.streams], ['multiparty', 4, 8]);
    const meeting = first(await ask({ queryType: 'meetings', sessionId: 'sfu' }), 'meetings');
    assert.deepEqual([meeting.callType, meeting.users], ['multiparty', 4]);
  });

  test('legacy goog stats of an SFU call: the same counts, from the ssrc reports', async () => {
    await load(join(FIXTURES, 'google-legacy-stats-sfu.jsonl.gz'), 'legacy-counts');
    const s = first(await ask({ queryType: 'summary', sessionId: 'legacy-counts' }), 'summary');
    assert.deepEqual([s.callType, s.users, s.recording], ['multiparty', 4, 'recorded from one participant']);
  });

  test('a loopback call recorded on both ends subscribes to its own streams: one user, nothing from outside', async () => {
    const r = await load(join(CHROMIUM, 'chromium156-two-calls.rtcstats.gz'), 'loopback');
    const s = first(await ask({ queryType: 'summary', sessionId: 'loopback' }), 'summary');
    assert.deepEqual(
      [s.callType, s.users, s.recording, s.streams, s.subscribers],
      ['one-to-zero', 1, 'complete', 4, 4]
    );
    const subscribed = await c.store.query<{ stream_id: string }>(
      `SELECT DISTINCT stream_id FROM all_events WHERE session_id = 'loopback' AND action = 'subscribe' ORDER BY 1`
    );
    const published = await c.store.query<{ stream_id: string }>(
      `SELECT DISTINCT stream_id FROM all_events WHERE session_id = 'loopback' AND action = 'publish' ORDER BY 1`
    );
    assert.deepEqual(subscribed, published);
    assert.ok(published.every((p) => p.stream_id.startsWith(`${r.userId}/8-`)));
  });

  test('receivers that never got a byte are no subscribers and have no samples', async () => {
    await load(join(DUMPS, 'google-standard-stats-sfu.jsonl'), 'silent');
    // Two of the eight inbound SSRCs (jitsi's placeholder audio and an inactive video) stay at 0 bytes.
    for (const ssrc of ['1109381341', '1052990334']) {
      const rows = await c.store.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM all_events WHERE session_id = 'silent' AND stream_id LIKE $1)::float8
              + (SELECT count(*) FROM all_quality_samples WHERE session_id = 'silent' AND stream_id LIKE $1)::float8 AS n`,
        [`%-${ssrc}`]
      );
      assert.equal(rows[0].n, 0, `SSRC ${ssrc}`);
    }
    const s = first(await ask({ queryType: 'summary', sessionId: 'silent' }), 'summary');
    assert.equal(s.subscribers, 6);
    // The sender's two simulcast layers that never sent are no streams either.
    const published = await c.store.query<{ n: number }>(
      `SELECT count(DISTINCT stream_id)::float8 AS n FROM all_events WHERE session_id = 'silent' AND action = 'publish'`
    );
    assert.equal(published[0].n, 2);
  });

  test("jitsi's 3-element e2eRtt line is skipped and counted, the rest imported", async () => {
    const r = await load(join(FIXTURES, 'chrome96-standard-stats-p2p-add-transceiver.jsonl.gz'), 'e2ertt');
    assert.deepEqual([r.skippedLines, r.firstSkipped], [1, 'line 142 ("e2eRtt")']);
    assert.equal(r.peerConnections, 2);
    assert.ok(r.samples > 0 && r.events > 0);
    assert.equal(await countRowsOf(c, 'e2ertt'), r.events + r.samples);
  });

  test('legacy goog / ssrc stats become quality samples with the counters of the dump', async () => {
    const r = await load(join(FIXTURES, 'google-legacy-stats-sfu.jsonl.gz'), 'legacy');
    assert.deepEqual(r.warnings, []);
    const rows = await c.store.query<{
      stream_id: string;
      packets: number;
      lost: number;
      height: number | null;
      fps: number | null;
      rtt: number;
      kbps: number;
    }>(
      `SELECT stream_id, sum(packets)::float8 AS packets, sum(packets_lost)::float8 AS lost, max(height)::float8 AS height,
         avg(frame_rate)::float8 AS fps, avg(rtt_ms)::float8 AS rtt, avg(bitrate_kbps)::float8 AS kbps
       FROM all_quality_samples WHERE session_id = 'legacy' GROUP BY stream_id`
    );
    const by = (suffix: string) => {
      const row = rows.find((x) => x.stream_id.endsWith(suffix));
      assert.ok(row, suffix);
      return row;
    };
    // The dump's last ssrc reports: packetsReceived / packetsSent, packetsLost, frame height, googRtt 46-48 ms.
    const hd = by('/in-video-4229390456');
    assert.deepEqual([hd.packets, hd.lost, hd.height], [7294, 4, 720]);
    assert.ok(hd.fps! > 27 && hd.fps! <= 30 && hd.kbps > 400 && hd.kbps < 650, JSON.stringify(hd));
    const voice = by('/out-audio-3139384748');
    assert.deepEqual([voice.packets, voice.lost], [5352, 2]);
    assert.ok(Math.abs(voice.rtt - 48) < 5, `publisher RTT from googRtt: ${voice.rtt}`);
    assert.ok(Math.abs(hd.rtt - 47) < 5, `subscriber RTT from the active googCandidatePair: ${hd.rtt}`);
    assert.equal(rows.length, 8, 'three audio and three video received, one audio and one video sent');
  });

  test('stats of no readable shape: the result says quality could not be read, and why', async () => {
    // The same legacy dump with its ssrc and candidate-pair reports taken out.
    const lines = gunzipSync(readFileSync(join(FIXTURES, 'google-legacy-stats-sfu.jsonl.gz')))
      .toString('utf8')
      .split('\n')
      .map((line) => {
        const entry = line ? (JSON.parse(line) as unknown[]) : undefined;
        if (entry?.[0] !== 'getstats') {
          return line;
        }
        const reports = Object.entries(entry[2] as Record<string, { type?: string }>).filter(
          ([id]) => !id.startsWith('ssrc_') && !id.startsWith('Conn-')
        );
        return JSON.stringify([entry[0], entry[1], Object.fromEntries(reports), entry[3]]);
      });
    const path = join(tmp, 'goog-without-ssrc.jsonl');
    writeFileSync(path, lines.join('\n'));
    const r = await load(path, 'unreadable');
    assert.equal(r.samples, 0);
    assert.equal(r.warnings.length, 1);
    assert.match(
      r.warnings[0],
      /^quality could not be read: none of the 55 stats snapshots holds an RTP stream report/
    );
    assert.match(r.warnings[0], /googTrack/);
  });

  describe('two dumps joined into one file are refused, and nothing is stored', () => {
    const text = (p: string) => readFileSync(p, 'utf8');
    const cases: Array<[string, () => Buffer, RegExp]> = [
      [
        'legacy rtcstats, the first without a final newline (cat a b)',
        () =>
          Buffer.from(
            text(join(DUMPS, 'chrome-standard-pc-reconnect.jsonl')) +
              text(join(DUMPS, 'chrome-standard-pc-failed.jsonl'))
          ),
        /line 222 joins the end of one dump to the start of another: two dumps were joined/,
      ],
      [
        'legacy rtcstats on separate lines: a second connectionInfo header',
        () =>
          Buffer.from(
            `${text(join(DUMPS, 'chrome-standard-pc-failed.jsonl'))}\n${text(join(DUMPS, 'chrome-standard-pc-reconnect.jsonl'))}`
          ),
        /line 225 starts a second dump \(a second connectionInfo header\)/,
      ],
      [
        'legacy goog dumps without a header: a peer connection created twice',
        () => {
          const once = gunzipSync(readFileSync(join(FIXTURES, 'google-legacy-stats-sfu.jsonl.gz')));
          return Buffer.concat([once, Buffer.from('\n'), once]);
        },
        /starts a second dump \(peer connection PC_0 is created a second time\)/,
      ],
      [
        "Chromium's gzip'ed rtcstats dump twice",
        () => {
          const once = readFileSync(join(CHROMIUM, 'chromium156-two-calls.rtcstats.gz'));
          return Buffer.concat([once, once]);
        },
        /line 255 joins the end of one dump to the start of another/,
      ],
      [
        "Chromium's rtcstats dump twice, on separate lines",
        () => {
          const once = gunzipSync(readFileSync(join(CHROMIUM, 'chromium156-two-calls.rtcstats.gz')));
          return gzipSync(Buffer.concat([once, Buffer.from('\n'), once]));
        },
        /starts a second dump \(an "RTCStatsDump" header\)/,
      ],
      [
        'a webrtc-internals dump twice',
        () => {
          const once = gunzipSync(readFileSync(join(CHROMIUM, 'chromium156-two-calls.webrtc-internals.json.gz')));
          return Buffer.concat([once, Buffer.from('\n'), once]);
        },
        /a second JSON document follows the first: two dumps were joined/,
      ],
    ];
    for (const [what, bytes, message] of cases) {
      test(what, async () => {
        const path = join(tmp, `joined-${what.replace(/\W+/g, '-')}`);
        writeFileSync(path, bytes());
        const before = [await countRows(c, 'events'), await countRows(c, 'quality_samples')];
        await assert.rejects(
          load(path, 'joined'),
          (err: Error) =>
            err instanceof CollectorError && err.code === ErrorCode.InvalidDump && message.test(err.message)
        );
        assert.deepEqual([await countRows(c, 'events'), await countRows(c, 'quality_samples')], before);
      });
    }
  });

  test("a page's two dumps in one session are one user: the second is refused, naming the first", async () => {
    const rtcstats = await load(join(CHROMIUM, 'chromium156-two-calls.rtcstats.gz'), 'one-page');
    const before = [await countRows(c, 'events'), await countRows(c, 'quality_samples')];
    await assert.rejects(
      load(join(CHROMIUM, 'chromium156-two-calls.webrtc-internals.json.gz'), 'one-page'),
      (err: Error) =>
        err instanceof CollectorError &&
        err.status === 409 &&
        new RegExp(`records the same page as user ${rtcstats.userId}, already imported into session one-page`).test(
          err.message
        )
    );
    assert.deepEqual([await countRows(c, 'events'), await countRows(c, 'quality_samples')], before);
    const s = first(await ask({ queryType: 'summary', sessionId: 'one-page' }), 'summary');
    assert.equal(s.users, 1);
    // The same dump again is still a re-import (nothing new), not a second page.
    const again = await load(join(CHROMIUM, 'chromium156-two-calls.rtcstats.gz'), 'one-page');
    assert.deepEqual([again.userId, again.duplicates, again.accepted], [rtcstats.userId, rtcstats.accepted, 0]);
  });

  test('a webrtc-internals dump that lost closed peer connections says so; the rtcstats dump of the page does not', async () => {
    const internals = await load(join(CHROMIUM, 'chromium156-two-calls.webrtc-internals.json.gz'), 'internals');
    assert.deepEqual(internals.warnings, [
      'some peer connections may be missing (1 getUserMedia stream feeds no peer connection in the dump): webrtc-internals drops the peer connections a page has closed; the "rtcstats dump" of the same page keeps them',
    ]);
    const rtcstats = await load(join(CHROMIUM, 'chromium156-two-calls.rtcstats.gz'), 'internals-rtcstats');
    assert.deepEqual(rtcstats.warnings, []);
    // What the warning is about: call B (closed at 25 s) is in the rtcstats dump only.
    assert.deepEqual([internals.peerConnections, rtcstats.peerConnections], [2, 4]);
  });
});

async function countRowsOf(c: RunningCollector, sessionId: string): Promise<number> {
  const rows = await c.store.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM all_events WHERE session_id = $1)::float8 + (SELECT count(*) FROM all_quality_samples WHERE session_id = $1)::float8 AS n`,
    [sessionId]
  );
  return rows[0].n;
}
