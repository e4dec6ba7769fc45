import { testIds } from '../../src/components/testIds';
import { expect, test, tid } from './harness/fixtures';

const APP = '/a/rtc-sessioninspector-app/sessions';

/** U1 in the app: a rating and a mark sent for a session show on its timeline and in its event log; the search finds it. */
test('ratings and marks on the Inspector timeline and event log; the sessions search filters low-rated calls', async ({
  page,
  harness,
}) => {
  const h = harness.info;
  const s = h.sessions.find((x) => x.callType === 'one-to-one') ?? h.sessions[0];
  // The simulated session's own time: its first event, from the collector.
  const listed = await fetch(`${h.collectorUrl}/api/v1/sessions?q=${s.sessionId}&from=0&to=${h.now + 3_600_000}`, {
    headers: { authorization: `Bearer ${h.readToken}` },
  });
  const { sessions } = (await listed.json()) as { sessions: Array<{ start: number; end: number }> };
  const at = Math.round((sessions[0].start + sessions[0].end) / 2);
  const records = [
    {
      kind: 'rating',
      id: 'ui-rating-1',
      sessionId: s.sessionId,
      ts: at,
      clientId: 'ui-rater',
      score: 1,
      comment: 'could not hear anyone',
    },
    {
      kind: 'mark',
      id: 'ui-mark-1',
      sessionId: s.sessionId,
      ts: at - 60_000,
      clientId: 'ui-rater',
      name: 'opened-chat',
    },
  ];
  const res = await fetch(`${h.collectorUrl}/api/v1/ingest?project=${h.project}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ records }),
  });
  expect(res.status).toBe(200);

  await harness.open(page, `${APP}/${s.sessionId}?project=${h.project}`);
  const marks = page.locator(tid(testIds.inspector.timelineMarks));
  await expect(marks).toBeVisible({ timeout: 30_000 });
  await expect(marks.getByRole('listitem')).toHaveText([
    /ui-rater: opened-chat/,
    /ui-rater: rated 1\/5 "could not hear anyone"/,
  ]);
  await expect(page.locator(tid(testIds.inspector.qualityChart('bitrateKbps-video')))).toHaveAttribute(
    'data-markers',
    '2'
  );
  const log = page.locator(tid(testIds.inspector.events));
  await expect(log.getByRole('row', { name: /Rating .*ui-rater.*1\/5 · could not hear anyone/ })).toBeVisible();
  await expect(log.getByRole('row', { name: /Mark .*ui-rater.*opened-chat/ })).toBeVisible();

  await harness.open(page, '/a/rtc-sessioninspector-app/sessions');
  await page.locator(tid(testIds.sessions.filterRating)).getByRole('radio', { name: '1 or lower' }).click();
  const table = page.locator(tid(testIds.sessions.table));
  await expect(table.getByRole('row')).toHaveCount(2, { timeout: 30_000 });
  await expect(table.getByRole('row').nth(1)).toContainText(s.sessionId);
  await expect(table.getByRole('row').nth(1)).toContainText('1/5');
});
