/** Run controls: Step, Play / Pause, and switching the backend. */
import { expect, test } from '@playwright/test';
import { badge, chartPoints, CHARTS, collectErrors, counter, openLab, smallConfigHash } from './helpers';

test('Step advances exactly one iteration and every chart grows by one point', async ({ page }) => {
  // The first WebGPU step compiles every shader on SwiftShader (software): minutes on a busy 2-core machine.
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await openLab(page, smallConfigHash(), 'webgpu');
  await expect(badge(page)).toHaveText(/^WebGPU/);
  await expect(counter(page)).toHaveText('Iteration 0 / 8');
  for (const name of CHARTS) await expect(page.getByTestId(`chart-${name}`)).toHaveAttribute('data-points', '0');

  const stepButton = page.getByRole('button', { name: 'Step' });
  await stepButton.click();
  await expect(counter(page)).toHaveText('Iteration 1 / 8', { timeout: 150_000 });
  for (const name of CHARTS) await expect(page.getByTestId(`chart-${name}`)).toHaveAttribute('data-points', '1');
  // Preparation ran before the first iteration.
  await expect(page.getByRole('progressbar', { name: 'SFT (reference policy)' })).toHaveAttribute('aria-valuenow', '10');
  await expect(page.getByRole('progressbar', { name: 'Reward model' })).toHaveAttribute('aria-valuenow', '10');
  // PPO never plays against the pairwise preference model, so it is not trained, and the page says so.
  await expect(page.getByRole('progressbar', { name: 'Preference model' })).toHaveAttribute('aria-valuetext', 'not trained: only Nash-MD uses it');
  await expect(page.getByRole('region', { name: 'Feedback and judges' }).getByRole('row', { name: /Preference model/ })).toContainText('Not trained');

  await stepButton.click();
  await expect(counter(page)).toHaveText('Iteration 2 / 8');
  for (const name of CHARTS) await expect(page.getByTestId(`chart-${name}`)).toHaveAttribute('data-points', '2');
  expect(errors).toEqual([]);
});

test('Play runs iterations and Pause stops them', async ({ page }) => {
  test.setTimeout(300_000);
  await openLab(page, smallConfigHash({ iterations: 500 }));
  const iteration = async () => Number(/Iteration (\d+)/.exec((await counter(page).textContent()) ?? '')?.[1]);

  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(iteration, { timeout: 200_000 }).toBeGreaterThanOrEqual(3);
  await page.getByRole('button', { name: 'Pause' }).click();
  // The iteration in flight may still land; after that the count must stay put.
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  const paused = await iteration();
  await page.waitForTimeout(2_000);
  expect(await iteration()).toBe(paused);
  expect(await chartPoints(page, 'proxy-reward')).toBe(paused);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeDisabled();
});

test('choosing the CPU backend re-initialises and Step still works', async ({ page }) => {
  const errors = collectErrors(page);
  await openLab(page, smallConfigHash(), 'auto');
  await page.getByRole('combobox', { name: 'Backend' }).selectOption('cpu');
  await expect(badge(page)).toHaveText(/^CPU/);
  await expect(page.getByRole('button', { name: 'Step' })).toBeEnabled();
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 8');
  await expect(page.getByTestId('chart-kl')).toHaveAttribute('data-points', '1');
  expect(errors).toEqual([]);
});
