import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { assertValidSchema, parse, validate } from 'graphql';
import type { DataFrameJSON } from '@model';
import type { VonageProject } from '../src/config/vonage';
import { InsightsClient, InsightsError } from '../src/importers/vonageInsights/client';
import { SessionUnavailable } from '../src/importers/vonageInsights/fetchSession';
import { followInsights, importInsightsSession } from '../src/importers/vonageInsights/importInsights';
import {
  endedSpec,
  sessionPageQuery,
  sessionSpec,
  sessionSummariesQuery,
} from '../src/importers/vonageInsights/queries';
import type { RunningCollector } from '../src/server';
import { col, query, startTestCollector } from './helpers';
import { publisher, STATS_EVERY_MS, twoMeetings } from './vonage/insightsData';
import { insightsSchema, startInsightsStandin, type RunningStandin } from './vonage/insightsStandin';

const PROJECT_ID = '46123456';
const SECRET = 'insights-project-secret-0123456789';
const VONAGE: VonageProject = { project: 'proj-a', vonageProjectId: PROJECT_ID, projectSecret: SECRET };
const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);
const SMALL = { meetings: 1, others: 7 };

describe('Vonage Insights importer (C4)', () => {
  let c: RunningCollector;
  let standin: RunningStandin;
  const client = (o: Partial<ConstructorParameters<typeof InsightsClient>[0]> = {}) =>
    new InsightsClient({ url: standin.url, projectId: PROJECT_ID, projectSecret: SECRET, ...o });
  before(async () => {
    c = await startTestCollector();
    standin = await startInsightsStandin({ projectId: PROJECT_ID, projectSecret: SECRET });
  });
  after(async () => {
    await standin.close();
    await c.close();
  });

  const frames = async (sessionId: string, queries: Array<{ refId: string; query: object }>) => {
    const r = await query(
      c,
      'read-a',
      queries.map((q) => ({
        refId: q.refId,
        timeRange: { from: T0 - 3_600_000, to: T0 + 24 * 3_600_000 },
        maxDataPoints: 100_000,
        intervalMs: 1000,
        query: { sessionId, ...q.query } as never,
      }))
    );
    assert.equal(r.status, 200);
    return (refId: string) => r.body.results[refId].frames as DataFrameJSON[];
  };

  test('the stand-in schema is valid and every query the importer builds validates against it', () => {
    const schema = insightsSchema();
    assertValidSchema(schema);
    const spec = sessionSpec(SMALL);
    const publishers = spec.children[0];
    const built = [
      sessionPageQuery(PROJECT_ID, 's"1', [], spec, null),
      sessionPageQuery(PROJECT_ID, 's1', [], spec, 'aW5zaWdodHMtcmVzb3VyY2U6MQ=='),
      sessionPageQuery(PROJECT_ID, 's1', [{ spec, cursor: null, index: 0 }], publishers, 'x'),
      sessionPageQuery(
        PROJECT_ID,
        's1',
        [
          { spec, cursor: 'a', index: 0 },
          { spec: publishers, cursor: 'b', index: 3 },
        ],
        publishers.children[0],
        'c'
      ),
      sessionPageQuery(PROJECT_ID, 's1', [], endedSpec(), null),
      sessionSummariesQuery(PROJECT_ID, new Date(T0).toISOString(), 1000, null),
      sessionSummariesQuery(PROJECT_ID, new Date(T0).toISOString(), 2, 'abc'),
    ];
    for (const q of built) {
      assert.deepEqual(
        validate(schema, parse(q)).map((e) => e.message),
        [],
        q
      );
    }
  });

  test('a session with two meetings, paged at every level, lands with the stand-in values', async () => {
    const sessionId = '2_MX40NjEyMzQ1Nn5-paged';
    const data = twoMeetings(sessionId, T0);
    standin.sessions.set(sessionId, data);
    const before = standin.queries.length;
    const r = await importInsightsSession(c.store, VONAGE, sessionId, { client: client(), pageSizes: SMALL });
    const sent = standin.queries.slice(before);
    assert.ok(sent.length > 10, `paging took ${sent.length} requests`);
    for (const q of sent) {
      assert.deepEqual(validate(insightsSchema(), parse(q)), [], 'the stand-in was sent only valid queries');
    }
    const statCount = data.meetings
      .flatMap((m) => [...m.publishers, ...m.subscribers])
      .reduce((n, x) => n + x.stats.length, 0);
    assert.deepEqual(
      { meetings: r.meetings, publishers: r.publishers, subscribers: r.subscribers, samples: r.samples },
      { meetings: 2, publishers: 3, subscribers: 2, samples: statCount * 2 },
      'every page of every collection was read (audio and video per statistic)'
    );
    const f = await frames(sessionId, [
      { refId: 'M', query: { queryType: 'meetings' } },
      { refId: 'S', query: { queryType: 'summary' } },
      { refId: 'U', query: { queryType: 'users' } },
      { refId: 'Q', query: { queryType: 'quality', metrics: ['bitrateKbps', 'lossPct', 'rttMs'] } },
    ]);
    const meetings = f('M')[0];
    assert.deepEqual(col(meetings, 'start'), [T0, T0 + 40 * 60_000], "the meetings start where Insights' do");
    assert.deepEqual(col(meetings, 'end'), [T0 + 10 * 60_000, T0 + 45 * 60_000]);
    const summary = f('S')[0];
    const one = (name: string) => col(summary, name)[0];
    assert.deepEqual(
      [one('meetings'), one('connections'), one('publishers'), one('streams'), one('subscribers'), one('sources')],
      [2, 3, 3, 3, 2, 'vonage-insights']
    );
    const streams = f('U').find((x) => x.schema.name === 'streams')!;
    assert.deepEqual(col(streams, 'streamId'), ['stream-alice', 'stream-bob', 'stream-carol']);
    assert.deepEqual(col(streams, 'videoType'), ['camera', 'screen', 'camera']);
    const subscribers = f('U').find((x) => x.schema.name === 'subscribers')!;
    assert.deepEqual(col(subscribers, 'connectionId'), ['conn-bob', 'conn-alice']);

    const series = (role: string, media: string, stream: string, metric: string) => {
      const frame = f('Q').find(
        (x) =>
          x.schema.fields[1].labels?.role === role &&
          x.schema.fields[1].labels?.media === media &&
          x.schema.fields[1].labels?.stream === stream &&
          x.schema.fields[1].name === metric
      );
      assert.ok(frame, `${role} ${media} ${stream} ${metric}`);
      return { times: frame.data.values[0] as number[], values: frame.data.values[1] as number[] };
    };
    const alice = data.meetings[0].publishers[0];
    const kbps = series('publisher', 'video', 'stream-alice', 'bitrateKbps');
    assert.deepEqual(
      kbps.times,
      alice.stats.map((s) => s.createdAt)
    );
    assert.deepEqual(
      kbps.values,
      alice.stats.map((s) => s.videoBitrateKbps)
    );
    assert.deepEqual(
      series('publisher', 'audio', 'stream-alice', 'rttMs').values,
      alice.stats.map((s) => s.audioLatencyMs)
    );
    // Insights documents packet loss as a ratio: 0.025 is 2.5 %, 0.005 is 0.5 %.
    const videoLoss = series('publisher', 'video', 'stream-alice', 'lossPct').values;
    assert.ok(
      videoLoss.every((v) => Math.abs(v - 2.5) < 1e-9),
      `video loss in percent: ${videoLoss.slice(0, 3)}`
    );
    const audioLoss = series('subscriber', 'audio', 'stream-alice', 'lossPct').values;
    assert.ok(audioLoss.every((v) => Math.abs(v - 0.5) < 1e-9));
    const [res] = await c.store.query<{ width: number; height: number; n: number }>(
      `SELECT min(width) AS width, min(height) AS height, count(*)::float8 AS n FROM quality_samples
       WHERE session_id = $1 AND media = 'video' AND source = 2`,
      [sessionId]
    );
    assert.deepEqual(res, { width: 640, height: 480, n: statCount });

    const again = await importInsightsSession(c.store, VONAGE, sessionId, { client: client() });
    assert.equal(again.stored, 0, 're-import stores nothing new');
    assert.equal(again.alreadyThere, r.stored);
  });

  test('a stream with more than 1,000 statistics is read over two pages at the documented page size', async () => {
    const sessionId = '2_MX40NjEyMzQ1Nn5-long';
    const end = T0 + 1200 * STATS_EVERY_MS;
    standin.sessions.set(sessionId, {
      sessionId,
      meetings: [
        {
          meetingId: 'm-long',
          createdAt: T0,
          destroyedAt: end,
          publishers: [publisher('conn-long', 'stream-long', T0, end, 1)],
          subscribers: [],
        },
      ],
    });
    const before = standin.queries.length;
    const r = await importInsightsSession(c.store, VONAGE, sessionId, { client: client() });
    assert.equal(standin.queries.length - before, 2, 'one page of 1,000, then the rest');
    assert.equal(r.samples, 1200 * 2);
    assert.equal(r.stored, 1200 * 2 + 3, 'samples, publish, unpublish and the connection');
  });

  test('1014 (no Advanced Insights) and 1017 (unknown session) give clear messages', async () => {
    const without = await startInsightsStandin({
      projectId: PROJECT_ID,
      projectSecret: SECRET,
      advancedInsights: false,
    });
    try {
      const err = await importInsightsSession(c.store, VONAGE, 'any', {
        client: new InsightsClient({ url: without.url, projectId: PROJECT_ID, projectSecret: SECRET }),
      }).catch((e: unknown) => e);
      assert.ok(err instanceof InsightsError);
      assert.equal(err.errorCode, 1014);
      assert.match(
        err.message,
        /Vonage Insights error 1014 at project\.sessionData: .*requires the Advanced Insights add-on.*enable it for this Vonage project/
      );
    } finally {
      await without.close();
    }
    const missing = await importInsightsSession(c.store, VONAGE, 'no-such-session', { client: client() }).catch(
      (e: unknown) => e
    );
    assert.ok(missing instanceof SessionUnavailable);
    assert.equal(missing.errorCode, 1017);
    assert.match(missing.message, /1017 .*session not found: Advanced Insights keeps session data 21 days/);
    const wrongSecret = await importInsightsSession(c.store, VONAGE, 'no-such-session', {
      client: new InsightsClient({
        url: standin.url,
        projectId: PROJECT_ID,
        projectSecret: 'another-secret-0123456789',
      }),
    }).catch((e: unknown) => e);
    assert.ok(wrongSecret instanceof InsightsError);
    assert.match(wrongSecret.message, /1020: Unable to validate the token/);
  });

  test('the CLI imports what exists, names what Vonage has not, and exits 1', async () => {
    const sessionId = '2_MX40NjEyMzQ1Nn5-cli';
    standin.sessions.set(sessionId, twoMeetings(sessionId, T0));
    const run = promisify(execFile);
    const bin = join(__dirname, '../bin/collector.mjs');
    const env = {
      ...process.env,
      DATA_DIR: 'memory://',
      DATABASE_URL: '',
      VONAGE_PROJECTS: JSON.stringify([VONAGE]),
    };
    const out = await run(
      process.execPath,
      [
        bin,
        'vonage-insights',
        '--project',
        'proj-a',
        '--session',
        sessionId,
        '--session',
        'gone',
        '--url',
        standin.url,
      ],
      { env }
    ).catch((e: { code: number; stdout: string; stderr: string }) => e);
    assert.equal((out as { code?: number }).code, 1);
    assert.match(out.stdout, /-cli: 2 meetings, 3 publishers, 2 subscribers, \d+ quality samples; stored \d+/);
    assert.match(out.stderr, /gone: not imported: Vonage Insights error 1017 at project\.sessionData\.sessions/);
    const usage = await run(process.execPath, [bin, 'vonage-insights', '--project', 'proj-a'], { env }).catch(
      (e: { code: number; stderr: string }) => e
    );
    assert.equal((usage as { code?: number }).code, 2);
    assert.match(usage.stderr, /give --session \(one or more\) or --follow/);
  });

  test('the rate limit is kept, and a 429 is waited out', async () => {
    const limited = await startInsightsStandin({
      projectId: PROJECT_ID,
      projectSecret: SECRET,
      rateLimit: 3,
      rateWindowMs: 1000,
    });
    try {
      const sessionId = 'rate';
      limited.sessions.set(sessionId, twoMeetings(sessionId, T0));
      const started = Date.now();
      await importInsightsSession(c.store, { ...VONAGE, project: 'proj-b' }, sessionId, {
        client: new InsightsClient({
          url: limited.url,
          projectId: PROJECT_ID,
          projectSecret: SECRET,
          // A margin over the server's window, as the default (90 per 30 s against 100) keeps.
          requestsPerWindow: 3,
          windowMs: 1200,
        }),
        pageSizes: SMALL,
      });
      assert.equal(limited.throttled, 0, 'the client kept under the limit by itself');
      assert.ok(Date.now() - started >= (Math.ceil(limited.queries.length / 3) - 1) * 1000);
      const unaware = await importInsightsSession(c.store, { ...VONAGE, project: 'proj-b' }, sessionId, {
        client: new InsightsClient({ url: limited.url, projectId: PROJECT_ID, projectSecret: SECRET }),
        pageSizes: SMALL,
      });
      assert.ok(limited.throttled > 0, 'a client unaware of the limit got 429s');
      assert.equal(unaware.stored, 0, 'and still read the whole session after waiting');
      assert.equal(
        unaware.samples,
        2 *
          twoMeetings(sessionId, T0)
            .meetings.flatMap((m) => [...m.publishers, ...m.subscribers])
            .reduce((n, x) => n + x.stats.length, 0)
      );
    } finally {
      await limited.close();
    }
  });

  test('--follow imports a session added after it started, once it has ended', async () => {
    const follow = await startInsightsStandin({ projectId: PROJECT_ID, projectSecret: SECRET });
    const controller = new AbortController();
    const imported: string[] = [];
    const waitFor = async (id: string) => {
      for (let i = 0; i < 200 && !imported.includes(id); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(imported.includes(id), `${id} imported (${imported.join(', ')})`);
    };
    try {
      follow.sessions.set('follow-a', twoMeetings('follow-a', T0));
      const running = followInsights(c.store, VONAGE, {
        client: new InsightsClient({ url: follow.url, projectId: PROJECT_ID, projectSecret: SECRET }),
        everyMs: 200,
        since: T0 - 60_000,
        lookbackMs: 365 * 24 * 3_600_000,
        signal: controller.signal,
        log: () => undefined,
        onImported: (r) => imported.push(r.sessionId),
      });
      await waitFor('follow-a');
      const live = twoMeetings('follow-b', T0 + 3_600_000);
      live.meetings[1].destroyedAt = null;
      follow.sessions.set('follow-b', live);
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(imported, ['follow-a'], 'a session still going is not imported');
      live.meetings[1].destroyedAt = T0 + 3_600_000 + 45 * 60_000;
      await waitFor('follow-b');
      await new Promise((r) => setTimeout(r, 600));
      assert.deepEqual(imported, ['follow-a', 'follow-b'], 'each session once');
      controller.abort();
      await running;
      const f = await frames('follow-b', [{ refId: 'S', query: { queryType: 'summary' } }]);
      assert.equal(col(f('S')[0], 'publishers')[0], 3);
    } finally {
      controller.abort();
      await follow.close();
    }
  });
});
