import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

const SHUTDOWN = join(__dirname, '../src/shutdown.ts');

/**
 * A process that shuts down as the collector does (exitIfShutdownStalls at the first signal,
 * then its close) with a close of `closeMs` (-1: one that never ends, as a stuck store's).
 */
async function shuttingDown(closeMs: number, timeoutMs: number) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `const { exitIfShutdownStalls } = require(${JSON.stringify(SHUTDOWN)});
       const alive = setInterval(() => undefined, 1000);
       process.once('SIGTERM', () => {
         exitIfShutdownStalls(${timeoutMs});
         if (${closeMs} >= 0) setTimeout(() => { clearInterval(alive); console.log('closed'); }, ${closeMs});
       });
       console.log('ready');`,
    ],
    {
      env: { ...process.env, TSX_TSCONFIG_PATH: join(__dirname, '../tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  while (!out.includes('ready')) {
    await sleep(20);
  }
  const started = Date.now();
  return {
    signal: (s: NodeJS.Signals) => child.kill(s),
    // A process still running 20 s on is killed, and reported as having no exit status.
    ended: async () => {
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const [code] = await exited;
      clearTimeout(killer);
      return { code, ms: Date.now() - started, out };
    },
  };
}

describe('a shutdown that stalls', () => {
  test('a close that never ends: the process exits with status 1 once the time is up, saying why', async () => {
    const p = await shuttingDown(-1, 400);
    p.signal('SIGTERM');
    const { code, ms, out } = await p.ended();
    assert.equal(code, 1);
    assert.ok(ms >= 400, `not before the time is up (${ms} ms)`);
    assert.match(out, /collector: still shutting down 0.4 s after the signal: exiting without waiting for the store/);
  });

  test('a second signal exits at once', async () => {
    const p = await shuttingDown(-1, 60_000);
    p.signal('SIGTERM');
    await sleep(200);
    p.signal('SIGINT');
    const { code, ms, out } = await p.ended();
    assert.equal(code, 1);
    assert.ok(ms < 10_000, `well before the time is up (${ms} ms)`);
    assert.match(out, /collector: a second signal while shutting down: exiting without waiting for the store/);
  });

  test('a close that ends in time: the process ends by itself, status 0, without waiting out the time', async () => {
    const p = await shuttingDown(100, 60_000);
    p.signal('SIGTERM');
    const { code, ms, out } = await p.ended();
    assert.equal(code, 0);
    assert.ok(ms < 10_000, `not held up by the timer (${ms} ms)`);
    assert.match(out, /closed/);
    assert.doesNotMatch(out, /exiting without waiting/);
  });
});
