import { testIds } from '../../src/components/testIds';
import { Thresholds } from '../../src/model';
import { column, expect, frameOf, test, tid, type Harness } from './harness/fixtures';

function panelUrl(h: Harness, panel: string, query: object, range: { from: number; to: number }, options: object = {}) {
  const p = new URLSearchParams({
    query: JSON.stringify(query),
    options: JSON.stringify(options),
    from: String(range.from),
    to: String(range.to),
  });
  return `/harness/panel/${panel}?${p}`;
}

const busy = (h: Harness) =>
  h.info.sessions.find(
    (s) => s.callType === 'multiparty' && s.subscribers >= 10 && s.subscribers <= 100 && s.errors > 0
  )!;

test.describe('bundled panels on their own, fed by the data source', () => {
  test('session search lists the sessions query and links each row to the Inspector', async ({ page, harness }) => {
    const range = { from: harness.info.now - 6 * 3_600_000, to: harness.info.now + 60_000 };
    const query = { queryType: 'sessions', project: harness.info.project };
    const sessions = frameOf(await harness.collectorQuery(query, range), 'sessions');
    const ids = column(sessions, 'sessionId') as string[];
    expect(ids.length).toBeGreaterThan(5);
    await harness.open(page, panelUrl(harness, 'sessionSearch', query, range));
    const panel = page.locator(tid(testIds.panels.sessionSearch));
    const links = panel.getByRole('link');
    await expect(links).toHaveCount(ids.length);
    expect(await links.allTextContents()).toEqual(ids);
    await expect(links.first()).toHaveAttribute(
      'href',
      `/a/rtc-sessioninspector-app/sessions/${ids[0]}?project=${harness.info.project}`
    );

    // The network column: each session's band and share of samples with a poor network.
    const shares = column(sessions, 'poorPct') as Array<number | null>;
    expect(shares.some((x) => x !== null)).toBe(true);
    for (const [i, share] of shares.entries()) {
      const row = panel.getByRole('row').filter({ has: page.getByRole('link', { name: ids[i], exact: true }) });
      const band =
        share === null
          ? '—'
          : share > Thresholds.sessionPoorSamplesPoorPct
            ? /^poor \d+ %$/
            : share > Thresholds.sessionPoorSamplesFairPct
              ? /^fair \d+ %$/
              : 'good';
      await expect(row.getByRole('cell').last()).toHaveText(band);
    }

    // The errors-only option and the search box narrow the rows.
    const withErrors = ids.filter((_, i) => (column(sessions, 'errors')[i] as number) > 0);
    await harness.open(page, panelUrl(harness, 'sessionSearch', query, range, { errorsOnly: true }));
    await expect(page.locator(tid(testIds.panels.sessionSearch)).getByRole('link')).toHaveCount(withErrors.length);
    await page.getByRole('textbox', { name: 'Session id' }).fill(withErrors[0]);
    await expect(page.locator(tid(testIds.panels.sessionSearch)).getByRole('link')).toHaveText([withErrors[0]]);
  });

  test('user drilldown shows the users query and expands to connections', async ({ page, harness }) => {
    const s = busy(harness);
    const range = { from: harness.info.now - 6 * 3_600_000, to: harness.info.now + 60_000 };
    const query = { queryType: 'users', sessionId: s.sessionId, project: harness.info.project };
    const users = column(frameOf(await harness.collectorQuery(query, range), 'users'), 'userId') as string[];
    await harness.open(page, panelUrl(harness, 'userDrilldown', query, range, { expandAll: true }));
    const rows = page.locator(tid(testIds.inspector.userRow));
    await expect(rows).toHaveCount(users.length);
    await expect(page.locator(tid(testIds.inspector.connections))).toHaveCount(users.length);
    await expect(page.getByRole('link', { name: `Open ${s.sessionId} in the Inspector` })).toBeVisible();
  });

  test('event log: the option filter and the viewer terms stack, matching the collector filter', async ({
    page,
    harness,
  }) => {
    const s = busy(harness);
    const range = { from: harness.info.now - 6 * 3_600_000, to: harness.info.now + 60_000 };
    const query = { queryType: 'events', sessionId: s.sessionId, project: harness.info.project };
    const filtered = column(
      frameOf(await harness.collectorQuery({ ...query, textFilter: '+connect -attempt' }, range), 'events'),
      'event'
    );
    await harness.open(page, panelUrl(harness, 'eventLog', query, range, { filter: '+connect' }));
    const rows = page.locator(tid(testIds.inspector.eventRow));
    await expect(rows.first()).toBeVisible();
    const input = page.locator(tid(testIds.inspector.filterInput));
    await input.fill('attempt');
    await page.getByRole('button', { name: 'Drop events with this term' }).click();
    await expect(rows).toHaveCount(filtered.length);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.children[1].textContent))).toEqual(filtered);
  });
});
