import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { http, startTestCollector } from './helpers';

describe('tokens', () => {
  let c: RunningCollector;
  const records = new SessionBuilder('auth-s').user('u1', T0).records();
  before(async () => {
    c = await startTestCollector();
  });
  after(async () => c.close());

  test('no token: 401 saying how to send one', async () => {
    const res = await http<{ error: string }>(`${c.url}/api/v1/sessions`);
    assert.equal(res.status, 401);
    assert.match(res.body.error, /missing bearer token/);
  });

  test('unknown token: 401 token refused', async () => {
    const res = await http<{ error: string }>(`${c.url}/api/v1/health`, { token: 'nope' });
    assert.equal(res.status, 401);
    assert.match(res.body.error, /token refused/);
  });

  test('an ingest token cannot read; a read token cannot ingest', async () => {
    const read = await http<{ error: string }>(`${c.url}/api/v1/sessions`, { token: 'ingest-a' });
    assert.equal(read.status, 403);
    assert.match(read.body.error, /ingest token can only write/);
    const write = await http<{ error: string }>(`${c.url}/api/v1/ingest`, { token: 'read-a', body: { records } });
    assert.equal(write.status, 403);
    assert.match(write.body.error, /read token cannot ingest/);
  });

  test('an ingest token writes only its project; admin must name one', async () => {
    const other = await http<{ error: string }>(`${c.url}/api/v1/ingest?project=proj-b`, { token: 'ingest-a', body: { records } });
    assert.equal(other.status, 403);
    assert.match(other.body.error, /writes to project 'proj-a', not 'proj-b'/);
    const admin = await http<{ error: string }>(`${c.url}/api/v1/ingest`, { token: 'admin-1', body: { records } });
    assert.equal(admin.status, 403);
    assert.match(admin.body.error, /\?project=/);
    const adminOk = await http<{ accepted: number }>(`${c.url}/api/v1/ingest?project=proj-c`, { token: 'admin-1', body: { records } });
    assert.equal(adminOk.status, 200);
    assert.equal(adminOk.body.accepted, 2);
  });

  test('a read token asking for a project it lacks gets 403 naming it', async () => {
    const res = await http<{ error: string }>(`${c.url}/api/v1/sessions?project=proj-b`, { token: 'read-a' });
    assert.equal(res.status, 403);
    assert.match(res.body.error, /project 'proj-b' is not granted/);
  });

  test('liveness needs no token', async () => {
    const res = await http<{ status: string }>(`${c.url}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
  });
});
