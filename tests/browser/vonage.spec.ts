import { randomBytes } from 'node:crypto';
import type { IngestRecord } from '../../collector/src/model/records';
import type { StandinSession } from '../../collector/test/vonage/insightsStandin';
import { publisher, subscriber } from '../../collector/test/vonage/insightsData';
import { testIds } from '../../src/components/testIds';
import { column, expect, frameOf, test, tid, type Harness } from './harness/fixtures';

const APP = '/a/rtc-sessioninspector-app/sessions';
const SOURCES = 'sdk, vonage-callback, vonage-insights';

/**
 * One one-to-one call seen by three sources with Vonage's own ids: what the browser SDK sends
 * (its records, through the ingest API with the project's ingest token: the SDK test page is
 * not on main yet, see docs/vonage.md), Vonage's session monitoring callbacks for both
 * connections and streams, and the Insights API (the stand-in) with the same meeting.
 */
function call(now: number) {
  const sessionId = `2_MX40NjEyMzQ1Nn5-three-${randomBytes(4).toString('hex')}`;
  const start = now - 20 * 60_000;
  const end = start + 10 * 60_000;
  const people = [
    { client: 'browser-alice', data: 'alice', conn: `${sessionId}-conn-a`, stream: `${sessionId}-st-a`, at: start },
    { client: 'browser-bob', data: 'bob', conn: `${sessionId}-conn-b`, stream: `${sessionId}-st-b`, at: start + 5000 },
  ];
  const sdk: IngestRecord[] = [];
  people.forEach((p, i) => {
    const other = people[1 - i];
    const id = (n: string) => `${p.client}-${sessionId}-${n}`;
    const base = { sessionId, clientId: p.client, connectionId: p.conn };
    const client = { sdk: 'js-2.35.2', browser: 'Chrome', browserVersion: '156', os: 'Linux', country: 'FR' };
    sdk.push(
      {
        kind: 'event',
        id: id('ca'),
        ts: p.at - 400,
        action: 'connect',
        variation: 'attempt',
        ...base,
        connectionId: undefined,
      },
      { kind: 'event', id: id('cs'), ts: p.at, action: 'connect', variation: 'success', client, ...base },
      { kind: 'event', id: id('pa'), ts: p.at + 1000, action: 'publish', variation: 'attempt', ...base },
      {
        kind: 'event',
        id: id('ps'),
        ts: p.at + 1500,
        action: 'publish',
        variation: 'success',
        streamId: p.stream,
        stream: { videoType: 'camera', hasAudio: true, hasVideo: true },
        ...base,
      },
      {
        kind: 'event',
        id: id('ss'),
        ts: other.at + 3000,
        action: 'subscribe',
        variation: 'success',
        streamId: other.stream,
        subscriberId: `${p.conn}-sub`,
        ...base,
      },
      {
        kind: 'event',
        id: id('up'),
        ts: end - 500,
        action: 'unpublish',
        streamId: p.stream,
        reason: 'clientDisconnected',
        ...base,
      },
      { kind: 'event', id: id('dc'), ts: end, action: 'disconnect', reason: 'clientDisconnected', ...base }
    );
    for (let t = p.at + 5000; t < end - 1000; t += 10_000) {
      sdk.push({
        kind: 'quality',
        id: id(`q${t}`),
        ts: t,
        ...base,
        streamId: p.stream,
        role: 'publisher',
        media: 'video',
        bitrateKbps: 600,
        lossPct: 0.5,
        rttMs: 40,
      });
    }
  });
  const callbacks = people.flatMap((p) => {
    const connection = { id: p.conn, createdAt: p.at, data: p.data };
    const stream = {
      id: p.stream,
      connection: { ...connection, data: '' },
      createdAt: p.at + 1500,
      name: '',
      videoType: 'camera',
    };
    const body = { sessionId, projectId: '46123456' };
    return [
      { ...body, event: 'connectionCreated', timestamp: p.at + 10, connection },
      { ...body, event: 'streamCreated', timestamp: p.at + 1510, stream },
      { ...body, event: 'streamDestroyed', reason: 'clientDisconnected', timestamp: end - 490, stream },
      { ...body, event: 'connectionDestroyed', reason: 'clientDisconnected', timestamp: end + 10, connection },
    ];
  });
  const [a, b] = people;
  const insights: StandinSession = {
    sessionId,
    meetings: [
      {
        meetingId: `${sessionId}-m1`,
        createdAt: start,
        destroyedAt: end,
        publishers: [
          publisher(a.conn, a.stream, a.at + 1500, end - 500, 1),
          publisher(b.conn, b.stream, b.at + 1500, end - 500, 2),
        ],
        subscribers: [
          subscriber(`${a.conn}-sub`, a.conn, b.stream, b.at + 3000, end - 500, 3),
          subscriber(`${b.conn}-sub`, b.conn, a.stream, a.at + 3000, end - 500, 4),
        ],
      },
    ],
  };
  return { sessionId, sdk, callbacks, insights, people, range: { from: start - 60_000, to: end + 60_000 } };
}

