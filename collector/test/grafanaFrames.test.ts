import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ALL_QUERY_TYPES, type DataFrameJSON, type WireQuery } from '@model';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { col, ingest, query, startTestCollector } from './helpers';

const RANGE = { from: T0 - 60_000, to: T0 + 3_600_000 };

function wire(q: Record<string, unknown>, refId = 'A'): WireQuery {
  return { refId, timeRange: RANGE, maxDataPoints: 100, intervalMs: 1000, query: q as WireQuery['query'] };
}

/** A session whose connects fail `failed` times out of `attempts`, each by a user of its own. */
function connects(sessionId: string, attempts: number, failed: number): SessionBuilder {
  const s = new SessionBuilder(sessionId).user('host', T0, 'st-host');
  for (let i = 0; i < attempts; i++) {
    const clientId = `guest-${i}`;
    s.event({ ts: T0 + 1000 * (i + 1), action: 'connect', variation: 'attempt', clientId });
    s.event({
      ts: T0 + 1000 * (i + 1) + 100,
      action: 'connect',
      variation: i < failed ? 'failure' : 'success',
      clientId,
      ...(i < failed ? { code: '1006', message: 'Connect failed' } : {}),
    });
  }
  s.subscribe('guest-0', 'st-host', T0 + 20_000, false);
  for (const ts of [T0 + 10_000, T0 + 20_000]) {
    s.sample({
      ts,
      clientId: 'host',
      streamId: 'st-host',
      role: 'publisher',
      media: 'video',
      bitrateKbps: 600,
      lossPct: 1,
      rttMs: 80,
    });
  }
  return s;
}

/** What Grafana itself needs from frames (the issue "works in a real Grafana"). */
describe('frames for Grafana panels and annotation layers', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
    // Two sessions with the same connect failure rate (1 of 2 + the host's success: 1/3).
    for (const s of [connects('same-a', 2, 1), connects('same-b', 2, 1), connects('other', 3, 0)]) {
      const res = await ingest(c, 'ingest-a', s.records());
      assert.equal(res.status, 200, res.body.error);
    }
  });
  after(async () => c.close());

  const ask = async (q: Record<string, unknown>) => {
    const res = await query(c, 'read-a', [wire(q)]);
    return res.body.results.A;
  };

  test('fleet format table: one frame, a row per session with its labels as columns, rows linked to their own session', async () => {
    const r = await ask({
      queryType: 'fleet',
      fleetMetric: 'failureRate',
      action: 'connect',
      groupBy: 'session',
      format: 'table',
    });
    assert.equal(r.status, 200, r.error);
    assert.equal(r.frames!.length, 1);
    const [f] = r.frames!;
    assert.deepEqual(
      f.schema.fields.map((x) => [x.name, x.type, x.labels]),
      [
        ['project', 'string', undefined],
        ['session', 'string', undefined],
        ['failureRate', 'number', undefined],
      ]
    );
    const rows = col(f, 'session').map((s, i) => [s, col(f, 'failureRate')[i]]);
    assert.deepEqual(rows, [
      ['other', 0],
      ['same-a', 1 / 3],
      ['same-b', 1 / 3],
    ]);
    const links = (f.schema.fields[1].config?.links ?? []) as Array<{ url: string }>;
    assert.ok(links.length > 0 && links.every((l) => l.url.includes('${__value.raw}')), JSON.stringify(links));
  });

  test('annotationKind splits errors from the other events; an unknown kind is a 400 naming the kinds', async () => {
    const titles = async (annotationKind?: string) =>
      col((await ask({ queryType: 'annotations', sessionId: 'same-a', annotationKind })).frames![0], 'title');
    const tags = async (annotationKind: string) =>
      col((await ask({ queryType: 'annotations', sessionId: 'same-a', annotationKind })).frames![0], 'tags');
    const all = await titles();
    const errors = await titles('errors');
    const events = await titles('events');
    assert.deepEqual(errors, ['connect failure (1006)', 'subscribe failure (1600)']);
    assert.equal(events.length + errors.length, all.length);
    assert.ok((await tags('errors')).every((t) => String(t).split(',').includes('error')));
    assert.ok((await tags('events')).every((t) => !String(t).split(',').includes('error')));
    const bad = await ask({ queryType: 'annotations', sessionId: 'same-a', annotationKind: 'warnings' });
    assert.equal(bad.status, 400);
    assert.match(bad.error!, /annotationKind must be one of errors, events/);
  });

  test('every frame that names a data-plane type also names its version', async () => {
    const queries: Record<string, Record<string, unknown>> = {
      fleet: { fleetMetric: 'lossPct', groupBy: 'stream' },
      variables: { variable: 'sessions' },
    };
    const res = await query(
      c,
      'read-a',
      ALL_QUERY_TYPES.map((queryType) => wire({ queryType, sessionId: 'same-a', ...queries[queryType] }, queryType))
    );
    let typed = 0;
    for (const queryType of ALL_QUERY_TYPES) {
      const r = res.body.results[queryType];
      assert.equal(r.status, 200, `${queryType}: ${r.error}`);
      for (const f of r.frames as DataFrameJSON[]) {
        const meta = f.schema.meta as { type?: string; typeVersion?: number[] } | undefined;
        if (meta?.type) {
          typed++;
          assert.deepEqual(meta.typeVersion, [0, 1], `${queryType} frame ${f.schema.name} (${meta.type})`);
        }
      }
    }
    assert.ok(typed >= 3, `${typed} typed frames`);
  });
});
