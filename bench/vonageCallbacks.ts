// Vonage callback receiver (C3): answer time of POST /api/v1/vonage/callbacks with 50 senders at
// once, each answer given only after its event is committed. The collector runs in this process;
// the senders run in a child process, so their work does not delay the collector's event loop.
// Rewrites its own section of docs/benchmarks.md.
//   TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/vonageCallbacks.ts
// With TEST_DATABASE_URL set, PostgreSQL is measured beside PGlite in the same run.
import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { hashToken } from '../collector/src/config/config';
import { startServer } from '../collector/src/server';
import { writeBenchSection } from './benchDoc';

const SENDERS = 50;
const PER_SENDER = 40;
/** Warm-up callbacks per sender: they also open the senders' connections before the clock starts. */
const WARMUP_PER_SENDER = 2;
const WARMUP = SENDERS * WARMUP_PER_SENDER;
const PLAIN = 'bench-callback-plain-0123456789';
const SIGNED = 'bench-callback-signed-0123456789';
const SIGNATURE = 'bench-signature-secret-0123456789';

interface LoadResult {
  latencies: number[];
  failures: number;
  wallMs: number;
}

/** The senders (child process): 50 loops, each posting its callbacks one after another. */
async function load(url: string, secret: string, signed: boolean, run: string): Promise<void> {
  const body = (sender: number, i: number) => {
    const id = `${run}-${sender}-${i}`;
    const connection = { id: `conn-${id}`, createdAt: Date.now(), data: `user-${sender}` };
    // The four documented events in turn, each on its own connection or stream.
    const events = [
      { event: 'connectionCreated', connection },
      {
        event: 'streamCreated',
        stream: { id: `stream-${id}`, connection, createdAt: Date.now(), name: '', videoType: 'camera' },
      },
      {
        event: 'streamDestroyed',
        reason: 'clientDisconnected',
        stream: { id: `stream-${id}`, connection, createdAt: Date.now(), name: '', videoType: 'camera' },
      },
      { event: 'connectionDestroyed', reason: 'clientDisconnected', connection },
    ];
    return JSON.stringify({
      sessionId: `bench-${run}-${sender % 10}`,
      projectId: '123456',
      timestamp: Date.now(),
      ...events[i % 4],
    });
  };
  // Every body and its signature is made before the clock starts: Vonage's forwarder does that
  // work on its own machines, and here it would take the 2 cores from the collector.
  const request = async (sender: number, i: number) => {
    const text = body(sender, i);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
    };
    if (signed) {
      const jwt = await new SignJWT({
        payload_hash: createHash('sha256').update(text).digest('hex'),
        api_key: '123456',
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer('Vonage')
        .setIssuedAt()
        .setJti(randomUUID())
        .sign(new TextEncoder().encode(SIGNATURE));
      headers.authorization = `Bearer ${jwt}`;
    }
    return { text, headers };
  };
  // Kept-alive connections, one per sender, as a forwarder would hold them.
  const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  const target = new URL(`${url}/api/v1/vonage/callbacks?secret=${secret}`);
  const post = ({ text, headers }: { text: string; headers: Record<string, string> }) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(target, { method: 'POST', headers, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(text);
    });
  const send = async (prepared: { text: string; headers: Record<string, string> }, timed: LoadResult | undefined) => {
    const t0 = performance.now();
    const status = await post(prepared);
    if (timed) {
      timed.latencies.push(performance.now() - t0);
      if (status !== 200) {
        timed.failures++;
      }
    }
  };
  const prepare = (count: number, from: number) =>
    Promise.all(
      Array.from({ length: SENDERS }, (_, sender) =>
        Promise.all(Array.from({ length: count }, (_, i) => request(sender, from + i)))
      )
    );
  const warmup = await prepare(WARMUP_PER_SENDER, PER_SENDER);
  const prepared = await prepare(PER_SENDER, 0);
  await Promise.all(
    warmup.map(async (mine) => {
      for (const w of mine) {
        await send(w, undefined);
      }
    })
  );
  const result: LoadResult = { latencies: [], failures: 0, wallMs: 0 };
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async (_, sender) => {
      for (const p of prepared[sender]) {
        await send(p, result);
      }
    })
  );
  result.wallMs = performance.now() - t0;
  agent.destroy();
  process.stdout.write(JSON.stringify(result));
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function measure(store: 'PGlite' | 'PostgreSQL', signed: boolean) {
  const databaseUrl = store === 'PostgreSQL' ? process.env.TEST_DATABASE_URL : undefined;
  const c = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      databaseUrl,
      dataDir: 'memory://',
      tokens: [],
      meetingIdleGapMs: 600_000,
      retentionDays: 20,
      savedRetentionMonths: 24,
      purgeIntervalMs: 0,
      schema: databaseUrl ? `si_bench_${randomBytes(4).toString('hex')}` : undefined,
    },
    [
      { project: 'bench', vonageProjectId: '123456', callbackSecretSha256: hashToken(PLAIN) },
      {
        project: 'bench',
        vonageProjectId: '123456',
        callbackSecretSha256: hashToken(SIGNED),
        signatureSecret: SIGNATURE,
      },
    ]
  );
  try {
    const run = randomBytes(3).toString('hex');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', __filename, '--load', c.url, signed ? SIGNED : PLAIN, String(signed), run],
      { maxBuffer: 64 * 1024 * 1024, env: process.env }
    );
    const r = JSON.parse(stdout) as LoadResult;
    const [{ n }] = await c.store.query<{ n: number }>(
      `SELECT count(*)::float8 AS n FROM events WHERE project = 'bench'`
    );
    const sorted = [...r.latencies].sort((a, b) => a - b);
    return {
      store,
      signed,
      requests: r.latencies.length,
      failures: r.failures,
      stored: n - WARMUP,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1],
      perSecond: (r.latencies.length / r.wallMs) * 1000,
    };
  } finally {
    await c.close();
  }
}

