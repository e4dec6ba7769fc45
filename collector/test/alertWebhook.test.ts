import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { REST, type SavedSession } from '@model';
import type { AlertSaveReport } from '../src/http/alertRoutes';
import type { RunningCollector } from '../src/server';
import { SessionBuilder, T0 } from './fixtures';
import { assertRefused, http, ingest, startTestCollector } from './helpers';

const RULE = 'Packet loss above 5 % on a stream';

/** One alert as Grafana's webhook contact point sends it (grafana/alerting templates.ExtendedAlert). */
function alert(labels: Record<string, string>, status = 'firing') {
  return {
    status,
    labels: { alertname: RULE, grafana_folder: 'Session Inspector', ...labels },
    annotations: { summary: 'Stream st-1 is losing 10.2 % of its packets', threshold: '5 %' },
    startsAt: '2026-11-20T12:05:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'https://grafana.example.com/alerting/grafana/si-stream-packet-loss/view',
    fingerprint: 'a1b2c3d4e5f60718',
    silenceURL: 'https://grafana.example.com/alerting/silence/new?alertmanager=grafana',
    dashboardURL: '',
    panelURL: '',
    values: { B: 10.2, C: 1 },
    valueString: "[ var='B' labels={} value=10.2 ], [ var='C' labels={} value=1 ]",
  };
}

/**
 * Grafana's webhook payload (grafana/alerting receivers/webhook/v1/webhook.go webhookMessage:
 * templates.ExtendedData plus version, groupKey, truncatedAlerts, orgId, title, state, message).
 */
function notification(alerts: Array<ReturnType<typeof alert>>) {
  return {
    receiver: 'Session Inspector saves sessions',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    orgId: 1,
    alerts,
    groupLabels: { alertname: RULE },
    commonLabels: { alertname: RULE },
    commonAnnotations: {},
    externalURL: 'https://grafana.example.com/',
    version: '1',
    groupKey: '{}/{team="rtc"}:{alertname="Packet loss above 5 % on a stream"}',
    truncatedAlerts: 0,
    title: `[FIRING:${alerts.length}] ${RULE}`,
    state: 'alerting',
    message: '',
  };
}

const LABELS = { project: 'proj-a', session: 'alert-s', stream: 'st-1', user: 'u1', metric: 'lossPct', stat: 'p50' };
const RULE_LABELS = { severity: 'critical', team: 'rtc' };

