// Grafana end-to-end specs (@grafana/plugin-e2e), for machines with a Grafana running the
// Compose stack: `docker compose up --build`, then `npm run e2e`. The locators are checked
// without Grafana by tests/browser/grafanaLocators.spec.ts.
import { test, expect } from './fixtures';
import { appConfigPage, sessionsPage } from './locators';
import { ROUTES } from '../../src/constants';

test('the sessions page lists simulated sessions', async ({ gotoPage, page }) => {
  await gotoPage(`/${ROUTES.Sessions}`);
  await expect(sessionsPage.search(page)).toBeVisible();
  await expect(sessionsPage.table(page)).toContainText('1_MX4');
});

test('the config page points to the data source', async ({ appConfigPage: configPage }) => {
  const page = configPage.ctx.page;
  await expect(appConfigPage.intro(page)).toBeVisible();
  await expect(appConfigPage.addDataSource(page)).toBeVisible();
});

test('the provisioned data source passes Save & test', async ({
  readProvisionedDataSource,
  gotoDataSourceConfigPage,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'sessiontelemetry.yaml' });
  const configPage = await gotoDataSourceConfigPage(ds.uid);
  await expect(configPage.saveAndTest()).toBeOK();
});
