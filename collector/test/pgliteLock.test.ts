import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SessionBuilder, T0 } from './fixtures';
import { countRows, ingest, startTestCollector } from './helpers';

const BIN = join(__dirname, '../bin/collector.mjs');

/** Runs `collector serve` on `dataDir` until it exits or 20 s pass; its exit code and stderr. */
function serve(dataDir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0', PURGE_INTERVAL_MS: '0' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('one PGlite directory, one collector (security finding 3)', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'si-lock-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('a second collector on the directory refuses to start, naming the first; the first keeps its data', async () => {
    const dataDir = dir();
    const first = await startTestCollector({ databaseUrl: undefined, schema: undefined, dataDir });
    try {
      const records = new SessionBuilder('locked').user('u1', T0).records();
      assert.equal((await ingest(first, 'ingest-a', records)).status, 200);
      const other = await serve(dataDir);
      assert.notEqual(other.code, 0);
      assert.match(other.stderr, new RegExp(`in use by another collector \\(pid ${process.pid}\\)`));
      await assert.rejects(
        startTestCollector({ databaseUrl: undefined, schema: undefined, dataDir }),
        /in use by another collector/
      );
      assert.equal(await countRows(first, 'events'), records.length);
      assert.equal(JSON.parse(readFileSync(join(dataDir, 'collector.lock'), 'utf8')).pid, process.pid);
    } finally {
      await first.close();
    }
    assert.equal(existsSync(join(dataDir, 'collector.lock')), false, 'the lock is released on close');
  });

  test('a lock left by a process that is gone, or cut short, is taken over', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout.trim());
    for (const stale of [JSON.stringify({ pid: deadPid, host: hostname() }), '']) {
      const dataDir = dir();
      writeFileSync(join(dataDir, 'collector.lock'), stale);
      const c = await startTestCollector({ databaseUrl: undefined, schema: undefined, dataDir });
      try {
        assert.equal(JSON.parse(readFileSync(join(dataDir, 'collector.lock'), 'utf8')).pid, process.pid);
      } finally {
        await c.close();
      }
    }
  });
});
