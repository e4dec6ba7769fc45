// Reproduction kit benchmark (issue 16, B7): generates the kit of a simulated session's degraded
// downlink (a loss window and a latency window, each replayed alone), runs its Chromium
// field-trial line on a loopback call in Debian's Chromium (tests/browser/loopbackCall.ts, the
// call's own rtcstats dump imported back by our importer) beside the same call without it, and
// compares the loss and RTT the call measured with the session's; then rewrites its own section
// of docs/benchmarks.md.
//   TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/reproKit.ts [seconds per call]
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { importDump } from '../collector/src/importers/importDump';
import { generateSession } from '../collector/src/simulator/generate';
import { planInjected } from '../collector/src/simulator/plan';
import { writeRecords } from '../collector/src/simulator/writer';
import { rowsOf } from '../collector/test/helpers';
import { recordLoopbackCall } from '../tests/browser/loopbackCall';
import { benchQuery, startBenchCollector } from './benchCollector';

const SECONDS = Number(process.argv[2] ?? 60);
const SAMPLE_MS = 10_000;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const DOC = 'docs/benchmarks.md';
const BEGIN = '<!-- bench:repro:begin -->';
const END = '<!-- bench:repro:end -->';

/** How often `needle` occurs in a file, read in chunks (the Chromium binary is ~300 MB). */
async function occurrences(path: string, needle: string): Promise<number> {
  let count = 0;
  let tail = '';
  for await (const chunk of createReadStream(path, { encoding: 'latin1', highWaterMark: 1 << 22 })) {
    const text = tail + (chunk as string);
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      count++;
    }
    tail = text.slice(-(needle.length - 1));
  }
  return count;
}

/** The binary Debian's `/usr/bin/chromium` launcher script runs (`$LIBDIR/$APPNAME`). */
function chromiumBinary(): string {
  const path = realpathSync(CHROMIUM);
  if (statSync(path).size > 1_000_000) {
    return path;
  }
  const script = readFileSync(path, 'utf8');
  const v = (name: string) => new RegExp(`^${name}=(\\S+)`, 'm').exec(script)?.[1] ?? '';
  return `${v('LIBDIR').replace('$APPNAME', v('APPNAME'))}/${v('APPNAME')}`;
}

/** Whether the netem script could run here: a netem qdisc on the loopback of a network namespace of its own. */
function netemHere(): string {
  try {
    execFileSync(
      'unshare',
      ['-n', 'sh', '-c', 'ip link set lo up && tc qdisc add dev lo root netem delay 50ms loss 10%'],
      {
        stdio: 'pipe',
      }
    );
    return 'tc netem runs here (checked in a network namespace of its own)';
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return `tc netem could not be tried here (\`tc qdisc add dev lo root netem\` in a network namespace: ${stderr || String(err)})`;
  }
}

