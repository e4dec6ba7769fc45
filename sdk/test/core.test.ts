import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { IngestRecord } from '../../collector/src/model/records';
import type { RunningCollector } from '../../collector/src/server';
import { startTestCollector } from '../../collector/test/helpers';
import { init, version } from '../src/index';
import { resolveOptions } from '../src/options';
import { maskIp } from '../src/privacy';

describe('options', () => {
  test('defaults: 5 s polls, batches of 100 within 1 s, 5000 records kept, no IP addresses', () => {
    const o = resolveOptions({ collectorUrl: 'https://collector.example:8600', token: 't' });
    assert.equal(o.ingestUrl, 'https://collector.example:8600/api/v1/ingest');
    assert.deepEqual(
      [
        o.statsIntervalMs,
        o.maxRecords,
        o.maxDelayMs,
        o.bufferSize,
        o.initialRetryMs,
        o.maxRetryMs,
        o.requestTimeoutMs,
        o.ipAddresses,
      ],
      [5000, 100, 1000, 5000, 1000, 30_000, 30_000, false]
    );
    assert.equal(
      resolveOptions({ collectorUrl: 'https://c.example/base/', token: 't' }).ingestUrl,
      'https://c.example/base/api/v1/ingest'
    );
  });

  test('stats are never read more often than once a second', () => {
    assert.equal(
      resolveOptions({ collectorUrl: 'https://c.example', token: 't', statsIntervalMs: 200 }).statsIntervalMs,
      1000
    );
  });

  test('a bad option throws naming it', () => {
    assert.throws(
      () => resolveOptions({ collectorUrl: 'collector', token: 't' }),
      /collectorUrl must be an absolute URL/
    );
    assert.throws(
      () => resolveOptions({ collectorUrl: 'https://c.example', token: '' }),
      /token must be the project ingest token/
    );
    assert.throws(
      () => resolveOptions({ collectorUrl: 'https://c.example', token: 't', bufferSize: 10 }),
      /bufferSize must be a number of at least 200/
    );
    assert.throws(
      () => resolveOptions({ collectorUrl: 'https://c.example', token: 't', statsIntervalMs: NaN }),
      /statsIntervalMs/
    );
  });

  test('the version is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(version, pkg.version);
  });
});

describe('privacy', () => {
  test('IP addresses are masked to /24 and /48; anything else is not sent', () => {
    assert.equal(maskIp('203.0.113.77'), '203.0.113.0/24');
    assert.equal(maskIp('2001:db8:85a3::8a2e:370:7334'), '2001:db8:85a3::/48');
    assert.equal(maskIp('2001:0db8:0000:0042::1'), '2001:db8:0::/48');
    assert.equal(maskIp('fe80::1'), 'fe80:0:0::/48');
    for (const other of [
      'abcd-1234.local',
      '999.1.1.1',
      'example.com',
      '',
      undefined,
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
    ]) {
      assert.equal(maskIp(other), undefined, String(other));
    }
  });
});

describe('records', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  const events = (session: string) =>
    c.store.query<{ action: string; reason: string | null; message: string | null; detail: unknown }>(
      `SELECT action, reason, message, detail FROM events WHERE session_id = $1 ORDER BY ts, id`,
      [session]
    );

  test('rate and mark: checked on the page, stored with the session and user', async () => {
    const si = init({ collectorUrl: c.url, token: 'ingest-a', sessionId: 'core-rate', userId: 'u-rate' });
    assert.throws(() => si.rate(0), /score must be an integer from 1 to 5, got 0/);
    assert.throws(() => si.rate(4.5), /score must be an integer from 1 to 5/);
    assert.throws(() => si.mark(''), /name must be a string of 1 to 128 characters/);
    assert.throws(() => si.mark('m', { big: 'x'.repeat(5000) }), /at most 4096 bytes/);
    si.rate(2, 'video froze');
    si.mark('screen-share-started', { window: 'slides' });
    await si.close();
    assert.deepEqual(await events('core-rate'), [
      { action: 'rating', reason: '2/5', message: 'video froze', detail: { score: 2 } },
      { action: 'mark', reason: 'screen-share-started', message: null, detail: { window: 'slides' } },
    ]);
  });

  test('records made before the session id is known wait for it', async () => {
    const si = init({ collectorUrl: c.url, token: 'ingest-a', userId: 'u-late' });
    si.mark('before');
    assert.equal(si.diagnostics().pending, 1);
    si.setSession('core-late');
    si.mark('after');
    await si.close();
    assert.deepEqual(
      (await events('core-late')).map((e) => e.reason),
      ['before', 'after']
    );
  });

  test('switched-off kinds are never recorded; beforeSend sees and may drop or change each record', async () => {
    const seen: IngestRecord[] = [];
    const si = init({
      collectorUrl: c.url,
      token: 'ingest-a',
      sessionId: 'core-privacy',
      privacy: { disabled: ['mark'] },
      beforeSend: (r) => {
        seen.push(r);
        return r.kind === 'rating' && r.score === 1 ? null : { ...r, clientId: 'renamed' };
      },
    });
    si.mark('hidden');
    si.rate(1);
    si.rate(3);
    await si.close();
    assert.deepEqual(
      seen.map((r) => r.kind),
      ['rating', 'rating']
    );
    const rows = await c.store.query<{ client_id: string; reason: string }>(
      `SELECT client_id, reason FROM events WHERE session_id = 'core-privacy'`
    );
    assert.deepEqual(rows, [{ client_id: 'renamed', reason: '3/5' }]);
  });
});
