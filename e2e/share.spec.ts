/** Share links: the config lives in the hash, and a damaged link is reported, not trusted. */
import { expect, test } from '@playwright/test';
import { configOfHash, counter, smallConfigHash, waitReady } from './helpers';

test('changing β in the form rewrites the share link', async ({ page }) => {
  await page.goto(`/${smallConfigHash()}`);
  await waitReady(page);
  const before = await page.evaluate(() => location.hash);
  expect(before).toMatch(/^#c=/);

  const beta = page.getByRole('textbox', { name: 'β (KL coefficient)' });
  await beta.fill('0.2');
  await beta.press('Enter');
  await expect.poll(() => page.evaluate(() => location.hash)).not.toBe(before);

  const after = await page.evaluate(() => location.hash);
  expect(configOfHash(after).method).toMatchObject({ id: 'ppo', beta: 0.2 });
  // The new config reloaded the run.
  await expect(counter(page)).toHaveText('Iteration 0 / 8');
  await expect(page.getByRole('button', { name: 'Step' })).toBeEnabled();
});

test('a damaged link shows a clear alert and the lab opens with its defaults', async ({ page }) => {
  await page.goto('/#c=xxx');
  await expect(page.getByRole('alert')).toContainText('This link is damaged or was edited');
  await expect(page.getByRole('alert')).toContainText('the lab opened with its defaults');
  await waitReady(page);
  await expect(counter(page)).toHaveText('Iteration 0 / 60');
  await expect(page.getByRole('textbox', { name: 'β (KL coefficient)' })).toHaveValue('0.05');
  // The address bar now carries the defaults, so the page is shareable again.
  await expect.poll(() => page.evaluate(() => location.hash)).not.toBe('#c=xxx');

  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('alert')).toBeEmpty();

  // Training itself with the defaults is not run here: their preparation (800 Adam steps)
  // takes minutes in software; run.spec.ts steps small configs on WebGPU and CPU.
});
