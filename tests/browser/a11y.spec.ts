import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Theme } from './harness/fixtures';
import { VIEWS } from './harness/views';

/** Contrast differs per theme: the pages with the most kinds of content are scanned in both. */
const THEMES: Record<string, Theme[]> = { 'sessions-active': ['dark', 'light'], inspector: ['dark', 'light'] };

test.describe('accessibility (axe-core): no serious or critical violation', () => {
  for (const view of VIEWS) {
    for (const theme of THEMES[view.name] ?? ['dark']) {
      test(`${view.name} (${theme})`, async ({ page, harness }) => {
        await view.prepare?.(page, harness);
        await harness.open(page, view.path(harness), theme);
        await view.ready(page);
        const builder = new AxeBuilder({ page });
        const result = await (view.scanOnly ? builder.include(view.scanOnly) : builder).analyze();
        const bad = result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map(
            (v) =>
              `${v.id} (${v.impact}): ${v.help} at ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(' '))
                .join(' | ')}`
          );
        expect(bad).toEqual([]);
        expect(result.passes.length).toBeGreaterThan(10);
      });
    }
  }
});
