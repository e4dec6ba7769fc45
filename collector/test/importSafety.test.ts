import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Limits, REST } from '@model';
import { checkDump, importDump } from '../src/importers/importDump';
import { readText } from '../src/importers/textSource';
import type { RunningCollector } from '../src/server';
import type { Store } from '../src/store/store';
import { assertRefused, countRows, startTestCollector } from './helpers';

const P2P = join(__dirname, '../../../shared/data/rtcstats/dumps/google-standard-stats-p2p.jsonl');
const SFU = join(__dirname, '../../../shared/data/rtcstats/dumps/google-standard-stats-sfu.jsonl');

const counts = async (c: RunningCollector) => [
  await countRows(c, 'events'),
  await countRows(c, 'quality_samples'),
  await countRows(c, 'users'),
];

/**
 * A real legacy rtcstats dump and `copies` more of its peer connections (renamed, so their
 * records are new): about 680 records per copy, more than one 2,000-record write in all.
 */
function biggerDump(copies: number): string {
  const lines = readFileSync(P2P, 'utf8').trimEnd().split('\n');
  const out = [...lines];
  for (let k = 1; k <= copies; k++) {
    out.push(...lines.filter((l) => /^\["[^"]+","PC_/.test(l)).map((l) => l.replace(/"PC_(\d)"/, `"PC_$1_copy${k}"`)));
  }
  return `${out.join('\n')}\n`;
}

describe('imports are bounded (security finding 4)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'si-import-limits-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return { path, name, size: statSync(path).size };
  };

  test('30 KB of gzip’ed white space is refused after reading at most the detection limit', async () => {
    const blank = file('blank.gz', gzipSync(Buffer.alloc(30 * 1024 * 1024, 0x20), { level: 9 }));
    assert.ok(blank.size < 64 * 1024, `${blank.size} bytes of gzip`);
    await assert.rejects(
      checkDump(blank, 'blank'),
      (err: Error & { code?: string }) =>
        err.code === 'invalid_dump' &&
        err.message.includes(`only white space in its first ${Limits.maxImportDetectBytes} characters`)
    );
  });

  test('text past the decompressed limit is a 413, however small the gzip', async () => {
    const bomb = file('bomb.gz', gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20)));
    let read = 0;
    await assert.rejects(
      (async () => {
        for await (const chunk of readText(bomb, undefined, 1024 * 1024)) {
          read += chunk.length;
        }
      })(),
      (err: Error & { status?: number; code?: string }) => err.status === 413 && err.code === 'too_large'
    );
    assert.ok(read <= 1024 * 1024, `${read} characters were let through`);
  });

  test('plain text past the limit is a 413 too, read whole or streamed', async () => {
    const big = file('big.jsonl', Buffer.alloc(2 * 1024 * 1024, 0x20));
    for (const f of [big, { ...big, size: Limits.importWholeReadBytes + 1 }]) {
      await assert.rejects(
        (async () => {
          for await (const chunk of readText(f, undefined, 1024 * 1024)) {
            assert.ok(chunk.length <= 1024 * 1024);
          }
        })(),
        (err: Error & { status?: number }) => err.status === 413
      );
    }
  });

  test('the text read whole, or streamed when the file grew since its size was taken, is the file: characters cut by a slice kept', async () => {
    // Two-byte characters: the 256 KB slices of a whole read cut some of them in two.
    const text = `${'é'.repeat(300_000)}\n${'ü'.repeat(200_001)}\n`;
    const f = file('accents.jsonl', Buffer.from(text, 'utf8'));
    const read = async (x: typeof f) => {
      let out = '';
      let progress = 0;
      for await (const chunk of readText(x, (bytes) => (progress = bytes))) {
        out += chunk;
      }
      return { out, progress };
    };
    assert.deepEqual(await read(f), { out: text, progress: f.size });
    assert.deepEqual(await read({ ...f, size: f.size - 10 }), { out: text, progress: f.size });
  });

  test('ASCII read as Latin-1 beside UTF-8 pieces gives the text UTF-8 decoding gives, cut characters and a broken one included', async () => {
    const piece = 16 * 1024;
    const bytes = Buffer.concat([
      Buffer.from('a'.repeat(piece - 1)),
      Buffer.from('é€', 'utf8'), // cut by the first piece's end
      Buffer.from('b'.repeat(3 * piece - 6)),
      Buffer.from([0xe2, 0x82]), // a character that never ends, its piece's last bytes; ASCII pieces follow
      Buffer.from(`${'c'.repeat(2 * piece)}\n["x","ü"]\n`),
      Buffer.from('d'.repeat(300 * 1024)), // past the first 256 KB slice
      Buffer.from('😀 end\n', 'utf8'),
    ]);
    const f = file('mixed.jsonl', bytes);
    let out = '';
    for await (const chunk of readText(f)) {
      out += chunk;
    }
    assert.equal(out, bytes.toString('utf8'));
    assert.equal(out.split('\ufffd').length, 2, 'one replacement character, for the broken one');
  });

  test('the upload of gzip’ed white space is a 400 and stores nothing', async () => {
    const c = await startTestCollector();
    try {
      const before = await counts(c);
      const res = await fetch(`${c.url}${REST.import}?session=blank`, {
        method: 'POST',
        headers: { authorization: 'Bearer ingest-a', 'content-type': 'application/gzip' },
        body: new Uint8Array(gzipSync(Buffer.alloc(30 * 1024 * 1024, 0x20))),
      });
      assertRefused({ status: res.status, body: await res.json() }, 400, 'body');
      assert.deepEqual(await counts(c), before);
    } finally {
      await c.close();
    }
  });
});

