/** Accessibility: axe finds no violations on a fresh page, after a step, and with the alert shown. */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { counter, openLab, smallConfigHash, waitReady } from './helpers';

async function violations(page: Page): Promise<string[]> {
  const { violations: found } = await new AxeBuilder({ page }).analyze();
  return found.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('no axe violations before and after an iteration', async ({ page }) => {
  test.setTimeout(300_000);
  await openLab(page, smallConfigHash());
  expect(await violations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Step' }).click();
  // The first iteration prepares the judges and compiles shaders: slow on a busy software GPU.
  await expect(counter(page)).toHaveText('Iteration 1 / 8', { timeout: 150_000 });
  expect(await violations(page)).toEqual([]);
});

test('no axe violations with the damaged-link alert', async ({ page }) => {
  await page.goto('/#c=xxx');
  await expect(page.getByRole('alert')).toContainText('damaged');
  await waitReady(page);
  expect(await violations(page)).toEqual([]);
});

test('no axe violations during a stage walk and with a scenario explained', async ({ page }) => {
  test.setTimeout(300_000);
  await openLab(page, smallConfigHash());
  await page.getByRole('button', { name: 'Next stage' }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 8', { timeout: 150_000 });
  await page.getByRole('button', { name: 'Next stage' }).click();
  await expect(page.getByTestId('stage-narration')).toContainText('score');
  expect(await violations(page)).toEqual([]);
  // The advantages and the update: per-token numbers, before → after, bars before and after.
  await page.getByRole('button', { name: 'Next stage' }).click();
  await page.getByRole('button', { name: 'Next stage' }).click();
  await expect(page.getByTestId('stage-narration')).toContainText('update');
  expect(await violations(page)).toEqual([]);
  await page.getByRole('combobox', { name: 'Scenario' }).selectOption({ index: 1 });
  await expect(page.getByTestId('scenario-explanation')).toBeVisible();
  expect(await violations(page)).toEqual([]);
});
