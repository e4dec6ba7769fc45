import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Limits, REST, type DataFrameJSON, type SavedSession, type WireQuery, type WireResult } from '@model';
import { writeBatch } from '../src/ingest/writeBatch';
import type { EventRecord } from '../src/model/records';
import type { RunningCollector } from '../src/server';
import { generateSession, type SessionSpec } from '../src/simulator/generate';
import { writeRecords } from '../src/simulator/writer';
import { DAY_MS } from '../src/store/partitions';
import { purge } from '../src/store/retention';
import { saveSession } from '../src/store/savedSessions';
import { col, http, query, startTestCollector } from './helpers';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const EDITOR = { 'X-Grafana-Role': 'Editor', 'X-Grafana-User': 'ana' };
const VIEWER = { 'X-Grafana-Role': 'Viewer', 'X-Grafana-User': 'vic' };

function spec(sessionId: string, start: number): SessionSpec {
  return {
    sessionId,
    shape: 'multiparty',
    start,
    meetings: 1,
    reuseGapMs: 0,
    minutes: 10,
    users: 3,
    sampleIntervalMs: 60_000,
    trouble: 1,
  };
}

async function ask(c: RunningCollector, q: Record<string, unknown>, token = 'read-a'): Promise<WireResult> {
  const wire: WireQuery = {
    refId: 'A',
    timeRange: { from: NOW - 400 * DAY_MS, to: NOW + DAY_MS },
    maxDataPoints: 200,
    intervalMs: 1000,
    query: q as WireQuery['query'],
  };
  return (await query(c, token, [wire])).body.results.A;
}

const put = (
  c: RunningCollector,
  project: string,
  id: string,
  body: unknown,
  headers: Record<string, string> = EDITOR,
  token = 'read-a'
) =>
  http<{ saved?: SavedSession; error?: string }>(`${c.url}${REST.savedOne(project, id)}`, {
    method: 'PUT',
    token,
    body,
    headers,
  });