describe('a failed import stores nothing (security finding 5)', () => {
  let c: RunningCollector;
  let dir: string;
  before(async () => {
    c = await startTestCollector();
    dir = mkdtempSync(join(tmpdir(), 'si-import-atomic-'));
  });
  after(async () => {
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a dump whose last peer connection id holds U+0000 is a 400 before any write', async () => {
    const bad = `${biggerDump(3)}["create","PC_\\u0000",{"iceServers":[]},1605197702000]\n`;
    const before = await counts(c);
    const res = await fetch(`${c.url}${REST.import}?session=nul-pc`, {
      method: 'POST',
      headers: { authorization: 'Bearer ingest-a', 'content-type': 'application/octet-stream' },
      body: bad,
    });
    const body = (await res.json()) as { error: string };
    assertRefused({ status: res.status, body }, 400, 'body');
    assert.match(body.error, /U\+0000/);
    assert.deepEqual(await counts(c), before);
  });

  test('a store failing in the middle of the writes: what the import added is taken back', async () => {
    // Another participant's dump is already in the session (the same page twice would be refused).
    const other = { path: SFU, name: basename(SFU), size: statSync(SFU).size };
    const first = await importDump(c.store, other, { project: 'proj-a', sessionId: 'fails-later' });
    assert.ok(first.accepted > 0);
    const path2 = join(dir, 'p2p-x5.jsonl');
    writeFileSync(path2, biggerDump(4));
    const dump2 = { path: path2, name: 'p2p-x5.jsonl', size: statSync(path2).size };
    const before = await counts(c);
    let writes = 0;
    const failing: Store = {
      ...c.store,
      kind: c.store.kind,
      query: c.store.query.bind(c.store),
      close: c.store.close.bind(c.store),
      // Every batch through `tx`, here, even on PGlite (which would write it on its own thread).
      writeBatch: undefined,
      tx: (fn) => {
        writes++;
        return writes === 2 ? Promise.reject(new Error('the disk is full')) : c.store.tx(fn);
      },
    };
    await assert.rejects(importDump(failing, dump2, { project: 'proj-a', sessionId: 'fails-later' }), /disk is full/);
    assert.ok(writes >= 2);
    assert.deepEqual(
      await counts(c),
      before,
      'the rows of the failed import are gone; the earlier import is untouched'
    );
  });
});
