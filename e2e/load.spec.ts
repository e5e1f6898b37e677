/** The page loads cleanly and trains on WebGPU (SwiftShader when there is no GPU). */
import { expect, test } from '@playwright/test';
import { badge, collectErrors, waitReady } from './helpers';

test('the page loads with no console errors', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Alignment Lab' })).toBeVisible();
  await waitReady(page);
  for (const name of ['Proxy reward', 'Gold reward', 'KL', 'Loss']) {
    await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
  }
  await expect(page.getByRole('alert')).toBeEmpty();
  expect(errors).toEqual([]);
});

test('the backend badge shows WebGPU', async ({ page }) => {
  await page.goto('/');
  await expect(badge(page)).toHaveText(/^WebGPU/);
  // Chromium here runs WebGPU on its software adapter; nothing fell back.
  await expect(page.getByTestId('backend-fallback')).toHaveCount(0);
});
