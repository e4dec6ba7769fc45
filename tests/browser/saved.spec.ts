import { testIds } from '../../src/components/testIds';
import { expect, test, tid } from './harness/fixtures';

const APP = '/a/rtc-sessioninspector-app/sessions';

test.describe('saved sessions through the Inspector header and the Sessions page', () => {
  test('saving with 4 tags is refused with the server message; a saved session appears under Saved', async ({
    page,
    harness,
  }) => {
    const { project } = harness.info;
    const session = harness.info.sessions.find((s) => s.callType === 'one-to-one')!;
    const path = `/api/v1/saved/${project}/${encodeURIComponent(session.sessionId)}`;
    // The collector's own refusal, asked directly as an Editor would be forwarded by the Go backend.
    const direct = await fetch(`${harness.info.collectorUrl}${path}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${harness.info.readToken}`,
        'content-type': 'application/json',
        'X-Grafana-Role': 'Editor',
      },
      body: JSON.stringify({ name: 'Bad call', tags: ['a', 'b', 'c', 'd'] }),
    });
    expect(direct.status).toBe(400);
    const serverMessage = ((await direct.json()) as { error: string }).error;
    expect(serverMessage).toMatch(/3/);

    await harness.open(page, `${APP}/${session.sessionId}?project=${project}`);
    await page.locator(tid(testIds.inspector.save)).click();
    await page.locator(tid(testIds.inspector.saveName)).fill('Bad call');
    const tagInput = page.locator(tid(testIds.inspector.saveTags)).getByPlaceholder('New tag (enter key to add)');
    for (const tag of ['a', 'b', 'c', 'd']) {
      await tagInput.fill(tag);
      await tagInput.press('Enter');
    }
    await page.locator(tid(testIds.inspector.saveSubmit)).click();
    await expect(page.locator(tid(testIds.inspector.saveError))).toContainText(serverMessage);
    const listed = await fetch(`${harness.info.collectorUrl}/api/v1/saved?project=${project}`, {
      headers: { authorization: `Bearer ${harness.info.readToken}` },
    });
    expect(
      ((await listed.json()) as { saved: Array<{ sessionId: string }> }).saved.map((s) => s.sessionId)
    ).not.toContain(session.sessionId);

    // Three tags are accepted.
    await page.getByRole('button', { name: /Remove tag:? d/i }).click();
    await page.locator(tid(testIds.inspector.saveSubmit)).click();
    await expect(page.locator(tid(testIds.inspector.savedBadge))).toHaveText('Saved as Bad call · a, b, c');

    // Save again refreshes the kept copy: the server's updatedAt moves on.
    const savedAt = async () => {
      const res = await fetch(`${harness.info.collectorUrl}/api/v1/saved?project=${project}`, {
        headers: { authorization: `Bearer ${harness.info.readToken}` },
      });
      return ((await res.json()) as { saved: Array<{ sessionId: string; updatedAt: number }> }).saved.find(
        (x) => x.sessionId === session.sessionId
      )!.updatedAt;
    };
    const first = await savedAt();
    await page.getByRole('button', { name: 'Save again' }).click();
    await expect.poll(savedAt).toBeGreaterThan(first);
    await expect(page.locator(tid(testIds.inspector.savedBadge))).toHaveText('Saved as Bad call · a, b, c');

    await harness.open(page, APP);
    await page.getByRole('tab', { name: 'Saved' }).click();
    const row = page
      .locator(tid(testIds.sessions.savedRow))
      .filter({ has: page.getByRole('link', { name: session.sessionId }) });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('Bad call');

    // Deleting it from the header removes it from the list.
    await row.getByRole('link', { name: session.sessionId }).click();
    await page.locator(tid(testIds.inspector.deleteSaved)).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect(page.locator(tid(testIds.inspector.savedBadge))).toHaveCount(0);
    await harness.open(page, APP);
    await page.getByRole('tab', { name: 'Saved' }).click();
    await expect(page.getByRole('link', { name: session.sessionId })).toHaveCount(0);
  });
});

test('a Viewer cannot save: the refusal names the role', async ({ page, harness }) => {
  const session = harness.info.sessions.find((s) => s.callType === 'one-to-one')!;
  await page.addInitScript(() => localStorage.setItem('harness.role', 'Viewer'));
  await harness.open(page, `${APP}/${session.sessionId}?project=${harness.info.project}`);
  await page.locator(tid(testIds.inspector.save)).click();
  await page.locator(tid(testIds.inspector.saveName)).fill('Viewer try');
  await page.locator(tid(testIds.inspector.saveSubmit)).click();
  await expect(page.locator(tid(testIds.inspector.saveError))).toContainText(
    'the Grafana role Viewer cannot change saved sessions'
  );
});
