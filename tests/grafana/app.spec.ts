// Grafana end-to-end specs (@grafana/plugin-e2e), for machines with a Grafana running the
// Compose stack: `docker compose up --build`, then `npm run e2e`.
import { test, expect } from './fixtures';
import { ROUTES } from '../../src/constants';

test('the sessions page lists simulated sessions', async ({ gotoPage, page }) => {
  await gotoPage(`/${ROUTES.Sessions}`);
  await expect(page.getByPlaceholder('1_MX4...')).toBeVisible();
  await expect(page.getByRole('table')).toContainText('1_MX4');
});

test('the config page points to the data source', async ({ appConfigPage, page }) => {
  await expect(appConfigPage.ctx.page.getByText('Session Telemetry data source')).toBeVisible();
  await expect(page.getByRole('link', { name: /Add a Session Telemetry data source/ })).toBeVisible();
});

test('the provisioned data source passes Save & test', async ({
  readProvisionedDataSource,
  gotoDataSourceConfigPage,
}) => {
  const ds = await readProvisionedDataSource({ fileName: 'sessiontelemetry.yaml' });
  const configPage = await gotoDataSourceConfigPage(ds.uid);
  await expect(configPage.saveAndTest()).toBeOK();
});
