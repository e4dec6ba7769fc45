import { testIds } from '../../src/components/testIds';
import { column, expect, frameOf, test, tid } from './harness/fixtures';

test.describe('large sessions', () => {
  test('a 1,000-subscriber broadcast opens with timelines and a heatmap of every subscriber', async ({
    page,
    harness,
  }) => {
    const big = harness.info.broadcast;
    expect(big?.subscribers).toBe(1000);
    const asked: Array<{ refId?: string; role?: string }> = [];
    page.on('request', (req) => {
      if (new URL(req.url()).pathname === '/api/ds/query') {
        asked.push(...(JSON.parse(req.postData() ?? '{}') as { queries: typeof asked }).queries);
      }
    });
    await harness.open(page, `/a/rtc-sessioninspector-app/sessions/${big!.sessionId}?project=${harness.info.project}`);
    const heatmap = page.locator(tid(testIds.inspector.heatmap));
    await expect(heatmap).toBeVisible({ timeout: 90_000 });
    const range = page.locator(tid(testIds.inspector.range));
    const window = {
      from: Number(await range.getAttribute('data-from')),
      to: Number(await range.getAttribute('data-to')),
    };

    const summary = frameOf(
      await harness.collectorQuery({ queryType: 'summary', sessionId: big!.sessionId }, window),
      'summary'
    );
    expect(column(summary, 'subscribers')[0] as number).toBeGreaterThanOrEqual(1000);
    const heat = await harness.collectorQuery(
      { queryType: 'quality', sessionId: big!.sessionId, role: 'subscriber', media: 'video', metrics: ['lossPct'] },
      window,
      120
    );
    // A series per number field: above 1,000 series the collector answers one wide frame.
    const subscribers = (heat.frames ?? []).reduce((n, f) => n + f.schema.fields.length - 1, 0);
    expect(subscribers).toBeGreaterThanOrEqual(1000);
    await expect(heatmap).toHaveAttribute('data-rows', String(subscribers));

    for (const kind of ['connections', 'subscribers']) {
      await expect(page.locator(tid(testIds.inspector.timeline(kind)))).toHaveAttribute('data-series', '3');
    }
    // The quality charts wait for the summary: a large session's are its publishers', and the page
    // never asks for every subscriber's series (3.5 MB at 5 s sampling) only to drop them.
    await expect(page.locator(tid(testIds.inspector.qualityChart('bitrateKbps-video')))).toBeVisible();
    const quality = asked.filter((q) => q.refId === 'quality');
    expect(quality.length).toBeGreaterThan(0);
    expect(quality.map((q) => q.role)).toEqual(quality.map(() => 'publisher'));
    // The heatmap's time axis is the timelines' time axis: same left and right edge, to the pixel.
    const plotArea = await page.locator(`${tid(testIds.inspector.timeline('connections'))} .u-over`).boundingBox();
    const canvas = await heatmap.locator('canvas').boundingBox();
    expect(Math.abs(canvas!.x - plotArea!.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(canvas!.x + canvas!.width - (plotArea!.x + plotArea!.width))).toBeLessThanOrEqual(1);
    // Hundreds of issue tags come a page at a time: the page stays a page (it was over 14,000 px).
    const issues = frameOf(
      await harness.collectorQuery({ queryType: 'issues', sessionId: big!.sessionId }, window),
      'issues'
    );
    expect(column(issues, 'kind').length).toBeGreaterThan(25);
    await expect(page.locator(tid(testIds.inspector.issueRow))).toHaveCount(25, { timeout: 30_000 });
    await page.locator(tid(testIds.inspector.issuesPage)).getByRole('button', { name: '2', exact: true }).click();
    await expect(page.locator(tid(testIds.inspector.issues)).locator('caption')).toHaveText(
      `${column(issues, 'kind').length} issues, 26 to 50 shown`
    );
    await expect(page.locator(tid(testIds.inspector.issueRow))).toHaveCount(25);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(9000);
    // The worst subscriber first: its detail names it.
    await heatmap.getByRole('button').first().click();
    await expect(page.locator(tid(testIds.inspector.heatmapDetail))).toContainText('Mean loss');
  });
});
