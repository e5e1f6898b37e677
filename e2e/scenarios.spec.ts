/** Guided scenarios: each one loads through the picker, becomes the share link, explains itself and runs. */
import { expect, test } from '@playwright/test';
import { SCENARIOS } from '../src/core/scenarios';
import { collectErrors, configOfHash, counter, labHash, linkHash, openLab, waitReady } from './helpers';

// Each scenario prepares its own SFT policy and judges, on WASM (openLab): the scenario path
// is the same on every backend, and run.spec / methods.spec / stepping.spec cover WebGPU.
test.describe.configure({ timeout: 300_000 });

for (const scenario of SCENARIOS) {
  test(`scenario “${scenario.title}” loads, explains itself and runs two iterations`, async ({ page }) => {
    const errors = collectErrors(page);
    await openLab(page);
    await page.getByRole('combobox', { name: 'Scenario' }).selectOption({ label: scenario.title });

    // The address bar is now the scenario's share link, and the settings show its config.
    await expect.poll(async () => page.evaluate(() => window.location.hash)).toBe(labHash(scenario.config));
    expect(configOfHash(await page.evaluate(() => window.location.hash))).toEqual(scenario.config);
    await expect(page.getByTestId('iteration-counter')).toHaveText(`Iteration 0 / ${scenario.config.iterations}`);

    const explanation = page.getByTestId('scenario-explanation');
    await expect(explanation).toContainText(scenario.explanation[0]);
    await expect(explanation).toContainText(scenario.explanation[1]);
    await expect(explanation).toContainText(scenario.watch);
    await expect(explanation.getByRole('link', { name: /^Read:/ })).toHaveAttribute('href', scenario.reference.url);
    await expect(explanation.getByRole('link', { name: 'Link to this scenario' })).toHaveAttribute('href', labHash(scenario.config));

    await waitReady(page);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(counter(page)).toHaveText(`Iteration 1 / ${scenario.config.iterations}`, { timeout: 200_000 });
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(counter(page)).toHaveText(`Iteration 2 / ${scenario.config.iterations}`, { timeout: 60_000 });
    await expect(page.getByTestId('chart-gold-reward')).toHaveAttribute('data-points', '2');
    expect(errors).toEqual([]);
  });
}

test('a scenario’s link opens it, and editing a setting offers to restore it', async ({ page }) => {
  const scenario = SCENARIOS[1];
  await openLab(page, linkHash(scenario.config));
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue(scenario.id);
  await expect(page.getByTestId('scenario-explanation')).toContainText(scenario.explanation[0]);

  const seed = page.getByRole('textbox', { name: 'Seed' });
  await seed.fill(String(scenario.config.seed + 1));
  await seed.press('Enter');
  await expect(page.getByTestId('scenario-explanation')).toContainText('changed settings');
  await page.getByRole('button', { name: 'Restore the scenario' }).click();
  await expect(seed).toHaveValue(String(scenario.config.seed));
  await expect.poll(async () => page.evaluate(() => window.location.hash)).toBe(labHash(scenario.config));
  await expect(page.getByTestId('scenario-explanation')).not.toContainText('changed settings');
});
