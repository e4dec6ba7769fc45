import type { Page } from '@playwright/test';
import { testIds } from '../../src/components/testIds';
import { column, expect, frameOf, test, tid, type Harness } from './harness/fixtures';

const APP = '/a/rtc-sessioninspector-app/sessions';

async function openInspector(page: Page, h: Harness, sessionId: string) {
  await h.open(page, `${APP}/${sessionId}?project=${h.info.project}`);
  await expect(page.locator(tid(testIds.inspector.diagnosis))).toBeVisible({ timeout: 30_000 });
  const el = page.locator(tid(testIds.inspector.range));
  await expect(el).toHaveAttribute('data-from', /\d+/, { timeout: 30_000 });
  return { from: Number(await el.getAttribute('data-from')), to: Number(await el.getAttribute('data-to')) };
}

const sentence = (s: unknown) => `${String(s)[0].toUpperCase()}${String(s).slice(1)}.`;

/** The simulated sessions below large-session size, the busiest first. */
const sessions = (h: Harness) =>
  h.info.sessions
    .filter((s) => s.subscribers > 0 && s.subscribers <= 100)
    .sort((a, b) => b.subscribers - a.subscribers);

test.describe('Diagnosis in the Inspector', () => {
  test('the baseline sentence of every cohort is the collector’s, on the page', async ({ page, harness }) => {
    const s = sessions(harness)[0];
    const range = await openInspector(page, harness, s.sessionId);
    const summary = frameOf(
      await harness.collectorQuery(
        { queryType: 'baseline', sessionId: s.sessionId, project: harness.info.project },
        range
      ),
      'baselineSummary'
    );
    // The cohorts with enough samples to compare get their sentence; the others are listed on one line.
    const expected = column(summary, 'sentence')
      .filter((_, i) => column(summary, 'comparable')[i] === true)
      .map(sentence);
    expect(expected.length).toBeGreaterThan(0);
    await expect(page.locator(tid(testIds.inspector.baselineSentence))).toHaveText(expected, { timeout: 30_000 });
    expect(expected.every((x) => /your usual .* users/.test(x))).toBe(true);
  });

  test('issue tags and who degraded whom equal the collector’s answers', async ({ page, harness }) => {
    // A session with degraded subscriber streams: the one with the most attribution rows.
    let best: { sessionId: string; rows: number; range: { from: number; to: number } } | undefined;
    for (const s of sessions(harness).slice(0, 6)) {
      const range = { from: harness.info.now - 6 * 3_600_000, to: harness.info.now };
      const rows = column(
        frameOf(
          await harness.collectorQuery(
            { queryType: 'attribution', sessionId: s.sessionId, project: harness.info.project },
            range
          ),
          'attribution'
        ),
        'verdict'
      ).length;
      if (!best || rows > best.rows) {
        best = { sessionId: s.sessionId, rows, range };
      }
    }
    expect(best!.rows).toBeGreaterThan(0);
    const range = await openInspector(page, harness, best!.sessionId);
    const issues = frameOf(
      await harness.collectorQuery(
        { queryType: 'issues', sessionId: best!.sessionId, project: harness.info.project },
        range
      ),
      'issues'
    );
    const kinds = column(issues, 'kind') as string[];
    await expect(page.locator(tid(testIds.inspector.issueRow))).toHaveCount(kinds.length, { timeout: 30_000 });
    for (const [i, kind] of kinds.entries()) {
      await expect(page.locator(tid(testIds.inspector.issueRow)).nth(i)).toHaveAttribute('data-kind', kind);
    }
    const attribution = frameOf(
      await harness.collectorQuery(
        { queryType: 'attribution', sessionId: best!.sessionId, project: harness.info.project },
        range
      ),
      'attribution'
    );
    const verdicts = column(attribution, 'verdict') as string[];
    // One row per stream, stretch and verdict, with how many subscriber streams it covers.
    const keys = verdicts.map((v, i) =>
      [column(attribution, 'streamId')[i], v, column(attribution, 'start')[i], column(attribution, 'end')[i]].join(' ')
    );
    const groups = [...new Set(keys)];
    const rows = page.locator(tid(testIds.inspector.attributionRow));
    await expect(rows).toHaveCount(groups.length);
    for (const [i, key] of groups.entries()) {
      const first = keys.indexOf(key);
      await expect(rows.nth(i)).toHaveAttribute('data-verdict', verdicts[first]);
      await expect(rows.nth(i)).toHaveAttribute('data-streams', String(keys.filter((k) => k === key).length));
      // The evidence the verdict rests on is on the row.
      await expect(rows.nth(i)).toContainText(String(column(attribution, 'evidence')[first]).split('; ')[1]);
    }
    await expect(page.locator(tid(testIds.inspector.agreement))).toContainText(`${verdicts.length} degraded streams`);
  });

  test('users carry the scores of what they received, coloured by band', async ({ page, harness }) => {
    const s = sessions(harness)[0];
    const range = await openInspector(page, harness, s.sessionId);
    const scores = frameOf(
      await harness.collectorQuery(
        { queryType: 'scores', sessionId: s.sessionId, project: harness.info.project },
        range,
        24
      ),
      'userScores'
    );
    const users = column(scores, 'userId') as string[];
    const first = page.locator(tid(testIds.inspector.userRow)).first();
    await expect(first.locator(tid(testIds.inspector.score))).toBeVisible({ timeout: 30_000 });
    const id = await first.getAttribute('data-user');
    const i = users.indexOf(id!);
    expect(i).toBeGreaterThanOrEqual(0);
    const mos = column(scores, 'audioMos')[i] as number;
    await expect(first.locator(tid(testIds.inspector.score))).toContainText(`MOS ${mos.toFixed(1)}`);
  });
});
