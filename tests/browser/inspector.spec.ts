import type { Page } from '@playwright/test';
import { testIds } from '../../src/components/testIds';
import { column, expect, frameOf, test, tid, type Harness } from './harness/fixtures';

const APP = '/a/rtc-sessioninspector-app/sessions';

/** The simulated multiparty session with the most errors below large-session size. */
function busySession(h: Harness) {
  const candidates = h.info.sessions.filter(
    (s) => s.callType === 'multiparty' && s.subscribers >= 10 && s.subscribers <= 100 && s.errors > 0
  );
  candidates.sort((a, b) => b.errors - a.errors);
  expect(candidates.length).toBeGreaterThan(0);
  return candidates[0];
}

async function openInspector(page: Page, h: Harness, sessionId: string, query = '') {
  await h.open(page, `${APP}/${sessionId}?project=${h.info.project}${query}`);
  await expect(page.locator(tid(testIds.inspector.container))).toBeVisible({ timeout: 30_000 });
  await expect(page.locator(tid(testIds.inspector.summary))).toBeVisible({ timeout: 30_000 });
}

async function shownRange(page: Page) {
  const el = page.locator(tid(testIds.inspector.range));
  return { from: Number(await el.getAttribute('data-from')), to: Number(await el.getAttribute('data-to')) };
}

const SUMMARY_STATS = [
  'callType',
  'meetings',
  'users',
  'connections',
  'streams',
  'subscribers',
  'sipUsers',
  'streamedMinutes',
  'issues',
  'errors',
  'reconnects',
];

async function expectSummaryEqualsCollector(page: Page, h: Harness, sessionId: string) {
  const range = await shownRange(page);
  const summary = frameOf(
    await h.collectorQuery({ queryType: 'summary', sessionId, project: h.info.project }, range),
    'summary'
  );
  for (const stat of SUMMARY_STATS) {
    await expect(page.locator(tid(testIds.inspector.stat(stat))), stat).toHaveText(String(column(summary, stat)[0]));
  }
  return summary;
}

