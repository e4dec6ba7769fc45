import { readFileSync } from 'node:fs';
import { expect, test as base, type Page } from '@playwright/test';
import type { StackInfo } from './stack';
import { STACK_FILE } from './globalSetup';

export type Theme = 'dark' | 'light';

export interface Harness {
  info: StackInfo;
  /** Opens an app path (`/a/rtc-sessioninspector-app/...`) or a panel in the given theme. */
  open(page: Page, pathAndQuery: string, theme?: Theme): Promise<void>;
  /** The collector's own answer to one query over a range, straight from its API. */
  collectorQuery(
    query: Record<string, unknown>,
    range: { from: number; to: number },
    maxDataPoints?: number
  ): Promise<CollectorResult>;
}

export interface CollectorFrame {
  schema: {
    name?: string;
    meta?: { custom?: { publisherRule?: string } };
    fields: Array<{ name: string; labels?: Record<string, string> }>;
  };
  data: { values: unknown[][] };
}

export interface CollectorResult {
  status: number;
  error?: string;
  frames?: CollectorFrame[];
}

export function column(frame: CollectorFrame, name: string): unknown[] {
  const i = frame.schema.fields.findIndex((f) => f.name === name);
  if (i < 0) {
    throw new Error(`no field ${name} in frame ${frame.schema.name}`);
  }
  return frame.data.values[i];
}

export function frameOf(result: CollectorResult, name: string): CollectorFrame {
  const f = result.frames?.find((x) => x.schema.name === name);
  if (!f) {
    throw new Error(`no frame ${name} (status ${result.status} ${result.error ?? ''})`);
  }
  return f;
}

export const test = base.extend<{ harness: Harness }>({
  harness: async ({}, use) => {
    const info = JSON.parse(readFileSync(STACK_FILE, 'utf8')) as StackInfo;
    await use({
      info,
      async open(page, pathAndQuery, theme = 'dark') {
        await page.addInitScript((t) => localStorage.setItem('harness.theme', t), theme);
        await page.goto(`${info.harnessUrl}${pathAndQuery}`);
      },
      async collectorQuery(query, range, maxDataPoints = 300) {
        const res = await fetch(`${info.collectorUrl}/api/v1/query`, {
          method: 'POST',
          headers: { authorization: `Bearer ${info.readToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ queries: [{ refId: 'A', timeRange: range, maxDataPoints, intervalMs: 1000, query }] }),
        });
        const body = (await res.json()) as { results: Record<string, CollectorResult> };
        return body.results.A;
      },
    });
  },
});

export { expect };

export const tid = (id: string) => `[data-testid="${id}"]`;
