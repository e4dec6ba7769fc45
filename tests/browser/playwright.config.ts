import { defineConfig } from '@playwright/test';

/**
 * Browser tests without Grafana: Debian's Chromium (browser downloads do not work on our
 * machines), our own pages, panels and importers driven against a real collector. Each spec
 * starts what it needs (collector, harness page) itself.
 */
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts/,
  outputDir: '../../test-results/browser',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 120_000,
  reporter: [['list']],
  // Bundles the harness page and starts a collector with simulated data once per run.
  globalSetup: './harness/globalSetup.ts',
  use: {
    launchOptions: { executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium' },
    trace: 'retain-on-failure',
  },
});
