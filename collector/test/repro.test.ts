import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { importDump } from '../src/importers/importDump';
import { exportInternals } from '../src/importers/internalsExport';
import type { RunningCollector } from '../src/server';
import { generateSession, type GeneratedSession } from '../src/simulator/generate';
import { planInjected } from '../src/simulator/plan';
import { writeRecords } from '../src/simulator/writer';
import { askOk, col, query, rowsOf, startTestCollector } from './helpers';

const SAMPLE_MS = 10_000;
const CLI = join(__dirname, '../bin/collector.mjs');
const run = promisify(execFile);

interface StreamFigures {
  key: string;
  bitrate: number;
  loss: number;
  samples: number;
}

/**
 * B7 on simulated calls with injected degradations: the replay of a user's bad minutes follows
 * what it received (the step inside an injected downlink loss or latency window carries the
 * injected value), and every user of a session, exported as a webrtc-internals dump and imported
 * back, gives the same per-stream bitrate and loss within 1 %.
 */
describe('reproduction kit', () => {
  let c: RunningCollector;
  const tmp = mkdtempSync(join(tmpdir(), 'repro-'));
  const sessions: GeneratedSession[] = planInjected({
    seed: 17,
    sessions: 3,
    start: Date.UTC(2026, 10, 20, 6),
    sampleIntervalMs: SAMPLE_MS,
  }).map((spec, i) => generateSession(spec, 170 + i));
  before(async () => {
    c = await startTestCollector();
    for (const g of sessions) {
      await writeRecords({ url: c.url, token: 'ingest-a' }, g.records);
    }
  });
  after(async () => {
    await c.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('the netem script and the field-trial line replay a degraded downlink at its injected value', async () => {
    let checked = 0;
    for (const g of sessions) {
      for (const w of g.truth.degradations.filter((x) => x.side === 'subscriber' && x.metric !== 'bitrateKbps')) {
        const userId = g.truth.connections.find((x) => x.connectionId === w.connectionId)?.clientId;
        assert.ok(userId);
        const r = await askOk(
          c,
          { queryType: 'repro', sessionId: g.truth.sessionId, userId },
          { from: g.truth.start, to: g.truth.end }
        );
        const kit = rowsOf(r.frames!.find((f) => f.schema.name === 'repro')!)[0];
        const steps = rowsOf(r.frames!.find((f) => f.schema.name === 'replay')!);
        assert.equal(kit.userId, userId);
        // The bad minutes and a minute either side, in steps of at least 10 s.
        assert.ok(
          (kit.from as number) <= w.start - 50_000 && (kit.to as number) >= w.end + 50_000,
          JSON.stringify(kit)
        );
        assert.ok(steps.length >= 3 && steps.length <= 60, `${steps.length} steps`);
        const inside = steps.filter(
          (s) => (s.start as number) >= w.start && (s.start as number) + (s.durationS as number) * 1000 <= w.end
        );
        // Steps clear of every window of the session (the margin may reach a neighbouring one).
        const outside = steps.filter((s) =>
          g.truth.degradations.every(
            (x) => (s.start as number) + (s.durationS as number) * 1000 <= x.start || (s.start as number) >= x.end
          )
        );
        assert.ok(inside.length >= 6 && outside.length >= 1, `${inside.length} inside, ${outside.length} outside`);
        const field = w.metric === 'lossPct' ? 'lossPct' : 'rttMs';
        for (const s of inside) {
          assert.ok(Math.abs((s[field] as number) - w.value) <= 0.15 * w.value, `${field} ${s[field]} vs ${w.value}`);
        }
        for (const s of outside) {
          assert.ok((s[field] as number) < w.value / 2, `${field} ${s[field]} outside the window`);
        }
        // Each step is a line of the script and a value of each member of the field trial.
        const script = kit.netem as string;
        assert.match(script, /^#!\/bin\/sh\n/);
        const lines = script.split('\n').filter((l) => /^step \d/.test(l));
        assert.equal(lines.length, steps.length);
        const trial = /^--force-fieldtrials=WebRTC-FakeNetworkReceiveConfig\/(.*)\/$/.exec(kit.fieldTrial as string);
        assert.ok(trial, kit.fieldTrial as string);
        const members = new Map(trial[1].split(',').map((m) => m.split(':') as [string, string]));
        assert.deepEqual(
          [...members.keys()],
          ['queue_delay_ms', 'delay_standard_deviation_ms', 'loss_percent', 'link_capacity_kbps', 'duration']
        );
        for (const v of members.values()) {
          assert.equal(v.split('|').length, steps.length);
        }
        const i = steps.indexOf(inside[0]);
        const [delay, , loss, , duration] = [...members.values()].map((v) => Number(v.split('|')[i]));
        assert.equal(duration, (inside[0].durationS as number) * 1000);
        assert.equal(lines[i].split(' ')[w.metric === 'lossPct' ? 3 : 1], String(inside[0][field]));
        if (w.metric === 'lossPct') {
          assert.equal(loss, Math.round(inside[0].lossPct as number));
        } else {
          // Half the round trip on each way of the loopback call.
          assert.equal(delay, Math.round((inside[0].rttMs as number) / 2));
        }
        assert.match(kit.chromium as string, /^chromium --use-fake-device-for-media-stream .*'--force-fieldtrials=/);
        // A range inside the bad minutes (no event in it) replays just them.
        const narrow = await askOk(
          c,
          { queryType: 'repro', sessionId: g.truth.sessionId, userId },
          { from: w.start, to: w.end }
        );
        const only = rowsOf(narrow.frames!.find((f) => f.schema.name === 'replay')!);
        assert.ok(only.length >= 6, `${only.length} steps`);
        for (const s of only) {
          assert.ok((s.start as number) >= w.start && (s.start as number) < w.end, `step at ${s.start as number}`);
          assert.ok(Math.abs((s[field] as number) - w.value) <= 0.15 * w.value, `${field} ${s[field]} vs ${w.value}`);
        }
        checked++;
      }
    }
    assert.ok(checked >= 2, `${checked} downlink windows checked`);
  });

  test('without a user, the kit is for the user whose received streams were degraded longest', async () => {
    const g = sessions[0];
    const r = await askOk(
      c,
      { queryType: 'repro', sessionId: g.truth.sessionId },
      { from: g.truth.start, to: g.truth.end }
    );
    const issues = rowsOf(
      (await askOk(c, { queryType: 'issues', sessionId: g.truth.sessionId }, { from: g.truth.start, to: g.truth.end }))
        .frames![0]
    ).filter((i) => i.role === 'subscriber' && ['high-loss', 'high-latency', 'low-bitrate'].includes(i.kind as string));
    const time = new Map<string, number>();
    for (const i of issues) {
      time.set(i.userId as string, (time.get(i.userId as string) ?? 0) + (i.end as number) - (i.start as number));
    }
    const longest = [...time].sort((a, b) => b[1] - a[1])[0][0];
    assert.equal(col(r.frames![0], 'userId')[0], longest);
    const stranger = (
      await query(c, 'read-a', [
        {
          refId: 'A',
          timeRange: { from: g.truth.start, to: g.truth.end },
          maxDataPoints: 100,
          intervalMs: 1,
          query: { queryType: 'repro', sessionId: g.truth.sessionId, userId: 'nobody' },
        },
      ])
    ).body.results.A;
    assert.equal(stranger.status, 400);
    assert.equal(stranger.error, `user 'nobody' is not in session ${g.truth.sessionId}`);
  });

  test("a session exported as webrtc-internals dumps imports back with every stream's bitrate and loss within 1 %", async () => {
    // A stream's loss: its packets lost over its packets expected (a receiver's expected = received
    // + lost, a sender's = sent), from each sample's packets and loss %. Averaging the samples' loss
    // % instead would not survive any dump: its integer counters put 0.3 % of 330 packets at 0 or 1.
    const figures = async (sessionId: string, userId: string) =>
      c.store.query<StreamFigures>(
        `SELECT stream_id || '|' || coalesce(subscriber_id, '') || '|' || role || '|' || media AS key,
           avg(bitrate_kbps) AS bitrate, 100 * sum(packets * lost) / sum(packets * expected) AS loss, count(*)::int AS samples
         FROM (SELECT *, CASE WHEN role = 'subscriber' THEN loss_pct / (100 - loss_pct) ELSE loss_pct / 100 END AS lost,
                 CASE WHEN role = 'subscriber' THEN 100 / (100 - loss_pct) ELSE 1 END AS expected
               FROM all_quality_samples WHERE project = 'proj-a' AND session_id = $1 AND client_id = $2) s
         GROUP BY 1 ORDER BY 1`,
        [sessionId, userId]
      );
    let streams = 0;
    let worst = 0;
    for (const g of sessions.slice(0, 2)) {
      for (const { clientId } of g.truth.users) {
        const exported = await exportInternals(c.store, 'proj-a', g.truth.sessionId, clientId);
        const path = join(tmp, `${g.truth.sessionId}-${clientId}.json`);
        writeFileSync(path, JSON.stringify(exported.dump));
        const back = await importDump(
          c.store,
          { path, name: 'export.json', size: statSync(path).size },
          { project: 'proj-a', sessionId: `${g.truth.sessionId}-back` }
        );
        assert.equal(back.format, 'webrtc-internals');
        assert.equal(back.peerConnections, Object.keys(exported.dump.PeerConnections).length);
        const original = new Map((await figures(g.truth.sessionId, clientId)).map((f) => [f.key, f]));
        const imported = new Map((await figures(`${g.truth.sessionId}-back`, back.userId)).map((f) => [f.key, f]));
        assert.equal(imported.size, original.size);
        for (const s of exported.series) {
          const before = original.get([s.streamId, s.subscriberId ?? '', s.role, s.media].join('|'));
          const dir = s.role === 'publisher' ? 'out' : 'in';
          const key = [...imported.keys()].find((k) => k.includes(`/${s.pc}/${dir}-${s.media}-${s.ssrc}|`));
          assert.ok(before && key, `${s.streamId} ${s.role} ${s.media}`);
          const after = imported.get(key)!;
          // The import adds the export's first point (a byte, no packet): one sample more, without bitrate or loss.
          assert.equal(after.samples, before.samples + 1);
          const bitrateErr = Math.abs(after.bitrate - before.bitrate) / before.bitrate;
          const lossErr = before.loss > 0 ? Math.abs(after.loss - before.loss) / before.loss : after.loss;
          assert.ok(bitrateErr <= 0.01, `${key}: bitrate ${after.bitrate} vs ${before.bitrate}`);
          assert.ok(lossErr <= 0.01, `${key}: loss ${after.loss} vs ${before.loss}`);
          worst = Math.max(worst, bitrateErr, lossErr);
          streams++;
        }
      }
    }
    assert.ok(streams >= 40, `${streams} streams`);
    console.log(
      `# ${streams} streams re-imported, largest relative difference of bitrate or loss ${(100 * worst).toFixed(3)} %`
    );
  });

  test('collector export writes a user of the embedded store as a dump that imports back; bad arguments are refused', async () => {
    const dir = join(tmp, 'cli');
    const env = { ...process.env, DATA_DIR: join(dir, 'pglite'), DATABASE_URL: '' };
    const dump = join(__dirname, '../../../shared/data/rtcstats/dumps/chrome-standard-pc-reconnect.jsonl');
    const imported = await run(process.execPath, [CLI, 'import', dump, '--project', 'p', '--session', 's'], { env });
    const userId = /user (dump-[0-9a-f]{16})/.exec(imported.stdout)![1];
    const out = join(tmp, 'exported.json');
    const exported = await run(
      process.execPath,
      [CLI, 'export', '--project', 'p', '--session', 's', '--user', userId, '--out', out],
      { env }
    );
    assert.match(exported.stderr, /exported\.json: 3 peer connections, \d+ bytes/);
    assert.equal(Object.keys(JSON.parse(readFileSync(out, 'utf8')).PeerConnections).length, 3);
    const back = await run(process.execPath, [CLI, 'import', out, '--project', 'p', '--session', 'back'], { env });
    // The 6 samples of its 3 series, each after the first point of its series (a byte, no packet).
    assert.match(
      back.stdout,
      /webrtc-internals, user dump-[0-9a-f]{16}, 3 peer connections, \d+ events, 9 quality samples/
    );
    const refused = (args: string[]) =>
      run(process.execPath, [CLI, 'export', ...args], { env }).then(
        () => assert.fail(`export ${args.join(' ')} succeeded`),
        (err: { code: number; stderr: string }) => err
      );
    const missing = await refused(['--project', 'p', '--session', 's']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--user is required/);
    const nobody = await refused(['--project', 'p', '--session', 's', '--user', 'nobody']);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /user nobody has no connection in session s of project p/);
  });
});