describe('saved sessions', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
    for (const id of ['keep-me', 'other-one']) {
      await writeRecords({ url: c.url, token: 'ingest-a' }, generateSession(spec(id, NOW - 3_600_000), 3).records);
    }
    await writeRecords(
      { url: c.url, token: 'ingest-b' },
      generateSession(spec('b-secret', NOW - 3_600_000), 4).records
    );
  });
  after(async () => c.close());

  test('save, save again, edit, list, and the sessions filters', async () => {
    const created = await put(c, 'proj-a', 'keep-me', { name: 'Bad call', tags: ['loss', 'customer'] });
    assert.equal(created.status, 201, created.body.error);
    assert.deepEqual(
      [created.body.saved!.name, created.body.saved!.tags, created.body.saved!.savedBy],
      ['Bad call', ['loss', 'customer'], 'ana']
    );
    const again = await put(c, 'proj-a', 'keep-me', { name: 'Bad call (refreshed)', tags: ['loss'] });
    assert.equal(again.status, 200);
    assert.ok(again.body.saved!.updatedAt >= created.body.saved!.updatedAt);
    const edited = await http<{ saved: SavedSession }>(`${c.url}${REST.savedOne('proj-a', 'keep-me')}`, {
      method: 'PATCH',
      token: 'read-a',
      headers: EDITOR,
      body: { tags: ['loss', 'vip'] },
    });
    assert.equal(edited.status, 200);
    assert.deepEqual([edited.body.saved.name, edited.body.saved.tags], ['Bad call (refreshed)', ['loss', 'vip']]);
    const list = await http<{ saved: SavedSession[] }>(`${c.url}${REST.saved}`, { token: 'read-a' });
    assert.deepEqual(
      list.body.saved.map((s) => s.sessionId),
      ['keep-me']
    );

    const sessions = async (q: Record<string, unknown>) =>
      col((await ask(c, { queryType: 'sessions', ...q })).frames![0], 'sessionId');
    assert.deepEqual(await sessions({ saved: true }), ['keep-me']);
    assert.deepEqual(await sessions({ saved: false }), ['other-one']);
    assert.deepEqual(await sessions({ tag: 'VIP' }), ['keep-me']);
    assert.deepEqual(await sessions({ tag: 'customer' }), []);
    const frame = (await ask(c, { queryType: 'sessions', saved: true })).frames![0];
    assert.deepEqual([col(frame, 'savedName')[0], col(frame, 'tags')[0]], ['Bad call (refreshed)', 'loss, vip']);
    const rest = await http<{ sessions: Array<{ sessionId: string; tags: string[] }> }>(
      `${c.url}${REST.sessions}?saved=true&from=${NOW - DAY_MS}&to=${NOW}`,
      { token: 'read-a' }
    );
    assert.deepEqual(
      rest.body.sessions.map((s) => [s.sessionId, s.tags]),
      [['keep-me', ['loss', 'vip']]]
    );
  });

  test('every bad request is refused with a message naming what is wrong', async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [{ tags: ['a'] }, 400, /name is required/],
      [{ name: '   ' }, 400, /name is required/],
      [{ name: 'x', tags: ['a', 'b', 'c', 'd'] }, 400, /tags: 4 given; a saved session has at most 3 tags/],
      [{ name: 'x', tags: 'loss' }, 400, /tags must be an array of strings/],
    ];
    for (const [body, status, message] of cases) {
      const r = await put(c, 'proj-a', 'other-one', body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.match(r.body.error!, message);
    }
    const missing = await put(c, 'proj-a', 'never-seen', { name: 'x' });
    assert.equal(missing.status, 404);
    assert.match(missing.body.error!, /has no data in retention/);
    const viewer = await put(c, 'proj-a', 'other-one', { name: 'x' }, VIEWER);
    assert.equal(viewer.status, 403);
    assert.match(viewer.body.error!, /role Viewer cannot change saved sessions/);
    const noRole = await put(c, 'proj-a', 'other-one', { name: 'x' }, {});
    assert.equal(noRole.status, 403);
    assert.match(noRole.body.error!, /needs the Grafana role Editor or Admin/);
    const ingestToken = await put(c, 'proj-a', 'other-one', { name: 'x' }, EDITOR, 'ingest-a');
    assert.equal(ingestToken.status, 403);
    const patchNothing = await http<{ error: string }>(`${c.url}${REST.savedOne('proj-a', 'other-one')}`, {
      method: 'PATCH',
      token: 'read-a',
      headers: EDITOR,
      body: {},
    });
    assert.equal(patchNothing.status, 400);
    const list = await http<{ saved: SavedSession[] }>(`${c.url}${REST.saved}`, { token: 'read-a' });
    assert.ok(!list.body.saved.some((s) => s.sessionId === 'other-one'), 'no refused request saved anything');
  });

  test('isolation: project A cannot see or change project B saved sessions', async () => {
    assert.equal((await put(c, 'proj-b', 'b-secret', { name: 'B' }, EDITOR, 'read-b')).status, 201);
    const listA = await http<{ saved: SavedSession[] }>(`${c.url}${REST.saved}`, { token: 'read-a' });
    assert.ok(!JSON.stringify(listA.body).includes('b-secret'));
    const asked = await http<{ error: string }>(`${c.url}${REST.saved}?project=proj-b`, { token: 'read-a' });
    assert.equal(asked.status, 403);
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const r = await http<{ error: string }>(`${c.url}${REST.savedOne('proj-b', 'b-secret')}`, {
        method,
        token: 'read-a',
        headers: EDITOR,
        body: method === 'DELETE' ? undefined : { name: 'hijack' },
      });
      assert.equal(r.status, 403, method);
      assert.match(r.body.error, /project 'proj-b' is not granted/);
    }
    const many = await http<{ error: string }>(`${c.url}${REST.savedDelete}`, {
      token: 'read-a',
      headers: EDITOR,
      body: { sessions: [{ project: 'proj-b', sessionId: 'b-secret' }] },
    });
    assert.equal(many.status, 403);
    const tagged = await ask(c, { queryType: 'sessions', tag: 'B', saved: true });
    assert.deepEqual(col(tagged.frames![0], 'sessionId'), []);
    const listB = await http<{ saved: SavedSession[] }>(`${c.url}${REST.saved}`, { token: 'read-b' });
    assert.deepEqual(
      listB.body.saved.map((s) => s.name),
      ['B']
    );
  });

  test('delete one and delete many', async () => {
    assert.equal((await put(c, 'proj-a', 'other-one', { name: 'second' })).status, 201);
    const one = await http<{ deleted: unknown[] }>(`${c.url}${REST.savedOne('proj-a', 'other-one')}`, {
      method: 'DELETE',
      token: 'read-a',
      headers: EDITOR,
    });
    assert.deepEqual(one.body.deleted, [{ project: 'proj-a', sessionId: 'other-one' }]);
    const again = await http<{ error: string }>(`${c.url}${REST.savedOne('proj-a', 'other-one')}`, {
      method: 'DELETE',
      token: 'read-a',
      headers: EDITOR,
    });
    assert.equal(again.status, 404);
    assert.equal((await put(c, 'proj-a', 'other-one', { name: 'second' })).status, 201);
    const many = await http<{ deleted: unknown[] }>(`${c.url}${REST.savedDelete}`, {
      token: 'read-a',
      headers: EDITOR,
      body: {
        sessions: [
          { project: 'proj-a', sessionId: 'other-one' },
          { project: 'proj-a', sessionId: 'keep-me' },
          { project: 'proj-a', sessionId: 'not-saved' },
        ],
      },
    });
    assert.equal(many.body.deleted.length, 2);
    const list = await http<{ saved: SavedSession[] }>(`${c.url}${REST.saved}`, { token: 'read-a' });
    assert.deepEqual(list.body.saved, []);
    const bad = await http<{ error: string }>(`${c.url}${REST.savedDelete}`, {
      token: 'read-a',
      headers: EDITOR,
      body: { sessions: [{ project: 'proj-a' }] },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /sessions\[0\] must have project and sessionId, text of at most 256 characters/);
  });

  test(`the ${Limits.savedSessionsPerProject + 1}st save of a project is refused`, async () => {
    const limit = Limits.savedSessionsPerProject;
    const events: EventRecord[] = Array.from({ length: limit + 1 }, (_, i) => ({
      kind: 'event',
      id: `lim-${i}`,
      sessionId: `lim-${i}`,
      ts: NOW - 60_000,
      action: 'connect',
      variation: 'attempt',
      clientId: 'u',
      connectionId: `c${i}`,
    }));
    await writeBatch(c.store, 'proj-limit', events);
    for (let i = 0; i < limit; i++) {
      await saveSession(c.store, 'proj-limit', `lim-${i}`, { name: `n${i}` }, null);
    }
    const over = await http<{ error: string }>(`${c.url}${REST.savedOne('proj-limit', `lim-${limit}`)}`, {
      method: 'PUT',
      token: 'admin-1',
      body: { name: 'one too many' },
    });
    assert.equal(over.status, 409);
    assert.match(over.body.error, /already has 1000 saved sessions, the most it can keep/);
    const resave = await http<{ saved: SavedSession }>(`${c.url}${REST.savedOne('proj-limit', 'lim-0')}`, {
      method: 'PUT',
      token: 'admin-1',
      body: { name: 'refreshed' },
    });
    assert.equal(resave.status, 200, 'saving an already saved session again is not a new save');
  });
});