async function main() {
  if (process.argv[2] === '--load') {
    const [, , , url, secret, signed, run] = process.argv;
    return load(url, secret, signed === 'true', run);
  }
  const stores: Array<'PGlite' | 'PostgreSQL'> = process.env.TEST_DATABASE_URL ? ['PGlite', 'PostgreSQL'] : ['PGlite'];
  const rows = [];
  for (const store of stores) {
    for (const signed of [false, true]) {
      console.error(`measuring ${store}, ${signed ? 'signed' : 'unsigned'}...`);
      rows.push(await measure(store, signed));
    }
  }
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const lines = [
    '## Vonage callbacks (C3): answer time with 50 senders at once',
    '',
    `Measured by \`TSX_TSCONFIG_PATH=collector/tsconfig.json node --import tsx bench/vonageCallbacks.ts\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at the end.`,
    `${SENDERS} senders in another process each post ${PER_SENDER} callbacks one after another (the four documented events in turn, ${SENDERS * PER_SENDER} in all, after ${WARMUP} warm-up ones) to a collector on loopback.`,
    'Each 200 is sent only after the event is committed (group commit); "signed" adds the secure-callback JWT check (HS256 and payload hash).',
    'Vonage switches callbacks off after 50 failures in 30 minutes; the goal is every answer 200 and p99 under 50 ms.',
    '',
    '| store | callbacks | answers | not 200 | stored | p50 | p90 | p99 | max | callbacks/s |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.store} | ${r.signed ? 'signed' : 'unsigned'} | ${r.requests} | ${r.failures} | ${r.stored} | ${ms(r.p50)} | ${ms(r.p90)} | ${ms(r.p99)} | ${ms(r.max)} | ${Math.round(r.perSecond)} |`
    ),
  ];
  const section = writeBenchSection('vonageCallbacks', lines);
  console.log(section);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
