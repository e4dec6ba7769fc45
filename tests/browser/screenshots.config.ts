import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * `npm run screenshots`: every page and the three panels, in both themes, with real simulated
 * data, written to test-results/screenshots/. Not part of the test run (`*.shots.ts`).
 */
export default defineConfig({ ...base, testMatch: /.*\.shots\.ts/, outputDir: '../../test-results/screenshots-run' });
