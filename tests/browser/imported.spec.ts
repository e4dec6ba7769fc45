import { testIds } from '../../src/components/testIds';
import { column, expect, frameOf, test, tid } from './harness/fixtures';

const APP = '/a/rtc-sessioninspector-app/sessions';

// A real Chrome dump recorded in 2020, imported when the stack started (harness/stack.ts): the
// Sessions page finds it in its default window, and the Inspector opens it at its recorded time.
test('an imported dump recorded years ago is listed by its import time and opens in the Inspector', async ({
  page,
  harness,
}) => {
  const { imported } = harness.info;
  await harness.open(page, APP);
  const table = page.locator(tid(testIds.sessions.table));
  await expect(table).toBeVisible({ timeout: 30_000 });
  // The default window (last 24 hours) was not widened.
  await expect(page.getByRole('radio', { name: '24 h' })).toBeChecked();
  const row = table.locator('tr', { hasText: imported.sessionId });
  await expect(row).toHaveCount(1);
  await expect(row.getByText('imported', { exact: true })).toBeVisible();
  await expect(row).toContainText('2020-11-12');

  await row.getByRole('link', { name: imported.sessionId }).click();
  await expect(page.locator(tid(testIds.inspector.summary))).toBeVisible({ timeout: 30_000 });
  const range = page.locator(tid(testIds.inspector.range));
  const from = Number(await range.getAttribute('data-from'));
  const to = Number(await range.getAttribute('data-to'));
  expect(new Date(from).toISOString().slice(0, 10)).toBe('2020-11-12');
  const summary = frameOf(
    await harness.collectorQuery(
      { queryType: 'summary', sessionId: imported.sessionId, project: harness.info.project },
      { from, to }
    ),
    'summary'
  );
  // One browser recorded the call; the streams it received stand for the participants it saw.
  expect(column(summary, 'recordedUsers')[0]).toBe(1);
  const users = column(summary, 'users')[0] as number;
  expect(users).toBeGreaterThan(1);
  await expect(page.locator(tid(testIds.inspector.stat('users')))).toHaveText(String(users));
});
