import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Limits, REST } from '@model';
import type { ImportResult } from '../src/importers/importDump';
import type { RunningCollector } from '../src/server';
import { countRows, slowIngest, startTestCollector } from './helpers';
import { SHARED_DATA } from './sharedData';

const DATA = SHARED_DATA;
const INTERNALS = join(DATA, 'chromium/chromium156-two-calls.webrtc-internals.json.gz');
const CLI = join(__dirname, '../bin/collector.mjs');
const run = promisify(execFile);

async function post(c: RunningCollector, qs: string, body: Buffer, token?: string) {
  const res = await fetch(`${c.url}${REST.import}?${qs}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as ImportResult & { error?: string } };
}

const counts = async (c: RunningCollector) => [
  await countRows(c, 'events'),
  await countRows(c, 'quality_samples'),
  await countRows(c, 'users'),
];

describe('dump upload endpoint and CLI', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  test('a gzip webrtc-internals dump uploaded with the ingest token lands in the session', async () => {
    const res = await post(c, 'session=up-1&format=auto', readFileSync(INTERNALS), 'ingest-a');
    assert.equal(res.status, 200, res.body.error);
    assert.equal(res.body.format, 'webrtc-internals');
    assert.equal(res.body.peerConnections, 2);
    assert.equal(res.body.accepted, res.body.events + res.body.samples);
    const stored = await c.store.query<{ n: number }>(
      `SELECT count(*)::float8 AS n FROM all_quality_samples WHERE project = 'proj-a' AND session_id = 'up-1' AND source = 3`
    );
    assert.equal(stored[0].n, res.body.samples, 'every sample is stored with source import (code 3)');
  });

  test('refusals name what was wrong and store nothing', async () => {
    const dump = readFileSync(INTERNALS);
    const before = await counts(c);
    const cases: Array<[string, Buffer, string | undefined, number, RegExp]> = [
      ['session=x', dump, undefined, 401, /missing bearer token/],
      ['session=x', dump, 'read-a', 403, /a read token cannot ingest/],
      ['format=auto', dump, 'ingest-a', 400, /query parameter 'session' is required/],
      [
        'session=x&format=har',
        dump,
        'ingest-a',
        400,
        /'format' must be one of auto, rtcstats, rtcstats-v3, webrtc-internals/,
      ],
      [
        'session=x&format=rtcstats',
        dump,
        'ingest-a',
        400,
        /format rtcstats was asked for, but the file is a webrtc-internals dump/,
      ],
      ['session=x&name=cut.gz', dump.subarray(0, 20000), 'ingest-a', 400, /cut\.gz: the gzip data is truncated/],
      [
        'session=x',
        Buffer.from('{"kind":"FeatureCollection","features":[]}'),
        'ingest-a',
        400,
        /not a webrtc-internals dump/,
      ],
      ['session=x', Buffer.alloc(0), 'ingest-a', 400, /the file is empty/],
    ];
    for (const [qs, body, token, status, message] of cases) {
      const res = await post(c, qs, body, token);
      assert.equal(res.status, status, `${qs}: ${res.body.error}`);
      assert.match(String(res.body.error), message);
    }
    assert.deepEqual(await counts(c), before);
  });

  test('a dump over the size limit is refused with 413 and stores nothing', async () => {
    const before = await counts(c);
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > Limits.maxImportBytes) {
          controller.close();
          return;
        }
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${c.url}${REST.import}?session=big`, {
      method: 'POST',
      headers: { authorization: 'Bearer ingest-a', 'content-type': 'application/octet-stream' },
      body,
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 413);
    assert.deepEqual(await res.json(), {
      error: `the dump is larger than ${Limits.maxImportBytes} bytes, the upload limit`,
      code: 'too_large',
      field: 'body',
    });
    assert.deepEqual(await counts(c), before);
  });

  test('collector import uploads with progress lines, and a second run stores nothing new', async () => {
    const args = [
      CLI,
      'import',
      INTERNALS,
      '--project',
      'proj-a',
      '--session',
      'cli-1',
      '--url',
      c.url,
      '--token',
      'ingest-a',
    ];
    const first = await run(process.execPath, args);
    assert.match(first.stderr, /uploading 100% \(\d+ of \d+ bytes\)/);
    const stored = /stored (\d+), already there 0/.exec(first.stdout);
    assert.ok(stored, first.stdout);
    const again = await run(process.execPath, args);
    assert.match(again.stdout, new RegExp(`stored 0, already there ${stored[1]}`));
  });

  test('an upload refused with 429 while ingest is saturated waits as Retry-After says, then is stored', async () => {
    const busy = await startTestCollector({ ingestMaxQueueMs: 1, ingestWriters: 1 });
    try {
      // A batch in flight: any other is refused (429, Retry-After: 1) until it is answered.
      const held = await slowIngest(busy, JSON.stringify({ records: [] }));
      const upload = run(process.execPath, [
        CLI,
        'import',
        INTERNALS,
        '--project',
        'proj-a',
        '--session',
        'cli-busy',
        '--url',
        busy.url,
        '--token',
        'ingest-a',
      ]);
      setTimeout(() => held.socket.destroy(), 1500);
      const done = await upload;
      assert.match(
        done.stderr,
        /the collector is saturated: sending chromium156-two-calls\.webrtc-internals\.json\.gz again in 1 s/
      );
      const stored = /stored (\d+), already there 0/.exec(done.stdout);
      assert.ok(stored && Number(stored[1]) > 0, done.stdout);
    } finally {
      await busy.close();
    }
  });

  test('collector import writes to the embedded store and reports a bad file with exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'si-cli-'));
    try {
      const env = { ...process.env, DATA_DIR: join(dir, 'pglite'), DATABASE_URL: '' };
      const ok = await run(
        process.execPath,
        [
          CLI,
          'import',
          join(DATA, 'rtcstats/dumps/chrome-standard-pc-reconnect.jsonl'),
          '--project',
          'p',
          '--session',
          's',
        ],
        { env }
      );
      assert.match(ok.stderr, /checking 100%/);
      assert.match(
        ok.stdout,
        /rtcstats, user dump-[0-9a-f]{16}, 3 peer connections, \d+ events, 6 quality samples; stored \d+, already there 0/
      );
      const bad = await run(
        process.execPath,
        [CLI, 'import', join(DATA, 'rtcstats/README.md'), '--project', 'p', '--session', 's'],
        { env }
      ).then(
        () => assert.fail('a README is not a dump'),
        (err: { code: number; stderr: string }) => err
      );
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /import failed, nothing stored: README\.md: not a dump this importer reads/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
