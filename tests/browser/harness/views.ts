import type { Page } from '@playwright/test';
import { testIds } from '../../../src/components/testIds';
import { expect, tid, type Harness } from './fixtures';

/** Every page and panel the app ships, as the screenshot command and the accessibility scan open them. */
export interface View {
  name: string;
  path: (h: Harness) => string;
  /** After navigation: wait until the view shows its data. */
  ready: (page: Page) => Promise<void>;
  /** What the accessibility scan reads, when not the whole page (the rest is scanned by another view). */
  scanOnly?: string;
  /** Before navigation: give the view its data (a session inspected, a session saved). */
  prepare?: (page: Page, h: Harness) => Promise<void>;
  /** The screenshot shows this element only (a module of a page shot whole by another view). */
  shotOf?: string;
}

/** A session the views save (not the one saved.spec.ts saves and deletes). */
const savedForViews = (h: Harness) => h.info.sessions.find((s) => s.callType === 'one-to-zero')!;

async function saveOne(_page: Page, h: Harness) {
  const s = savedForViews(h);
  const res = await fetch(`${h.info.collectorUrl}/api/v1/saved/${h.info.project}/${encodeURIComponent(s.sessionId)}`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${h.info.readToken}`,
      'content-type': 'application/json',
      'X-Grafana-Role': 'Editor',
    },
    body: JSON.stringify({ name: 'Nobody joined the host', tags: ['one-to-zero', 'support'] }),
  });
  expect(res.ok).toBe(true);
}

async function inspectOne(page: Page, h: Harness) {
  await h.open(page, `/a/rtc-sessioninspector-app/sessions/${busySession(h).sessionId}?project=${h.info.project}`);
  await expect(page.locator(tid(testIds.inspector.summary))).toBeVisible({ timeout: 30_000 });
}

export const busySession = (h: Harness) =>
  h.info.sessions.find(
    (s) => s.callType === 'multiparty' && s.subscribers >= 10 && s.subscribers <= 100 && s.errors > 0
  )!;

const recentRange = (h: Harness) => ({ from: String(h.info.now - 6 * 3_600_000), to: String(h.info.now + 60_000) });

function panelPath(panel: string, query: object, h: Harness, options: object = {}) {
  const p = new URLSearchParams({ query: JSON.stringify(query), options: JSON.stringify(options), ...recentRange(h) });
  return `/harness/panel/${panel}?${p}`;
}

/** No module still loading, and the given element shown. */
async function settled(page: Page, selector: string) {
  await expect(page.locator(selector).first()).toBeVisible({ timeout: 90_000 });
  await expect(page.locator(tid(testIds.module.loading))).toHaveCount(0, { timeout: 90_000 });
  await expect(page.getByText(/Loading/)).toHaveCount(0);
}

async function sessionsTab(page: Page, tab: string, selector: string) {
  await page.getByRole('tab', { name: tab }).click();
  await settled(page, selector);
}

export const VIEWS: View[] = [
  {
    name: 'sessions-active',
    path: () => '/a/rtc-sessioninspector-app/sessions',
    ready: (p) => settled(p, tid(testIds.sessions.table)),
  },
  {
    name: 'sessions-recent',
    path: () => '/a/rtc-sessioninspector-app/sessions',
    prepare: inspectOne,
    ready: (p) => sessionsTab(p, 'Recently inspected', `${tid(testIds.sessions.recent)} a`),
  },
  {
    name: 'sessions-saved',
    path: () => '/a/rtc-sessioninspector-app/sessions',
    prepare: saveOne,
    ready: (p) => sessionsTab(p, 'Saved', tid(testIds.sessions.savedRow)),
  },
  {
    name: 'inspector',
    path: (h) => `/a/rtc-sessioninspector-app/sessions/${busySession(h).sessionId}?project=${h.info.project}`,
    ready: (p) => settled(p, tid(testIds.inspector.eventRow)),
  },
  {
    name: 'inspector-2-users',
    path: (h) =>
      `/a/rtc-sessioninspector-app/sessions/${h.info.sessions.find((x) => x.callType === 'one-to-one')!.sessionId}?project=${h.info.project}`,
    ready: (p) => settled(p, tid(testIds.inspector.eventRow)),
    scanOnly: tid(testIds.inspector.quality),
  },
  {
    name: 'inspector-12-users',
    path: (h) => `/a/rtc-sessioninspector-app/sessions/${h.info.twelveUsers}?project=${h.info.project}`,
    ready: (p) => settled(p, tid(testIds.inspector.eventRow)),
    scanOnly: tid(testIds.inspector.quality),
  },
  {
    // The diagnosis layer (B1-B5) of the same session: baseline, issue tags, who degraded whom, scores.
    name: 'inspector-diagnosis',
    path: (h) => `/a/rtc-sessioninspector-app/sessions/${busySession(h).sessionId}?project=${h.info.project}`,
    ready: async (p) => {
      await settled(p, tid(testIds.inspector.attributionRow));
      await expect(p.locator(tid(testIds.inspector.score)).first()).toBeVisible({ timeout: 90_000 });
    },
    scanOnly: tid(testIds.inspector.diagnosis),
    shotOf: tid(testIds.inspector.diagnosis),
  },
  {
    name: 'inspector-large-session',
    path: (h) => `/a/rtc-sessioninspector-app/sessions/${h.info.broadcast!.sessionId}?project=${h.info.project}`,
    ready: (p) => settled(p, tid(testIds.inspector.heatmap)),
    // The other modules are the normal Inspector's, scanned there; here the large-session module.
    scanOnly: tid(testIds.inspector.largeSession),
  },
  {
    name: 'panel-session-search',
    path: (h) => panelPath('sessionSearch', { queryType: 'sessions', project: h.info.project }, h),
    ready: (p) => settled(p, tid(testIds.sessions.table)),
  },
  {
    name: 'panel-user-drilldown',
    path: (h) =>
      panelPath(
        'userDrilldown',
        { queryType: 'users', project: h.info.project, sessionId: busySession(h).sessionId },
        h,
        { expandAll: true }
      ),
    ready: (p) => settled(p, tid(testIds.inspector.connections)),
  },
  {
    name: 'panel-event-log',
    path: (h) =>
      panelPath('eventLog', { queryType: 'events', project: h.info.project, sessionId: busySession(h).sessionId }, h, {
        filter: '-attempt',
      }),
    ready: (p) => settled(p, tid(testIds.inspector.eventRow)),
  },
];
