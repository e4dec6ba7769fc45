import { appConfigPage, sessionsPage } from '../grafana/locators';
import { expect, test } from './harness/fixtures';

// The Grafana specs (tests/grafana) need a Grafana to run; their locators are checked here on
// the same pages, so that none breaks Playwright's strict mode by matching two elements.
test.describe('locators of the Grafana specs find one element each', () => {
  test('sessions page', async ({ page, harness }) => {
    await harness.open(page, `/a/rtc-sessioninspector-app/sessions?project=${harness.info.project}`);
    await expect(sessionsPage.search(page)).toHaveCount(1);
    await expect(sessionsPage.table(page)).toHaveCount(1);
    await expect(sessionsPage.table(page)).toContainText(harness.info.sessions[0].sessionId.slice(0, 5));
  });

  test('app configuration page', async ({ page, harness }) => {
    await harness.open(page, '/plugins/rtc-sessioninspector-app');
    await expect(appConfigPage.intro(page)).toHaveCount(1);
    await expect(appConfigPage.addDataSource(page)).toHaveCount(1);
  });
});
