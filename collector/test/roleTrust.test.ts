import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { REST, type SavedSession } from '@model';
import { loadConfig } from '../src/config/config';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { http, ingest, startTestCollector } from './helpers';

// Grafana issue defect 11: only the data source's own token may assert a Grafana role.
describe('X-Grafana-Role is believed only from the Grafana data source token', () => {
  let c: RunningCollector;
  const ADMIN_ROLE = { 'X-Grafana-Role': 'Admin', 'X-Grafana-User': 'mallory' };
  before(async () => {
    c = await startTestCollector();
    await ingest(c, 'ingest-a', new SessionBuilder('trust-s').user('u1', T0).records());
  });
  after(async () => c.close());

  const saved = async () =>
    (await http<{ saved: SavedSession[] }>(`${c.url}${REST.saved}`, { token: 'read-a' })).body.saved;

  test('a plain read token claiming Admin is a Viewer: it cannot save, edit or delete', async () => {
    const put = await http<{ error: string }>(`${c.url}${REST.savedOne('proj-a', 'trust-s')}`, {
      method: 'PUT',
      token: 'reader-a',
      headers: ADMIN_ROLE,
      body: { name: 'forged' },
    });
    assert.equal(put.status, 403);
    assert.match(put.body.error, /acts as a Viewer/);
    assert.deepEqual(await saved(), []);

    const byBackend = await http<{ saved: SavedSession }>(`${c.url}${REST.savedOne('proj-a', 'trust-s')}`, {
      method: 'PUT',
      token: 'read-a',
      headers: { 'X-Grafana-Role': 'Editor', 'X-Grafana-User': 'ana' },
      body: { name: 'kept' },
    });
    assert.equal(byBackend.status, 201);
    assert.equal(byBackend.body.saved.savedBy, 'ana');

    const patch = await http(`${c.url}${REST.savedOne('proj-a', 'trust-s')}`, {
      method: 'PATCH',
      token: 'reader-a',
      headers: ADMIN_ROLE,
      body: { name: 'renamed' },
    });
    const del = await http(`${c.url}${REST.savedOne('proj-a', 'trust-s')}`, {
      method: 'DELETE',
      token: 'reader-a',
      headers: ADMIN_ROLE,
    });
    const bulk = await http(`${c.url}${REST.savedDelete}`, {
      token: 'reader-a',
      headers: ADMIN_ROLE,
      body: { sessions: [{ project: 'proj-a', sessionId: 'trust-s' }] },
    });
    assert.deepEqual([patch.status, del.status, bulk.status], [403, 403, 403]);
    assert.deepEqual(
      (await saved()).map((s) => [s.sessionId, s.name]),
      [['trust-s', 'kept']]
    );
  });

  test('the plain read token still reads', async () => {
    const list = await http<{ saved: SavedSession[] }>(`${c.url}${REST.saved}`, { token: 'reader-a' });
    assert.equal(list.status, 200);
    assert.equal(list.body.saved.length, 1);
  });

  test('grafanaBackend is a read-token flag and must be a boolean', () => {
    const config = loadConfig({
      COLLECTOR_TOKENS: JSON.stringify([{ token: 'ds-token', kind: 'read', projects: ['p'], grafanaBackend: true }]),
    });
    assert.deepEqual(config.tokens[0], {
      kind: 'read',
      projects: ['p'],
      grafanaBackend: true,
      sha256: config.tokens[0].sha256,
    });
    assert.throws(
      () =>
        loadConfig({
          COLLECTOR_TOKENS: JSON.stringify([
            { token: 'ds-token', kind: 'read', projects: ['p'], grafanaBackend: 'yes' },
          ]),
        }),
      /COLLECTOR_TOKENS\[0\]\.grafanaBackend must be true or false/
    );
  });
});
