import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REST, type SessionRow } from '@model';
import type { ImportResult } from '../src/importers/importDump';
import { startServer, type RunningCollector } from '../src/server';
import { generateSession } from '../src/simulator/generate';
import { writeRecords } from '../src/simulator/writer';
import { DAY_MS } from '../src/store/partitions';
import { purge, type PurgeResult } from '../src/store/retention';
import { http, testConfig } from './helpers';
import { SHARED_DATA } from './sharedData';

// Recorded by Chrome on 2020-11-12: years before any retention window.
const DUMP = join(SHARED_DATA, 'rtcstats/dumps/google-standard-stats-p2p.jsonl');
const EDITOR = { 'X-Grafana-Role': 'Editor', 'X-Grafana-User': 'ana' };

async function upload(c: RunningCollector, session: string) {
  const res = await fetch(`${c.url}${REST.import}?session=${session}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', authorization: 'Bearer ingest-a' },
    body: new Uint8Array(readFileSync(DUMP)),
  });
  const body = (await res.json()) as ImportResult & { error?: string };
  assert.equal(res.status, 200, body.error);
  return body;
}

/** The sessions search as the app and the quick start call it: no time range, so the last 24 hours. */
async function recentSessions(c: RunningCollector): Promise<SessionRow[]> {
  const res = await http<{ sessions: SessionRow[] }>(`${c.url}${REST.sessions}`, { token: 'read-a' });
  assert.equal(res.status, 200);
  return res.body.sessions;
}

const keptRows = async (c: RunningCollector, sessionId: string) =>
  (
    await c.store.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM all_events WHERE session_id = $1)::float8
         + (SELECT count(*) FROM all_quality_samples WHERE session_id = $1)::float8 AS n`,
      [sessionId]
    )
  )[0].n;

describe('imported sessions: retention counts from the import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-import-retention-'));
  // One configuration for both starts: the same PGlite directory, or the same PostgreSQL schema
  // (not named si_test_, which a closing store drops: this one must outlive the first start).
  const base = testConfig({ dataDir: join(dir, 'pglite') });
  const config = { ...base, schema: base.schema?.replace(/^si_test_/, 'si_restart_') };
  let c: RunningCollector;
  let imported: ImportResult;
  const oldSession = 'simulated-21-days-ago';

  before(async () => {
    c = await startServer(config);
    const spec = {
      sessionId: oldSession,
      shape: 'one-to-one' as const,
      start: Date.now() - 21 * DAY_MS,
      meetings: 1,
      reuseGapMs: 0,
      minutes: 5,
      users: 2,
      sampleIntervalMs: 60_000,
      trouble: 1,
    };
    await writeRecords({ url: c.url, token: 'ingest-a' }, generateSession(spec, 3).records);
    imported = await upload(c, 'year-old-dump');
  });
  after(async () => {
    if (config.schema) {
      await c.store.query(`DROP SCHEMA "${config.schema}" CASCADE`);
    }
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a dump recorded years ago survives the purge and a restart, and the 24-hour search lists it', async () => {
    assert.ok(imported.accepted > 500, `stored ${imported.accepted} records`);
    assert.ok(Math.abs(imported.importedAt - Date.now()) < 60_000);
    assert.equal(imported.keptUntil, imported.importedAt + config.retentionDays * DAY_MS);
    const stored = await keptRows(c, 'year-old-dump');
    assert.equal(stored, imported.accepted);

    const purged = await http<PurgeResult>(`${c.url}${REST.purge}`, { method: 'POST', token: 'admin-1', body: {} });
    assert.equal(purged.status, 200);
    assert.ok(
      purged.body.droppedPartitions.some((p) => p.startsWith('events_d')),
      `the purge drops the 21-day-old partitions: ${purged.body.droppedPartitions}`
    );
    assert.equal(purged.body.expiredImports, 0);

    await c.close();
    c = await startServer(config);
    assert.equal(await keptRows(c, 'year-old-dump'), stored, 'every imported row is still there after the restart');

    const sessions = await recentSessions(c);
    const row = sessions.find((s) => s.sessionId === 'year-old-dump');
    assert.ok(row, `the last-24-hours search lists the import: ${sessions.map((s) => s.sessionId)}`);
    assert.equal(row.importedAt, imported.importedAt);
    assert.ok(row.end < Date.UTC(2021, 0, 1), `it keeps its recorded dates: ends ${new Date(row.end).toISOString()}`);
    assert.ok(row.users >= 1 && row.connections >= 1);
    assert.ok(!sessions.some((s) => s.sessionId === oldSession), 'the purged simulated session is gone');
  });

  test('the import expires one retention after it was made; deleting a saved import keeps it until then', async () => {
    const again = await upload(c, 'saved-then-deleted');
    const save = await http(`${c.url}${REST.savedOne('proj-a', 'saved-then-deleted')}`, {
      method: 'PUT',
      token: 'read-a',
      body: { name: 'imported call' },
      headers: EDITOR,
    });
    assert.equal(save.status, 201, 'an imported session can be saved although its recorded days are long past');
    const del = await http(`${c.url}${REST.savedOne('proj-a', 'saved-then-deleted')}`, {
      method: 'DELETE',
      token: 'read-a',
      headers: EDITOR,
    });
    assert.equal(del.status, 200);
    assert.equal(
      await keptRows(c, 'saved-then-deleted'),
      again.accepted,
      'its rows stay while the import is in retention'
    );

    const early = await purge(c.store, { now: imported.importedAt + 19 * DAY_MS, retentionDays: 20 });
    assert.equal(early.expiredImports, 0);
    assert.ok((await keptRows(c, 'year-old-dump')) > 0);

    const late = await purge(c.store, { now: again.importedAt + 21 * DAY_MS, retentionDays: 20 });
    assert.equal(late.expiredImports, 2);
    assert.equal(await keptRows(c, 'year-old-dump'), 0);
    assert.equal(await keptRows(c, 'saved-then-deleted'), 0);
    assert.deepEqual(
      (await recentSessions(c)).filter((s) => s.importedAt !== null),
      [],
      'no imported session is listed any more'
    );
  });
});
