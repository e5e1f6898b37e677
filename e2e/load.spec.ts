/** The page loads cleanly; Auto picks the fastest backend here and says why; WebGPU can still be chosen. */
import { expect, test } from '@playwright/test';
import { badge, collectErrors, counter, useBackend, waitReady } from './helpers';

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

test('Auto never leaves a user on a software GPU: it picks WASM here, says why, remembers it, and the default experiment runs', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/');
  await waitReady(page);
  // Chromium here offers WebGPU and WebGL on SwiftShader only: both are skipped, with the reason shown.
  await expect(badge(page)).toHaveText(/^WASM/);
  const notice = page.getByTestId('backend-fallback');
  await expect(notice).toContainText('Auto: WASM');
  await expect(notice).toContainText(/WebGPU skipped: .*software GPU/);
  // The default experiment, untouched, reaches its first iteration.
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(counter(page)).toHaveText(/^Iteration 1 \//);
  // A reload starts from the remembered pick, and says so.
  await page.reload();
  await waitReady(page);
  await expect(badge(page)).toHaveText(/^WASM/);
  await expect(page.getByRole('combobox', { name: 'Backend' })).toHaveValue('auto');
  expect(errors).toEqual([]);
});

test('WebGPU can be chosen in the menu (SwiftShader here), and the choice survives a reload', async ({ page }) => {
  await page.goto('/');
  await waitReady(page);
  await useBackend(page, 'webgpu');
  await expect(page.getByTestId('backend-fallback')).toHaveCount(0);
  await page.reload();
  await waitReady(page);
  await expect(badge(page)).toHaveText(/^WebGPU/);
  await expect(page.getByRole('combobox', { name: 'Backend' })).toHaveValue('webgpu');
});
