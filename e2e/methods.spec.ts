/** Every method trains in the browser worker: pick it, step, and read its stages' narration. */
import { expect, test } from '@playwright/test';
import { badge, collectErrors, configOfHash, counter, openLab, smallConfigHash } from './helpers';

test('every method can be picked, shows its own hyperparameters, and steps on WebGPU', async ({ page }) => {
  test.setTimeout(900_000);
  const errors = collectErrors(page);
  await openLab(page, smallConfigHash({ iterations: 3 }), 'webgpu');
  await expect(badge(page)).toHaveText(/^WebGPU/);
  const picker = page.getByRole('combobox', { name: 'Method' });
  const options = await picker.locator('option').evaluateAll((els) => els.map((e) => ({ value: (e as HTMLOptionElement).value, label: e.textContent ?? '' })));
  expect(options.map((o) => o.value)).toEqual(expect.arrayContaining(['ppo', 'dpo', 'simpo', 'kto', 'rloo', 'grpo', 'p3o', 'best_of_n', 'expert_iteration', 'sft']));

  for (const { value, label } of options) {
    await picker.selectOption(value);
    await expect.poll(async () => configOfHash(await page.evaluate(() => location.hash)).method.id, { message: label }).toBe(value);
    await expect(counter(page)).toHaveText('Iteration 0 / 3');
    // The captions and the hint speak of the method selected.
    const proxyCaption = page.getByTestId('chart-proxy-reward').locator('.chart-caption');
    if (value === 'ppo') await expect(proxyCaption).toContainText('what PPO maximises');
    else await expect(proxyCaption).not.toContainText('PPO');
    if (['sft', 'best_of_n', 'expert_iteration', 'coh'].includes(value)) await expect(page.locator('.try-this').filter({ hasText: 'Try this:' })).not.toContainText('β');
    // Where a method behaves differently on this task, the panel says so.
    if (value === 'nash_md') await expect(page.getByTestId('method-note')).toContainText('exact mirror-descent update');
    await expect(page.getByRole('button', { name: 'Step' })).toBeEnabled();
    await page.getByRole('button', { name: 'Step' }).click();
    await expect(counter(page), label).toHaveText('Iteration 1 / 3', { timeout: 170_000 });
    await expect(page.getByTestId('chart-gold-reward')).toHaveAttribute('data-points', '1');
    // Best-of-n's KL is pinned by n: its line is drawn on the KL chart and the KL–reward plane.
    if (value === 'best_of_n') {
      await expect(page.getByTestId('chart-kl').getByRole('list')).toContainText('log n − (n−1)/n');
      await expect(page.getByTestId('chart-kl-reward')).toContainText('log n − (n−1)/n = 1.84');
    }
    await expect(page.getByRole('alert')).toBeEmpty();
  }
  expect(errors).toEqual([]);
});

test('best-of-n shows n with its reference default, and a bad value is refused with a message', async ({ page }) => {
  await openLab(page, smallConfigHash({ iterations: 3 }));
  await page.getByRole('combobox', { name: 'Method' }).selectOption('best_of_n');
  const n = page.getByRole('textbox', { name: 'n (candidates)' });
  await expect(n).toHaveValue('16');
  await expect(page.getByText(/Default 16\./)).toBeVisible();
  await n.fill('0');
  await n.press('Enter');
  await expect(page.getByRole('alert')).toContainText('method.n');
  await expect(n).toHaveValue('16');
  expect(configOfHash(await page.evaluate(() => location.hash)).method).toMatchObject({ id: 'best_of_n', n: 16 });
});

test('Nash-MD can run Nash-MP’s mirror-prox update on a one-step task, with its own narration', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await openLab(page, smallConfigHash({ iterations: 3, method: { id: 'nash_md' } }));
  await page.getByRole('combobox', { name: 'Update' }).selectOption('mirror_prox');
  await expect.poll(async () => configOfHash(await page.evaluate(() => location.hash)).method).toMatchObject({ id: 'nash_md', update: 'mirror_prox' });
  await expect(page.getByTestId('method-note')).toContainText('Nash-MP');
  await page.getByRole('button', { name: 'Next stage' }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 3', { timeout: 170_000 });
  await expect(page.getByTestId('stage-narration')).toContainText(/Extrapolated: .* η = 2\.000/);
  await expect(page.getByRole('alert')).toBeEmpty();
  expect(errors).toEqual([]);
});