async function feed(h: Harness, c: ReturnType<typeof call>) {
  const sdk = await fetch(`${h.info.collectorUrl}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: 'Bearer harness-ingest', 'content-type': 'application/json' },
    body: JSON.stringify({ records: c.sdk }),
  });
  expect(sdk.status, await sdk.text()).toBe(200);
  for (const body of c.callbacks) {
    const res = await fetch(
      `${h.info.collectorUrl}/api/v1/vonage/callbacks?secret=${encodeURIComponent(h.info.vonage.callbackSecret)}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
    );
    expect(res.status, await res.text()).toBe(200);
  }
  const imported = await fetch(`${h.info.harnessUrl}/harness/vonage-insights`, {
    method: 'POST',
    body: JSON.stringify(c.insights),
  });
  expect(imported.status).toBe(200);
  const result = (await imported.json()) as { publishers: number; subscribers: number; stored: number };
  expect(result.publishers).toBe(2);
  expect(result.subscribers).toBe(2);
}

test.describe('One session from the SDK, Vonage callbacks and Vonage Insights', () => {
  test('each user, connection and stream is shown once, with the sources named', async ({ page, harness }) => {
    const c = call(harness.info.now);
    await feed(harness, c);

    // The collector: one row per user, connection and stream, each reported by all three sources.
    const users = await harness.collectorQuery(
      { queryType: 'users', sessionId: c.sessionId, project: harness.info.project },
      c.range
    );
    expect(column(frameOf(users, 'users'), 'userId')).toEqual(['browser-alice', 'browser-bob']);
    expect(column(frameOf(users, 'users'), 'sources')).toEqual([SOURCES, SOURCES]);
    expect(column(frameOf(users, 'connections'), 'connectionId')).toEqual(c.people.map((p) => p.conn));
    expect(column(frameOf(users, 'connections'), 'sources')).toEqual([SOURCES, SOURCES]);
    expect(column(frameOf(users, 'streams'), 'streamId')).toEqual(c.people.map((p) => p.stream));
    expect(column(frameOf(users, 'streams'), 'sources')).toEqual([SOURCES, SOURCES]);
    const summary = frameOf(
      await harness.collectorQuery(
        { queryType: 'summary', sessionId: c.sessionId, project: harness.info.project },
        c.range
      ),
      'summary'
    );
    const counts = Object.fromEntries(
      ['users', 'connections', 'publishers', 'streams', 'subscribers', 'sources', 'callType'].map((n) => [
        n,
        column(summary, n)[0],
      ])
    );
    expect(counts).toEqual({
      users: 2,
      connections: 2,
      publishers: 2,
      streams: 2,
      subscribers: 2,
      sources: SOURCES,
      callType: 'one-to-one',
    });

    // The Inspector page shows the same, with the sources.
    await harness.open(
      page,
      `${APP}/${c.sessionId}?project=${harness.info.project}&from=${c.range.from}&to=${c.range.to}`
    );
    await expect(page.locator(tid(testIds.inspector.summary))).toBeVisible({ timeout: 30_000 });
    for (const [stat, value] of [
      ['users', '2'],
      ['connections', '2'],
      ['streams', '2'],
      ['subscribers', '2'],
      ['sources', SOURCES],
    ]) {
      await expect(page.locator(tid(testIds.inspector.stat(stat))), stat).toHaveText(value);
    }
    const rows = page.locator(tid(testIds.inspector.userRow));
    await expect(rows).toHaveCount(2);
    for (const p of c.people) {
      const row = rows.and(page.locator(`[data-user="${p.client}"]`));
      await expect(row.getByRole('cell', { name: SOURCES })).toBeVisible();
      await page.getByRole('button', { name: `Expand user ${p.client}` }).click();
    }
    // Each connection and stream is one row of its table (rows with cells, not the nested tables).
    const cells = (testId: string) =>
      page.locator(tid(testId)).evaluateAll((tables) =>
        tables.flatMap((table) => {
          // The first column and the Sources column (a quality column may follow it).
          const sources = [...table.querySelectorAll(':scope > thead th')].findIndex(
            (th) => th.textContent === 'Sources'
          );
          return [...table.querySelectorAll(':scope > tbody > tr')]
            .filter((tr) => tr.children.length > 1)
            .map((tr) => [tr.children[0].textContent, tr.children[sources].textContent]);
        })
      );
    await expect(page.locator(tid(testIds.inspector.connections))).toHaveCount(2);
    expect(await cells(testIds.inspector.connections)).toEqual(c.people.map((p) => [p.conn, SOURCES]));
    expect(await cells(testIds.inspector.streams)).toEqual(c.people.map((p) => [p.stream, SOURCES]));
    // The event log names each record's source.
    const events = page.locator(tid(testIds.inspector.eventRow));
    for (const source of SOURCES.split(', ')) {
      await expect(events.getByRole('cell', { name: source, exact: true }).first()).toBeVisible();
    }
  });
});
