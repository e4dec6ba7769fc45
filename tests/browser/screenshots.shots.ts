import path from 'node:path';
import { expect, test, type Theme } from './harness/fixtures';
import { VIEWS } from './harness/views';

const OUT = path.resolve(__dirname, '../../test-results/screenshots');
const THEMES: Theme[] = ['dark', 'light'];

test.describe('screenshots', () => {
  for (const view of VIEWS) {
    for (const theme of THEMES) {
      test(`${view.name} (${theme})`, async ({ page, harness }) => {
        await page.setViewportSize({ width: 1440, height: 1000 });
        await view.prepare?.(page, harness);
        await harness.open(page, view.path(harness), theme);
        await view.ready(page);
        // Real data only: nothing still loading, no empty-state or error text.
        await expect(page.getByText(/Loading|Could not load|No data for session/)).toHaveCount(0);
        const file = path.join(OUT, `${view.name}-${theme}.png`);
        if (view.shotOf) {
          await page.locator(view.shotOf).screenshot({ path: file });
          return;
        }
        // A full-page capture resizes the viewport while it shoots, and the charts redraw for
        // the new size mid-capture: make the viewport the page's height first, let them settle.
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        await page.setViewportSize({ width: 1440, height });
        await page.waitForTimeout(1000);
        await page.screenshot({ path: file, fullPage: true });
      });
    }
  }
});
