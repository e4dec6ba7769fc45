// The demo's store on disk: runs `collector demo` (its default backfill: 60 sessions over six
// hours) on a fresh embedded store, as a newcomer's `npm run demo` does, and measures the store
// directory once the backfill is written, the backfill's duration and the collector's peak
// memory. With `--before <git ref>` the same is measured first on that commit (checked out in a
// temporary git worktree), so both figures come from one run on one machine.
//   node --import tsx bench/demoStore.ts [--before <ref>]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const DOC = join(ROOT, 'docs/benchmarks.md');
const BEGIN = '<!-- bench:demoStore:begin -->';
const END = '<!-- bench:demoStore:end -->';
const MB = 1024 * 1024;

interface Figures {
  label: string;
  records: number;
  seconds: number;
  totalMb: number;
  dataMb: number;
  walMb: number;
  peakRssMb: number;
}

function bytesUnder(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) {
    return s.size;
  }
  return readdirSync(path).reduce((n, name) => n + bytesUnder(join(path, name)), 0);
}

/** Peak resident memory of a live process (Linux). */
function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function measure(label: string, checkout: string): Promise<Figures> {
  const dir = mkdtempSync(join(os.tmpdir(), 'si-demo-store-'));
  const started = Date.now();
  const child = spawn(process.execPath, [join(checkout, 'collector/bin/collector.mjs'), 'demo'], {
    cwd: checkout,
    env: { ...process.env, DATA_DIR: dir, PORT: '0', DATABASE_URL: '', COLLECTOR_TOKENS: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const records = await new Promise<number>((ok, fail) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        // Printed by the simulator once every backfilled record is stored (old and new code).
        const done = /^backfill: \d+ sessions, (\d+) records/m.exec(out);
        if (done) {
          ok(Number(done[1]));
        }
      });
      child.once('exit', (code) =>
        fail(new Error(`${label}: the demo exited (${code}) before its backfill ended:\n${out}`))
      );
    });
    const figures: Figures = {
      label,
      records,
      seconds: (Date.now() - started) / 1000,
      totalMb: bytesUnder(dir) / MB,
      dataMb: bytesUnder(join(dir, 'base')) / MB,
      walMb: bytesUnder(join(dir, 'pg_wal')) / MB,
      peakRssMb: peakRss(child.pid!),
    };
    console.error(JSON.stringify(figures));
    return figures;
  } finally {
    const exited = new Promise((ok) => child.once('exit', ok));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A temporary worktree of `ref` that shares this checkout's node_modules. */
function checkoutOf(ref: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(os.tmpdir(), 'si-demo-before-'));
  rmSync(path, { recursive: true });
  execFileSync('git', ['worktree', 'add', '--detach', path, ref], { cwd: ROOT, stdio: 'ignore' });
  symlinkSync(join(ROOT, 'node_modules'), join(path, 'node_modules'));
  return {
    path,
    remove: () => execFileSync('git', ['worktree', 'remove', '--force', path], { cwd: ROOT, stdio: 'ignore' }),
  };
}

async function main() {
  const i = process.argv.indexOf('--before');
  const results: Figures[] = [];
  if (i > 0) {
    const ref = process.argv[i + 1];
    const before = checkoutOf(ref);
    try {
      const sha = execFileSync('git', ['rev-parse', '--short', ref], { cwd: ROOT }).toString().trim();
      results.push(await measure(`before (${sha})`, before.path));
    } finally {
      before.remove();
    }
  }
  results.push(await measure('this commit', ROOT));
  const base = results[0];
  const rows = results.map(
    (f) =>
      `| ${f.label} | ${f.records.toLocaleString('en-US')} | ${f.totalMb.toFixed(0)} MB | ${f.dataMb.toFixed(0)} MB | ${f.walMb.toFixed(0)} MB | ${(f.totalMb / base.totalMb).toFixed(2)} | ${f.seconds.toFixed(0)} s | ${f.peakRssMb.toFixed(0)} MB |`
  );
  const section = [
    BEGIN,
    "## The demo's embedded store on disk",
    '',
    `Measured by \`node --import tsx bench/demoStore.ts${i > 0 ? ` --before ${process.argv[i + 1]}` : ''}\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}.`,
    '`collector demo` on a fresh PGlite directory, its default backfill (60 sessions over six hours, a quality sample every 10 s), measured when the backfill is stored, with the collector still running (as a newcomer sees it).',
    '"Data" is the tables and indexes (`base/`), "log" the write-ahead log (`pg_wal/`); the rest of the directory is a few MB of PostgreSQL bookkeeping.',
    '',
    '| code | records | directory | data | log | vs first row | backfill | peak RSS |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    END,
  ].join('\n');
  const doc = readFileSync(DOC, 'utf8');
  writeFileSync(
    DOC,
    doc.includes(BEGIN)
      ? doc.replace(new RegExp(`${BEGIN}[\\s\\S]*?${END}`), section)
      : `${doc.trimEnd()}\n\n${section}\n`
  );
  console.log(section);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
