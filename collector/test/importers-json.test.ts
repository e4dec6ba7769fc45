import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonScanner, type JsonPath } from '../src/importers/jsonScanner';
import { CollectorError, ErrorCode } from '../src/errors';

// Strings with escapes, braces and quotes inside, numbers of every form, empty containers.
const DOC = {
  skipped: { big: [1, 2, { deep: '}]"' }] },
  PeerConnections: {
    'a-1': {
      stats: { 'x-bytes': { values: '[1,2,3]', statsType: 'outbound-rtp' }, 'y-"q"': -1.5e-3 },
      updateLog: [{ type: 'close', value: 'a\\"b}' }, true, null],
    },
    'b-2': { stats: {}, updateLog: [] },
  },
  UserAgent: 'Mozilla/5.0 (X11) {"not": "json"}',
  n: 12345678901234,
};

function scan(text: string, size: number) {
  const seen: Array<[string, unknown]> = [];
  const closed: string[] = [];
  const s = new JsonScanner(
    'doc.json',
    (p: JsonPath) => (p.length <= 3 && p[0] === 'PeerConnections' ? 'walk' : p[0] === 'skipped' ? 'skip' : 'read'),
    (p, v) => seen.push([p.join('.'), v]),
    (p) => closed.push(p.join('.'))
  );
  for (let i = 0; i < text.length; i += size) {
    s.push(text.slice(i, i + size));
  }
  s.end();
  return { seen, closed };
}

test('the JSON scanner reads the same values whatever the chunk boundaries', () => {
  const text = JSON.stringify(DOC, null, 1);
  const whole = scan(text, text.length);
  assert.deepEqual(whole.seen, [
    ['PeerConnections.a-1.stats.x-bytes', DOC.PeerConnections['a-1'].stats['x-bytes']],
    ['PeerConnections.a-1.stats.y-"q"', -1.5e-3],
    ['PeerConnections.a-1.updateLog.0', { type: 'close', value: 'a\\"b}' }],
    ['PeerConnections.a-1.updateLog.1', true],
    ['PeerConnections.a-1.updateLog.2', null],
    ['UserAgent', DOC.UserAgent],
    ['n', DOC.n],
  ]);
  assert.deepEqual(whole.closed, [
    'PeerConnections.a-1.stats',
    'PeerConnections.a-1.updateLog',
    'PeerConnections.a-1',
    'PeerConnections.b-2.stats',
    'PeerConnections.b-2.updateLog',
    'PeerConnections.b-2',
    'PeerConnections',
    '',
  ]);
  for (const size of [1, 2, 3, 5, 7, 13]) {
    assert.deepEqual(scan(text, size), whole, `chunks of ${size}`);
  }
});

test('the JSON scanner names a cut document and a malformed one', () => {
  const text = JSON.stringify(DOC);
  for (const cut of [1, 40, text.length - 1]) {
    assert.throws(
      () => scan(text.slice(0, cut), 4),
      (e: Error) =>
        e instanceof CollectorError &&
        e.code === ErrorCode.InvalidDump &&
        /the JSON document ends before it is complete \(the dump is truncated\)/.test(e.message)
    );
  }
  assert.throws(() => scan('{"a": 1,}', 3), /doc\.json: not valid JSON at character 9: expected a key, got '}'/);
  assert.throws(() => scan('[1, 2]', 3), /expected '\{' \(a JSON object\), got '\['/);
  assert.throws(() => scan('{"a": 1} x', 3), /unexpected 'x' after the end of the document/);
  assert.throws(() => scan('', 3), /the file holds no JSON document/);
});
