// Runs the README's quick start as a newcomer would: its commands as written, from the
// repository root, on the embedded store. Three deliberate departures, and only these: `npm ci`
// is not run again (this suite runs after it), the demo's store goes to a temporary directory
// on a free port (so a developer's ./data/demo and port 8600 are left alone; the port is
// substituted in the commands), its backfill is cut to a few sessions (DEMO_SESSIONS), and the
// import reads a real Chromium capture where the README names the user's `my-call.rtcstats.gz`.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { SHARED_DATA } from '../../collector/test/sharedData';

const ROOT = resolve(__dirname, '../..');
const DUMP = join(SHARED_DATA, 'chromium/chromium156-two-calls.rtcstats.gz');
const exec = promisify(execFile);

/** Every line of the README's `sh` code blocks, in order. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n').filter(Boolean));
}

function command(lines: string[], pattern: RegExp): string {
  const found = lines.filter((l) => pattern.test(l));
  assert.equal(found.length, 1, `the README has one command matching ${pattern}: ${found.join(' | ')}`);
  return found[0];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise((ok) => server.close(ok));
  return typeof address === 'object' && address ? address.port : 0;
}

interface SessionsAnswer {
  sessions: Array<{ sessionId: string; start: number; end: number; users: number; importedAt: number | null }>;
}

describe('README quick start, as written', () => {
  const lines = readmeCommands();
  const dir = mkdtempSync(join(tmpdir(), 'si-readme-'));
  let port = 0;
  let demo: ChildProcess;
  /** Settles once the demo's command line and every process holding its output have exited. */
  let stopped: Promise<unknown>;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-demo.pid!, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') {
        throw err; // ESRCH: the whole group has exited already
      }
    }
  };
  let out = '';
  const shell = async (line: string) =>
    (await exec('bash', ['-c', line.replaceAll('127.0.0.1:8600', `127.0.0.1:${port}`)], { cwd: ROOT })).stdout;

  before(async () => {
    port = await freePort();
    const demoLine = command(lines, /npm run demo/);
    assert.equal(demoLine, 'npm ci && npm run demo');
    // Its own process group, so that stopping it stops npm and the collector it started.
    demo = spawn('bash', ['-c', demoLine.replace('npm ci && ', '')], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, PORT: String(port), DATA_DIR: join(dir, 'demo'), DEMO_SESSIONS: '6', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stopped = Promise.all([once(demo, 'exit'), once(demo.stdout!, 'close'), once(demo.stderr!, 'close')]);
    demo.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    demo.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`the demo printed no 'ready' in 5 minutes:\n${out}`)), 300_000);
      const check = () => {
        if (/^ready/m.test(out)) {
          clearTimeout(timer);
          ok();
        }
      };
      demo.stdout!.on('data', check);
      demo.once('exit', (code) => fail(new Error(`the demo exited (${code}) before it was ready:\n${out}`)));
    });
  });

  after(async () => {
    // npm exits on SIGTERM before the collector under it has closed its store: the demo has
    // stopped once every process holding its output has exited. Removing the store's directory
    // any earlier pulled it from under a commit, and the embedded store then spun at full CPU
    // for good (a CI run timed out waiting on it).
    signalGroup('SIGTERM');
    // A demo that does not stop is a failure to report, not a suite that hangs (one CI run
    // waited 17 minutes on a collector busy on its store's thread after SIGTERM).
    // Unreferenced, so the test process does not wait out the 60 s once the demo has stopped.
    const inTime = await Promise.race([stopped.then(() => true), sleep(60_000, false, { ref: false })]);
    if (!inTime) {
      signalGroup('SIGKILL');
      await stopped;
    }
    rmSync(dir, { recursive: true, force: true });
    if (!inTime) {
      throw new Error(`the demo did not stop within 60 s of SIGTERM:\n${out.slice(-2000)}`);
    }
  });

  test('the demo shows its tokens and backfill progress, and the first curl lists sessions', async () => {
    assert.match(
      out,
      /tokens: demo-ingest \(ingest into demo\), demo-read \(read demo\), demo-alerts \(save alerted sessions of demo\), demo-admin \(admin\)/
    );
    assert.match(out, /backfill: simulating 6 sessions over the last 6 hours, newest first/);
    assert.match(out, /backfill: 1\/6 sessions, [\d,]+ of [\d,]+ records \(\d+ %\), \d+ s\nready/);
    const answer = JSON.parse(await shell(command(lines, /^curl .*\/api\/v1\/sessions$/))) as SessionsAnswer;
    assert.ok(answer.sessions.length >= 1, `the first curl lists sessions: ${JSON.stringify(answer)}`);
    const ends = answer.sessions.map((s) => s.end);
    assert.deepEqual(
      ends,
      [...ends].sort((a, b) => b - a),
      'newest first'
    );
    assert.ok(ends[0] > Date.now() - 6 * 3_600_000 && ends[0] <= Date.now(), 'within the six hours simulated');
  });

  test("the README's import puts a recorded call into the running demo, and its curl finds it", async () => {
    const importLine = command(lines, /collector\.mjs import/);
    assert.ok(importLine.includes('my-call.rtcstats.gz'));
    const printed = await shell(importLine.replace('my-call.rtcstats.gz', DUMP));
    assert.match(
      printed,
      /rtcstats-v3, user dump-[0-9a-f]{16}, \d+ peer connections, .* stored [1-9]\d*, already there 0; kept until/
    );
    const found = JSON.parse(await shell(command(lines, /^curl .*\?q=my-call/))) as SessionsAnswer;
    assert.equal(found.sessions.length, 1, JSON.stringify(found));
    const [s] = found.sessions;
    assert.equal(s.sessionId, 'my-call');
    assert.equal(s.users, 1);
    assert.ok(s.importedAt !== null && s.importedAt > Date.now() - 600_000, 'listed by its import time');
    assert.ok(s.end < Date.now() - 24 * 3_600_000, 'recorded before the 24 hours the search covers');

    // What the Inspector asks for, through the demo's read token: the session's summary.
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-read', 'content-type': 'application/json' },
      body: JSON.stringify({
        queries: [
          {
            refId: 'A',
            timeRange: { from: s.start - 60_000, to: s.end + 60_000 },
            maxDataPoints: 100,
            intervalMs: 1000,
            query: { queryType: 'summary', sessionId: 'my-call' },
          },
        ],
      }),
    });
    const body = (await res.json()) as {
      results: { A: { frames: Array<{ schema: { fields: Array<{ name: string }> }; data: { values: unknown[][] } }> } };
    };
    const summary = body.results.A.frames[0];
    const users = summary.data.values[summary.schema.fields.findIndex((f) => f.name === 'users')][0];
    assert.equal(users, 1);
  });
});
