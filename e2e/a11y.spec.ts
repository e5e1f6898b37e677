/** Accessibility: axe finds no violations on a fresh page, after a step, and with the alert shown. */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { counter, smallConfigHash, waitReady } from './helpers';

async function violations(page: Page): Promise<string[]> {
  const { violations: found } = await new AxeBuilder({ page }).analyze();
  return found.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('no axe violations before and after an iteration', async ({ page }) => {
  await page.goto(`/${smallConfigHash()}`);
  await waitReady(page);
  expect(await violations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 8');
  expect(await violations(page)).toEqual([]);
});

test('no axe violations with the damaged-link alert', async ({ page }) => {
  await page.goto('/#c=xxx');
  await expect(page.getByRole('alert')).toContainText('damaged');
  await waitReady(page);
  expect(await violations(page)).toEqual([]);
});