describe('B6 alert-driven saving: Grafana webhook contact point', () => {
  let c: RunningCollector;
  before(async () => {
    c = await startTestCollector();
    for (const id of ['alert-s', 'user-saved']) {
      assert.equal((await ingest(c, 'ingest-a', new SessionBuilder(id).user('u1', T0, 'st-1').records())).status, 200);
    }
  });
  after(async () => c.close());

  const post = (body: unknown, token = 'alerts-a') =>
    http<AlertSaveReport & { error?: string }>(`${c.url}${REST.alertWebhook}`, { token, body });
  const saved = async () =>
    (await http<{ saved: SavedSession[] }>(`${c.url}${REST.saved}`, { token: 'read-a' })).body.saved;

  test('the same notification twice saves the session once, named after the rule, tagged from its labels', async () => {
    const payload = notification([alert({ ...LABELS, ...RULE_LABELS })]);
    const first = await post(payload);
    assert.equal(first.status, 200, first.body.error);
    assert.deepEqual(first.body.saved, [
      {
        project: 'proj-a',
        sessionId: 'alert-s',
        name: RULE,
        tags: ['severity:critical', 'metric:lossPct', 'stat:p50'],
      },
    ]);
    const second = await post(payload);
    assert.deepEqual(second.body, {
      saved: [],
      alreadySaved: [{ project: 'proj-a', sessionId: 'alert-s' }],
      skipped: [],
    });
    const list = await saved();
    assert.deepEqual(
      list.map((s) => [s.sessionId, s.name, s.tags, s.savedBy]),
      [['alert-s', RULE, ['severity:critical', 'metric:lossPct', 'stat:p50'], 'Grafana alert']]
    );
  });

  test('a session a user saved keeps its name and tags; one notification naming a session twice saves it once', async () => {
    const put = await http(`${c.url}${REST.savedOne('proj-a', 'user-saved')}`, {
      method: 'PUT',
      token: 'read-a',
      headers: { 'X-Grafana-Role': 'Editor', 'X-Grafana-User': 'ana' },
      body: { name: 'Customer call', tags: ['vip'] },
    });
    assert.equal(put.status, 201);
    const res = await post(
      notification([
        alert({ ...LABELS, session: 'user-saved', stream: 'st-1' }),
        alert({ ...LABELS, session: 'user-saved', stream: 'st-2' }),
      ])
    );
    assert.deepEqual(res.body.alreadySaved, [{ project: 'proj-a', sessionId: 'user-saved' }]);
    assert.deepEqual(res.body.saved, []);
    const kept = (await saved()).find((s) => s.sessionId === 'user-saved')!;
    assert.deepEqual([kept.name, kept.tags, kept.savedBy], ['Customer call', ['vip'], 'ana']);
  });

  test('what cannot be saved is skipped with the reason, and nothing is saved for it', async () => {
    const res = await post(
      notification([
        alert({ ...LABELS, session: 'gone' }),
        alert({ ...LABELS, session: 'resolved-one' }, 'resolved'),
        alert({ ...LABELS, project: 'proj-b', session: 'b-1' }),
        alert({ alertname: 'Connect failures', severity: 'warning' }),
      ])
    );
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.skipped.map((s) => s.alert),
      [0, 1, 2, 3]
    );
    assert.match(res.body.skipped[0].reason, /has no data in retention/);
    assert.match(res.body.skipped[1].reason, /status resolved: only firing alerts save/);
    assert.match(res.body.skipped[2].reason, /project 'proj-b' is not granted/);
    assert.match(res.body.skipped[3].reason, /no project and session labels/);
    assert.equal((await saved()).length, 2);
  });

  test('an alert token or an admin token only; an alert token reads and ingests nothing', async () => {
    const payload = notification([alert({ ...LABELS, ...RULE_LABELS })]);
    assert.equal((await post(payload, 'read-a')).status, 403);
    assert.equal((await post(payload, 'ingest-a')).status, 403);
    assert.equal((await http(`${c.url}${REST.alertWebhook}`, { body: payload })).status, 401);
    assert.equal((await post(payload, 'admin-1')).status, 200);
    const read = await http<{ error: string }>(`${c.url}${REST.sessions}`, { token: 'alerts-a' });
    assert.equal(read.status, 403);
    assert.match(read.body.error, /alert token can only save sessions/);
    const write = await ingest(c, 'alerts-a', new SessionBuilder('x').user('u', T0).records());
    assert.equal(write.status, 403);
  });

  test('a payload that is not Grafana’s is a 400 naming what is wrong', async () => {
    const cases: Array<[unknown, RegExp, string]> = [
      [[], /a JSON object with an 'alerts' array/, 'body'],
      [{}, /alerts must be an array/, 'alerts'],
      [{ alerts: 'x' }, /alerts must be an array/, 'alerts'],
      [{ alerts: [null] }, /alerts\[0\] must be an object/, 'alerts[0]'],
      [{ alerts: [{ labels: {} }] }, /alerts\[0\]\.status must be a string/, 'alerts[0].status'],
      [
        { alerts: [{ status: 'firing', labels: [] }] },
        /alerts\[0\]\.labels must be an object of strings/,
        'alerts[0].labels',
      ],
      [
        { alerts: [{ status: 'firing', labels: { session: 5 } }] },
        /alerts\[0\]\.labels\.session must be a string/,
        'alerts[0].labels.session',
      ],
    ];
    for (const [body, message, field] of cases) {
      const res = await post(body);
      assertRefused(res, 400, field);
      assert.match(res.body.error!, message);
    }
    const proto = await post({
      alerts: [{ status: 'firing', labels: { constructor: 'x', toString: 'y', project: 'proj-a' } }],
    });
    assert.equal(proto.status, 200);
    assert.match(proto.body.skipped[0].reason, /no project and session labels/);
  });
});