describe('retention', () => {
  let c: RunningCollector;
  const old = NOW - 21 * DAY_MS;
  before(async () => {
    c = await startTestCollector();
    for (const [id, start] of [
      ['old-saved', old],
      ['old-unsaved', old + 3_600_000],
      ['recent', NOW - 19 * DAY_MS],
    ] as const) {
      await writeRecords({ url: c.url, token: 'ingest-a' }, generateSession(spec(id, start), 7).records);
    }
  });
  after(async () => c.close());

  // Aggregates may sum in another order once rows live in the kept table: compare at 1e-9.
  const rounded = (v: unknown): unknown =>
    typeof v === 'number'
      ? Number(v.toPrecision(10))
      : Array.isArray(v)
        ? v.map(rounded)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]))
          : v;

  const snapshot = async (id: string) => {
    const out: Record<string, unknown> = {};
    for (const queryType of ['summary', 'meetings', 'users', 'errors', 'failureRates', 'events', 'quality']) {
      const r = await ask(c, { queryType, sessionId: id });
      assert.equal(r.status, 200, `${queryType}: ${r.error}`);
      out[queryType] = rounded(r.frames);
    }
    return out;
  };

  test('a meeting created 21 days ago is purged; a saved one of the same age stays fully inspectable', async () => {
    assert.equal((await put(c, 'proj-a', 'old-saved', { name: 'kept', tags: ['audit'] })).status, 201);
    const before = await snapshot('old-saved');
    assert.ok(((before.quality as DataFrameJSON[]) ?? []).length > 0, 'the saved session has quality series');

    const result = await purge(c.store, { now: NOW, retentionDays: 20 });
    assert.ok(result.droppedPartitions.length >= 2, `dropped ${result.droppedPartitions}`);
    assert.ok(result.keptRowsOfSavedSessions > 0);

    assert.deepEqual(await snapshot('old-saved'), before, 'every module answers the same after the purge');
    const gone = await ask(c, { queryType: 'summary', sessionId: 'old-unsaved' });
    assert.ok(
      gone.status === 404 || (gone.frames ?? []).every((f) => f.data.values[0].length === 0),
      'the unsaved old session is gone'
    );
    const sessions = col((await ask(c, { queryType: 'sessions' })).frames![0], 'sessionId');
    assert.deepEqual([...sessions].sort(), ['old-saved', 'recent']);
    const live = await c.store.query<{ n: number }>(
      `SELECT count(*)::float8 AS n FROM events WHERE session_id = 'old-saved'`
    );
    assert.equal(live[0].n, 0, 'the live partitions no longer hold it: the kept copy answers');

    const refresh = await put(c, 'proj-a', 'old-saved', { name: 'kept' });
    assert.equal(refresh.status, 404, 'raw data past retention cannot refresh the saved copy');

    const later = await purge(c.store, { now: NOW + 25 * 30 * DAY_MS, retentionDays: 20, savedRetentionMonths: 24 });
    assert.equal(later.expiredSavedSessions, 1, 'after 24 months the saved session expires too');
    const kept = await c.store.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM saved_events`);
    assert.equal(kept[0].n, 0);
  });
});
