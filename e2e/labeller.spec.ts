/** You as the annotator: label with the keys, see your agreement, train on your labels, and the link carries them. */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { collectErrors, configOfHash, counter, openLab, smallConfigHash } from './helpers';

test('label comparisons with ← → ↓, see agreement with gold and the annotators, train on them alone, and reopen them from the link', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await openLab(page, smallConfigHash());
  const panel = page.getByRole('region', { name: 'You as the annotator' });
  const count = panel.getByTestId('labeller-count');
  await expect(count).toHaveText('0 labels');
  await expect(panel.getByRole('button', { name: 'Train on my labels alone' })).toBeDisabled();

  // Keys act while focus is in the panel; → labels here instead of stepping the run.
  const prompt = await panel.getByTestId('labeller-prompt').textContent();
  await panel.getByRole('button', { name: /^Left is better/ }).focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowLeft');
  await expect(count).toHaveText('3 labels, 3 not yet used');
  await expect(counter(page)).toHaveText('Iteration 0 / 8');
  expect(prompt?.length).toBeGreaterThan(3);
  await expect(panel.getByTestId('labeller-agreement')).toHaveText(/You agree with the hidden gold preference on \d+% of your labels\. .*careful \d+%/);
  expect((await new AxeBuilder({ page }).include('[data-testid="labeller"]').analyze()).violations.map((v) => v.id)).toEqual([]);

  // Into the run: the link carries them, the comparisons are yours, and the run trains on them.
  await panel.getByRole('button', { name: 'Train on my labels alone' }).click();
  await expect.poll(async () => configOfHash(await page.evaluate(() => location.hash)).feedback.yours?.labels.length).toBe(3);
  expect(configOfHash(await page.evaluate(() => location.hash)).feedback.yours?.use).toBe('alone');
  await expect(count).toHaveText('3 labels (3 in the run, used alone)');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 8', { timeout: 150_000 });
  const judges = page.getByRole('region', { name: /Feedback and judges/ });
  await judges.getByText(/labelled comparisons \(sample\)/).click();
  await expect(judges.locator('table.comparisons')).toContainText('you');

  // The link reopens the run with its labels.
  await page.reload();
  await expect(page.getByRole('region', { name: 'You as the annotator' }).getByTestId('labeller-count')).toHaveText('3 labels (3 in the run, used alone)');
  expect(errors).toEqual([]);
});
