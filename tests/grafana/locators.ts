// What the Grafana specs look for, shared with tests/browser/grafanaLocators.spec.ts, which
// checks on the harness (no Grafana needed) that each one finds exactly one element:
// Playwright's strict mode fails an action or assertion on a locator that matches two.
import type { Page } from '@playwright/test';

export const sessionsPage = {
  search: (page: Page) => page.getByPlaceholder('1_MX4...'),
  table: (page: Page) => page.getByRole('table'),
};

export const appConfigPage = {
  intro: (page: Page) => page.getByText(/reads its data through the Session Telemetry data source/),
  addDataSource: (page: Page) => page.getByRole('link', { name: 'Add a Session Telemetry data source' }),
};