async function main() {
  const c = await startBenchCollector();
  const tmp = mkdtempSync(join(tmpdir(), 'repro-bench-'));
  try {
    const sessions = planInjected({
      seed: 17,
      sessions: 6,
      start: Date.UTC(2026, 10, 20, 6),
      sampleIntervalMs: SAMPLE_MS,
    }).map((spec, i) => generateSession(spec, 170 + i));
    for (const g of sessions) {
      await writeRecords({ url: c.url, token: 'bench-ingest' }, g.records);
    }
    const ask = async (q: Record<string, unknown>, range: { from: number; to: number }) =>
      (await benchQuery(c, q, range, { intervalMs: SAMPLE_MS }))[0].frames ?? [];

    // What a loopback call measured, from its own rtcstats dump: the receiver's loss (packets
    // lost over expected) and the sender's RTT (RTCP, the path the field trial would delay).
    const measured = async (name: string, args: string[]) => {
      const { rtcstats } = await recordLoopbackCall({ seconds: SECONDS, dir: tmp, prefix: `${name}-`, args });
      const sessionId = `loopback-${name}`;
      await importDump(
        c.store,
        { path: rtcstats, name: basename(rtcstats), size: statSync(rtcstats).size },
        { project: 'bench', sessionId }
      );
      const [m] = await c.store.query<{ loss: number | null; rtt: number | null; samples: number }>(
        `SELECT 100 * sum(packets * loss_pct / (100 - loss_pct)) FILTER (WHERE role = 'subscriber')
              / nullif(sum(packets * 100 / (100 - loss_pct)) FILTER (WHERE role = 'subscriber'), 0) AS loss,
            avg(rtt_ms) FILTER (WHERE role = 'publisher') AS rtt, count(*)::int AS samples
         FROM all_quality_samples WHERE project = 'bench' AND session_id = $1`,
        [sessionId]
      );
      return { loss: m.loss ?? 0, rtt: m.rtt ?? 0, samples: m.samples };
    };

    const control = await measured('control', []);
    const rows: string[] = [];
    let met = true;
    for (const metric of ['lossPct', 'rttMs'] as const) {
      const g = sessions.find((x) => x.truth.degradations.some((w) => w.side === 'subscriber' && w.metric === metric));
      if (!g) {
        throw new Error(`no simulated downlink ${metric} window`);
      }
      const w = g.truth.degradations.find((x) => x.side === 'subscriber' && x.metric === metric)!;
      const userId = g.truth.connections.find((x) => x.connectionId === w.connectionId)!.clientId;
      // The kit of the window alone: its steps are the bad minutes only.
      const frames = await ask(
        { queryType: 'repro', sessionId: g.truth.sessionId, userId },
        { from: w.start, to: w.end }
      );
      const kit = rowsOf(frames.find((f) => f.schema.name === 'repro')!)[0];
      const steps = rowsOf(frames.find((f) => f.schema.name === 'replay')!);
      const mean = (k: string) => steps.reduce((a, s) => a + (s[k] as number), 0) / steps.length;
      const session = { loss: mean('lossPct'), rtt: mean('rttMs') };
      const call = await measured(metric, [kit.fieldTrial as string]);
      const within = (a: number, b: number) => Math.abs(a - b) <= 0.3 * b;
      met = met && within(call.loss, session.loss) && within(call.rtt, session.rtt);
      rows.push(
        `| ${metric === 'lossPct' ? 'downlink loss' : 'downlink latency'} window, ${steps.length} steps (\`${String(kit.fieldTrial).slice(0, 90).replaceAll('|', '\\|')}...\`) | ${session.loss.toFixed(2)} % / ${session.rtt.toFixed(0)} ms | ${call.loss.toFixed(2)} % / ${call.rtt.toFixed(1)} ms (${call.samples} samples) |`
      );
      console.log(rows[rows.length - 1]);
    }
    const binary = chromiumBinary();
    const names = await Promise.all(
      ['WebRTC-FakeNetworkReceiveConfig', 'WebRTC-FakeNetworkSendConfig', 'queue_delay_ms'].map(
        async (s) => `\`${s}\` ${await occurrences(binary, s)}`
      )
    );
    const version = readFileSync('/proc/version', 'utf8').split(' ')[2];
    const lines = [
      BEGIN,
      "## Reproduction kit in Debian's Chromium (B7)",
      '',
      `Measured by \`TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/reproKit.ts ${SECONDS}\` on ${new Date().toISOString().slice(0, 10)}, ${CHROMIUM} (${binary}), kernel ${version}.`,
      `The kit of a simulated session's degraded downlink (one injected window, replayed alone) runs as \`--force-fieldtrials\` on a ${SECONDS} s loopback call (tests/browser/loopbackCall.ts: two peer connections, fake camera and microphone); the call's own rtcstats dump is imported back and its receiver's loss and sender's RTT are compared with the session's.`,
      '',
      '| replay | session: loss / RTT | loopback call with the field trial: loss / RTT |',
      '| --- | ---: | ---: |',
      `| none (control) | | ${control.loss.toFixed(2)} % / ${control.rtt.toFixed(1)} ms (${control.samples} samples) |`,
      ...rows,
      '',
      met
        ? "The calls measured loss and RTT within 30 % of the session's."
        : `**Not within 30 %: the field trial has no effect in this Chromium**; the calls measure what the control does. The trial is not in this build: its names do not occur in the binary (occurrences: ${names.join(', ')}), so nothing reads them. The kit's netem script is the replay for a Linux lab machine; ${netemHere()}.`,
      END,
    ];
    let doc = readFileSync(DOC, 'utf8');
    const a = doc.indexOf(BEGIN);
    const b = doc.indexOf(END);
    doc =
      a >= 0 && b > a
        ? doc.slice(0, a) + lines.join('\n') + doc.slice(b + END.length)
        : `${doc.trimEnd()}\n\n${lines.join('\n')}\n`;
    writeFileSync(DOC, doc);
    console.log(lines.join('\n'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await c.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
