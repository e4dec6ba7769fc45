import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sessionQualityBand } from '@model';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { col, http, ingest, query, startTestCollector } from './helpers';

/** The sessions list's network column: the share of a session's samples with a poor network. */
describe('sessions search: share of samples with a poor network', () => {
  let c: RunningCollector;
  const range = { from: T0 - 60_000, to: T0 + 3_600_000 };
  before(async () => {
    c = await startTestCollector();
    const rough = new SessionBuilder('net-rough').user('a', T0, 'st-a').user('b', T0 + 10);
    // 20 samples: 5 with loss over 5 %, 3 with a round trip over 300 ms, 1 with both, 11 fine.
    for (let i = 0; i < 20; i++) {
      rough.sample({
        ts: T0 + 5_000 * i,
        clientId: 'a',
        streamId: 'st-a',
        role: 'publisher',
        media: 'video',
        bitrateKbps: 20, // a low bitrate alone is not a poor network (a muted stream)
        lossPct: i < 6 ? 8 : 5,
        rttMs: i >= 5 && i < 9 ? 400 : 300,
      });
    }
    const calm = new SessionBuilder('net-calm').user('c', T0, 'st-c');
    calm.sample({ ts: T0 + 1000, clientId: 'c', streamId: 'st-c', role: 'publisher', media: 'audio', lossPct: 0 });
    const silent = new SessionBuilder('net-none').user('d', T0);
    const res = await ingest(c, 'ingest-a', [...rough.records(), ...calm.records(), ...silent.records()]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });
  after(async () => c.close());

  test('the REST search and the sessions frame give each session its share, null without samples', async () => {
    const rest = await http<{ sessions: Array<{ sessionId: string; poorPct: number | null }> }>(
      `${c.url}/api/v1/sessions?from=${range.from}&to=${range.to}&q=net-`,
      { token: 'read-a' }
    );
    assert.equal(rest.status, 200);
    const shares = Object.fromEntries(rest.body.sessions.map((s) => [s.sessionId, s.poorPct]));
    assert.deepEqual(shares, { 'net-rough': 45, 'net-calm': 0, 'net-none': null });

    const r = await query(c, 'read-a', [
      {
        refId: 'S',
        timeRange: range,
        maxDataPoints: 100,
        intervalMs: 1000,
        query: { queryType: 'sessions', sessionIdPrefix: 'net-' },
      },
    ]);
    const f = r.body.results.S.frames![0];
    const byId = new Map(col(f, 'sessionId').map((id, i) => [id, col(f, 'poorPct')[i]]));
    assert.equal(byId.get('net-rough'), 45);
    assert.equal(byId.get('net-calm'), 0);
    assert.equal(byId.get('net-none'), null);
    assert.equal(f.schema?.fields.find((x) => x.name === 'poorPct')?.config?.unit, 'percent');
  });

  test('bands: good up to 5 %, fair up to 20 %, poor above', () => {
    assert.deepEqual([0, 5, 5.1, 20, 20.1, 45].map(sessionQualityBand), [
      'good',
      'good',
      'fair',
      'fair',
      'poor',
      'poor',
    ]);
  });
});