test.describe('Inspector against the collector', () => {
  test('summary numbers equal the summary query, SDK and endpoint breakdowns expand', async ({ page, harness }) => {
    const s = busySession(harness);
    await openInspector(page, harness, s.sessionId);
    const summary = await expectSummaryEqualsCollector(page, harness, s.sessionId);
    expect(column(summary, 'users')[0]).toBe(s.users);
    expect(column(summary, 'errors')[0]).toBe(s.errors);

    const range = await shownRange(page);
    const result = await harness.collectorQuery(
      { queryType: 'summary', sessionId: s.sessionId, project: harness.info.project },
      range
    );
    const sdks = frameOf(result, 'sdks');
    const breakdowns = page.locator(tid(testIds.inspector.breakdowns));
    await breakdowns.getByText(/^SDKs/).click();
    for (const [i, sdk] of column(sdks, 'sdk').entries()) {
      await expect(breakdowns.getByRole('row', { name: `${sdk} ${column(sdks, 'users')[i]}` })).toBeVisible();
    }
  });

  test('the user list equals the users query; expanding a user shows its connections and streams', async ({
    page,
    harness,
  }) => {
    const s = busySession(harness);
    await openInspector(page, harness, s.sessionId);
    const users = page.locator(tid(testIds.inspector.userRow));
    const range = await shownRange(page);
    const result = await harness.collectorQuery(
      { queryType: 'users', sessionId: s.sessionId, project: harness.info.project },
      range
    );
    const expected = column(frameOf(result, 'users'), 'userId') as string[];
    await expect(users).toHaveCount(expected.length);
    expect(await users.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user')))).toEqual(expected);

    // The first user that published: its connections, and the streams of those connections.
    const streams = frameOf(result, 'streams');
    const publisher = column(streams, 'userId')[0] as string;
    const connections = frameOf(result, 'connections');
    const itsConnections = column(connections, 'connectionId').filter(
      (_, i) => column(connections, 'userId')[i] === publisher
    ) as string[];
    const itsStreams = column(streams, 'streamId').filter(
      (_, i) => column(streams, 'userId')[i] === publisher
    ) as string[];
    expect(itsConnections.length).toBeGreaterThan(0);
    expect(itsStreams.length).toBeGreaterThan(0);

    await page.getByRole('button', { name: `Expand user ${publisher}` }).click();
    const connTable = page.locator(tid(testIds.inspector.connections));
    await expect(connTable).toHaveCount(1);
    for (const c of itsConnections) {
      await expect(connTable.getByRole('cell', { name: c, exact: true })).toBeVisible();
    }
    const streamTables = connTable.locator(tid(testIds.inspector.streams));
    for (const st of itsStreams) {
      await expect(streamTables.getByRole('cell', { name: st, exact: true })).toBeVisible();
    }
    // Who subscribed to its streams, and whether it worked.
    const subs = frameOf(result, 'subscribers');
    const subscribedTo = column(subs, 'streamId').filter((x) => itsStreams.includes(x as string)).length;
    await expect(connTable.locator(tid(testIds.inspector.subscribers)).locator('tbody tr')).toHaveCount(subscribedTo);
  });

  test('the event log filter "+connect -attempt" leaves only the matching rows', async ({ page, harness }) => {
    const s = busySession(harness);
    await openInspector(page, harness, s.sessionId);
    const rows = page.locator(tid(testIds.inspector.eventRow));
    await expect(rows.first()).toBeVisible();
    const input = page.locator(tid(testIds.inspector.filterInput));
    await input.fill('connect');
    await input.press('Enter');
    await input.fill('attempt');
    await page.getByRole('button', { name: 'Drop events with this term' }).click();
    await expect(page.locator(tid(testIds.inspector.filterTerm))).toHaveText(['+connect ×', '-attempt ×']);
    expect(new URL(page.url()).searchParams.get('filter')).toBe('+connect -attempt');

    const range = await shownRange(page);
    const events = frameOf(
      await harness.collectorQuery(
        { queryType: 'events', sessionId: s.sessionId, project: harness.info.project, textFilter: '+connect -attempt' },
        range
      ),
      'events'
    );
    const expected = column(events, 'event') as string[];
    expect(expected.length).toBeGreaterThan(0);
    await expect(rows).toHaveCount(expected.length);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.children[1].textContent ?? ''));
    expect(shown).toEqual(expected);
    for (const name of shown) {
      expect(name).toMatch(/^Connect /);
      expect(name).not.toMatch(/Attempt/);
    }
    // Removing a term widens the log again.
    await page.getByRole('button', { name: 'Remove filter -attempt' }).click();
    await expect(rows).not.toHaveCount(expected.length);
  });

  test('toggling subscribers off removes their series', async ({ page, harness }) => {
    const s = busySession(harness);
    await openInspector(page, harness, s.sessionId);
    const chart = page.locator(tid(testIds.inspector.qualityChart('bitrateKbps-video')));
    const range = await shownRange(page);
    const quality = await harness.collectorQuery(
      { queryType: 'quality', sessionId: s.sessionId, project: harness.info.project, metrics: ['bitrateKbps'] },
      range
    );
    const roles = (quality.frames ?? [])
      .filter((f) => f.schema.fields[1].labels?.media === 'video')
      .map((f) => f.schema.fields[1].labels?.role);
    const publishers = roles.filter((r) => r === 'publisher').length;
    const subscribers = roles.filter((r) => r === 'subscriber').length;
    expect(subscribers).toBeGreaterThan(0);
    await expect(chart).toHaveAttribute('data-series', String(publishers + subscribers), { timeout: 30_000 });
    await expect(chart).toHaveAttribute('data-subscribers', String(subscribers));

    await page.getByRole('checkbox', { name: 'Subscribers' }).setChecked(false, { force: true });
    await expect(chart).toHaveAttribute('data-series', String(publishers));
    await expect(chart).toHaveAttribute('data-subscribers', '0');
    expect(new URL(page.url()).searchParams.get('hide')).toBe('subscribers');
    // The note says which publisher-quality rule the collector applied, per media.
    const streams = new Map<string, Set<string>>();
    for (const f of quality.frames ?? []) {
      const labels = f.schema.fields[1].labels ?? {};
      const rule = f.schema.meta?.custom?.publisherRule;
      if (labels.role === 'publisher' && rule) {
        streams.set(
          `${labels.media}|${rule}`,
          (streams.get(`${labels.media}|${rule}`) ?? new Set()).add(labels.stream)
        );
      }
    }
    expect(streams.size).toBeGreaterThan(0);
    const note = page.locator(tid(testIds.inspector.qualityNote)).getByRole('listitem');
    await expect(note).toHaveCount(streams.size);
    for (const [key, set] of streams) {
      const [media, rule] = key.split('|');
      await expect(note.and(page.locator(`[data-media="${media}"][data-rule="${rule}"]`))).toContainText(
        `${set.size} publisher ${media} stream`
      );
    }
    // The legend counts what is left: no user receives a stream any more.
    const legend = page.locator(tid(testIds.inspector.qualityLegend));
    await expect(legend.getByText(/receives [1-9]/)).toHaveCount(0);
    await expect(legend.getByText(/publishes [1-9]/).first()).toBeVisible();
  });

  test('dragging on a chart zooms every module to the dragged range', async ({ page, harness }) => {
    const s = busySession(harness);
    await openInspector(page, harness, s.sessionId);
    const before = await shownRange(page);
    // Drag only once every module has its data (the charts are drawn for good).
    await expect(page.locator(tid(testIds.module.loading))).toHaveCount(0, { timeout: 30_000 });
    await expect(page.locator(tid(testIds.inspector.eventRow)).first()).toBeVisible();
    const eventsBefore = await page.locator(tid(testIds.inspector.eventRow)).count();
    const over = page.locator(tid(testIds.inspector.qualityChart('bitrateKbps-video'))).locator('.u-over');
    await over.scrollIntoViewIfNeeded();
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();

    await expect(page.locator(tid(testIds.inspector.resetZoom))).toBeVisible();
    const after = await shownRange(page);
    expect(after.from).toBeGreaterThan(before.from);
    expect(after.to).toBeLessThan(before.to);
    const url = new URL(page.url());
    expect(Number(url.searchParams.get('from'))).toBe(after.from);
    expect(Number(url.searchParams.get('to'))).toBe(after.to);

    // Summary, events and users now answer for the zoomed range, as the collector does.
    await expectSummaryEqualsCollector(page, harness, s.sessionId);
    const events = frameOf(
      await harness.collectorQuery(
        { queryType: 'events', sessionId: s.sessionId, project: harness.info.project },
        after
      ),
      'events'
    );
    const rows = page.locator(tid(testIds.inspector.eventRow));
    await expect(rows).toHaveCount(Math.min(500, column(events, 'time').length));
    expect(column(events, 'time').length).toBeLessThan(eventsBefore);
    for (const t of await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-time'))))) {
      expect(t).toBeGreaterThanOrEqual(after.from);
      expect(t).toBeLessThanOrEqual(after.to);
    }
    const quality = await harness.collectorQuery(
      { queryType: 'quality', sessionId: s.sessionId, project: harness.info.project, metrics: ['bitrateKbps'] },
      after
    );
    for (const media of ['video', 'audio']) {
      await expect(page.locator(tid(testIds.inspector.qualityChart(`bitrateKbps-${media}`)))).toHaveAttribute(
        'data-series',
        String((quality.frames ?? []).filter((f) => f.schema.fields[1].labels?.media === media).length)
      );
    }
    const users = frameOf(
      await harness.collectorQuery(
        { queryType: 'users', sessionId: s.sessionId, project: harness.info.project },
        after
      ),
      'users'
    );
    await expect(page.locator(tid(testIds.inspector.userRow))).toHaveCount(column(users, 'userId').length);

    await page.locator(tid(testIds.inspector.resetZoom)).click();
    expect(await shownRange(page)).toEqual(before);
  });

  test('choosing a meeting narrows every module to it', async ({ page, harness }) => {
    const multi = harness.info.sessions.find((x) => x.callType === 'multiparty' && x.users <= 5 && x.errors > 0)!;
    const meetings = frameOf(
      await harness.collectorQuery(
        { queryType: 'meetings', sessionId: multi.sessionId },
        { from: 0, to: harness.info.now + 3_600_000 }
      ),
      'meetings'
    );
    const ids = column(meetings, 'meetingId') as string[];
    expect(ids.length).toBeGreaterThan(1);
    await openInspector(page, harness, multi.sessionId, `&meeting=${ids[1]}`);
    const range = await shownRange(page);
    expect(range.from).toBe((column(meetings, 'start')[1] as number) - 60_000);
    expect(range.to).toBe((column(meetings, 'end')[1] as number) + 60_000);
    const summary = frameOf(
      await harness.collectorQuery({ queryType: 'summary', sessionId: multi.sessionId, meetingId: ids[1] }, range),
      'summary'
    );
    await expect(page.locator(tid(testIds.inspector.stat('users')))).toHaveText(String(column(summary, 'users')[0]));
    await expect(page.locator(tid(testIds.inspector.stat('meetings')))).toHaveText('1');
    await expect(page.locator(tid(testIds.inspector.userRow))).toHaveCount(column(summary, 'users')[0] as number);
  });

  test('the session id heads the page; the legend names every user; bitrate has an axis per media', async ({
    page,
    harness,
  }) => {
    const s = busySession(harness);
    await openInspector(page, harness, s.sessionId);
    await expect(page.locator(tid(testIds.inspector.sessionId))).toHaveText(s.sessionId);
    const range = await shownRange(page);
    const quality = await harness.collectorQuery(
      { queryType: 'quality', sessionId: s.sessionId, project: harness.info.project },
      range
    );
    const labels = (quality.frames ?? []).map((f) => ({
      user: f.schema.fields[1].labels?.user ?? '',
      media: f.schema.fields[1].labels?.media ?? '',
      metric: f.schema.fields[1].name,
    }));
    const users = [...new Set(labels.map((l) => l.user))].sort();
    const legend = page.locator(tid(testIds.inspector.qualityLegend));
    await expect(legend.locator('[data-user]')).toHaveCount(users.length, { timeout: 30_000 });
    expect(await legend.locator('[data-user]').evaluateAll((li) => li.map((x) => x.getAttribute('data-user')))).toEqual(
      users
    );
    // Audio and video bitrates on their own charts (and axes), each with its own guide only.
    for (const media of ['video', 'audio'] as const) {
      const chart = page.locator(tid(testIds.inspector.qualityChart(`bitrateKbps-${media}`)));
      const expected = labels.filter((l) => l.media === media && l.metric === 'bitrateKbps').length;
      expect(expected).toBeGreaterThan(0);
      await expect(chart).toHaveAttribute('data-series', String(expected));
      await expect(chart).toHaveAttribute(`data-${media}`, String(expected));
      await expect(chart).toHaveAttribute(`data-${media === 'video' ? 'audio' : 'video'}`, '0');
    }
    // Guide labels sit inside the plot area, clear of the y axis and its unit: nothing coloured
    // is drawn left of the plot (axis text is grey; series are clipped to the plot).
    const charts = page.locator(`figure[data-testid^="${testIds.inspector.qualityChart('')}"]`);
    expect(await charts.count()).toBeGreaterThanOrEqual(4);
    for (const figure of await charts.all()) {
      const left = await figure.evaluate((f) => {
        const canvas = f.querySelector('canvas')!;
        const plotLeft = Math.floor(
          (f.querySelector('.u-over')!.getBoundingClientRect().x - canvas.getBoundingClientRect().x) * devicePixelRatio
        );
        const d = canvas.getContext('2d')!.getImageData(0, 0, plotLeft, canvas.height).data;
        let coloured = 0;
        for (let i = 0; i < d.length; i += 4) {
          coloured += Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 80 ? 1 : 0;
        }
        return coloured;
      });
      expect(left, await figure.locator('figcaption').innerText()).toBe(0);
    }
    // Pointing at a line names its user, media and stream under the chart.
    const chart = page.locator(tid(testIds.inspector.qualityChart('bitrateKbps-video')));
    await chart.scrollIntoViewIfNeeded();
    const over = chart.locator('.u-over');
    const box = (await over.boundingBox())!;
    const readout = chart.locator('[aria-live="polite"]');
    let named = '';
    for (let x = 0.1; x < 0.95 && !/ · video · (publishes|receives) /.test(named); x += 0.05) {
      for (let y = 0.1; y < 0.95 && !/ · video · (publishes|receives) /.test(named); y += 0.1) {
        await page.mouse.move(box.x + box.width * x, box.y + box.height * y);
        named = (await readout.textContent()) ?? '';
      }
    }
    expect(users.some((u) => named.startsWith(`${u} · video · `))).toBe(true);
  });

  test("times follow Grafana's date formats in the user's time zone", async ({ browser, harness }) => {
    const context = await browser.newContext({ timezoneId: 'America/New_York' });
    const page = await context.newPage();
    const s = busySession(harness);
    await openInspector(page, harness, s.sessionId);
    const range = await shownRange(page);
    const inZone = (ms: number) =>
      new Intl.DateTimeFormat('sv-SE', {
        timeZone: 'America/New_York',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(ms));
    // The header says the range in Grafana's full date format, YYYY-MM-DD HH:mm:ss, New York time.
    await expect(page.locator(tid(testIds.inspector.range))).toContainText(
      `${inZone(range.from)} → ${inZone(range.to)}`
    );
    // The time axis ticks use Grafana's interval format (HH:mm for minutes), in the same zone.
    const chart = page.locator(tid(testIds.inspector.qualityChart('bitrateKbps-video')));
    await expect(chart).toHaveAttribute('data-ticks', /^\d{2}:\d{2}(\|\d{2}:\d{2})+$/);
    const ticks = (await chart.getAttribute('data-ticks'))!.split('|');
    const first = inZone(range.from).slice(11, 16);
    const last = inZone(range.to).slice(11, 16);
    for (const t of ticks) {
      expect(first <= last ? t >= first && t <= last : t >= first || t <= last).toBe(true);
    }
    await context.close();
  });

  test('an unknown session says so instead of showing empty modules', async ({ page, harness }) => {
    await harness.open(page, `${APP}/1_MX4-no-such-session?project=${harness.info.project}`);
    await expect(page.locator(tid(testIds.inspector.notFound))).toContainText(
      'No data for session 1_MX4-no-such-session'
    );
  });
});
