/** Saved runs: kept across reloads, renamed, deleted and restored, exported, re-imported and compared. */
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { configOfHash, counter, openLab, smallConfigHash, useBackend, waitReady } from './helpers';

/** Steps until the counter reads `n`. */
async function stepTo(page: Page, n: number, total: number): Promise<void> {
  const stepButton = page.getByRole('button', { name: 'Step', exact: true });
  for (let i = 1; i <= n; i++) {
    await expect(stepButton).toBeEnabled();
    await stepButton.click();
    await expect(counter(page)).toHaveText(`Iteration ${i} / ${total}`);
  }
}

function history(page: Page) {
  return page.getByRole('region', { name: 'Saved runs' });
}

function runItem(page: Page, name: string) {
  return history(page).getByRole('listitem', { name, exact: true });
}

test('a reload keeps every finished iteration; rename, delete and undo', async ({ page }) => {
  await openLab(page, smallConfigHash({ iterations: 3 }));
  await expect(history(page)).toContainText('No runs yet');
  await stepTo(page, 2, 3);
  await expect(runItem(page, 'PPO β=0.05 · bandit · seed 0').getByTestId('run-meta')).toContainText('2 / 3 iterations · recording, saved');

  await page.reload();
  await waitReady(page);
  const item = runItem(page, 'PPO β=0.05 · bandit · seed 0');
  // Saved, not live: the reloaded lab starts a fresh run of the same config at iteration 0.
  await expect(item.getByTestId('run-meta')).toContainText('ppo · bandit · seed 0 · 2 / 3 iterations ·');
  await expect(item.getByTestId('run-meta')).not.toContainText('recording');
  await expect(counter(page)).toHaveText('Iteration 0 / 3');

  const name = item.getByRole('textbox', { name: 'Run name' });
  await name.fill('First <b>PPO</b>');
  await name.press('Enter');
  const renamed = runItem(page, 'First <b>PPO</b>');
  await expect(renamed).toBeVisible();
  await page.reload();
  await expect(renamed.getByRole('textbox', { name: 'Run name' })).toHaveValue('First <b>PPO</b>');

  await renamed.getByRole('button', { name: 'Delete' }).click();
  await expect(renamed).toHaveCount(0);
  await expect(history(page).getByRole('status')).toContainText('Deleted “First <b>PPO</b>”.');
  await history(page).getByRole('button', { name: 'Undo' }).click();
  await expect(renamed.getByTestId('run-meta')).toContainText('2 / 3 iterations');
  await page.reload();
  await expect(renamed).toBeVisible();
});

test('export JSON and CSV, re-import the JSON, compare it; a bad file is refused', async ({ page }, testInfo) => {
  await openLab(page, smallConfigHash({ iterations: 2 }));
  await stepTo(page, 2, 2);
  const item = runItem(page, 'PPO β=0.05 · bandit · seed 0');

  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: 'Export JSON' }).click()]);
  expect(jsonDownload.suggestedFilename()).toBe('ppo-0-05-bandit-seed-0.run.json');
  const jsonPath = testInfo.outputPath('run.json');
  await jsonDownload.saveAs(jsonPath);
  const file = JSON.parse(readFileSync(jsonPath, 'utf8'));
  expect(file).toMatchObject({ format: 'alignment-lab-run', version: 1, name: 'PPO β=0.05 · bandit · seed 0' });
  expect(file.config).toEqual(configOfHash(await page.evaluate(() => location.hash)));
  expect(file.iterations.map((r: { iteration: number }) => r.iteration)).toEqual([1, 2]);
  const gold = file.iterations.map((r: { members: Record<string, number>[] }) => r.members[0]['reward/gold']);
  expect(gold.every(Number.isFinite)).toBe(true);

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: 'Export CSV' }).click()]);
  const csvPath = testInfo.outputPath('metrics.csv');
  await csvDownload.saveAs(csvPath);
  const csv = readFileSync(csvPath, 'utf8').trim().split('\n');
  expect(csv).toHaveLength(3); // header + 2 iterations × 1 member
  const header = csv[0].split(',');
  expect(header.slice(0, 2)).toEqual(['iteration', 'member']);
  expect(Number(csv[2].split(',')[header.indexOf('reward/gold')])).toBe(gold[1]);

  const importer = history(page).getByLabel('Import run (JSON)');
  await importer.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"alignment-lab-run","version":1,"name":"x","createdAt":"","config":{"seed":-3},"iterations":[]}') });
  await expect(page.getByRole('alert')).toContainText('“bad.json” was not imported: That run\'s config is not valid');
  await expect(history(page).getByRole('listitem')).toHaveCount(1);

  await item.getByRole('button', { name: 'Delete' }).click();
  await expect(history(page).getByRole('listitem')).toHaveCount(0);
  await importer.setInputFiles(jsonPath);
  await expect(history(page).getByRole('status')).toHaveText('Imported “PPO β=0.05 · bandit · seed 0” (2 iterations).');
  const imported = runItem(page, 'PPO β=0.05 · bandit · seed 0');
  await expect(imported.getByTestId('run-meta')).toContainText('2 / 2 iterations');

  await imported.getByRole('checkbox', { name: 'Compare' }).check();
  const compare = page.getByRole('region', { name: 'Compare runs' });
  await expect(compare.getByTestId('compare-gold-reward')).toHaveAttribute('data-points', '2');
  await expect(compare.getByTestId('compare-gold-reward')).toHaveAttribute('data-lines', '1');
  await compare.getByRole('checkbox', { name: 'Show PPO β=0.05 · bandit · seed 0' }).uncheck();
  await expect(compare.getByTestId('compare-gold-reward')).toHaveAttribute('data-lines', '0');
});

test('compare PPO and DPO on one task: two runs, each with its own colour', async ({ page }) => {
  await openLab(page, smallConfigHash({ iterations: 1 }));
  await stepTo(page, 1, 1);
  await expect(runItem(page, 'PPO β=0.05 · bandit · seed 0').getByTestId('run-meta')).toContainText('recording, saved');
  await page.goto(`/${smallConfigHash({ iterations: 1, method: { id: 'dpo', batchSize: 16 } })}`);
  await page.reload();
  await waitReady(page);
  await useBackend(page, 'wasm');
  await stepTo(page, 1, 1);

  const ppo = runItem(page, 'PPO β=0.05 · bandit · seed 0');
  const dpo = runItem(page, 'DPO β=0.1 · bandit · seed 0');
  await dpo.getByRole('checkbox', { name: 'Compare' }).check();
  await ppo.getByRole('checkbox', { name: 'Compare' }).check();
  const compare = page.getByRole('region', { name: 'Compare runs' });
  await expect(compare.getByTestId('compare-gold-reward')).toHaveAttribute('data-lines', '2');
  await expect(compare.getByTestId('compare-kl')).toHaveAttribute('data-lines', '2');
  const { violations } = await new AxeBuilder({ page }).include('.history').include('.compare').include('.share').analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  const colour = (name: string) => compare.locator('label', { has: page.getByRole('checkbox', { name: `Show ${name}` }) }).getAttribute('data-color');
  const ppoColour = await colour('PPO β=0.05 · bandit · seed 0');
  expect(ppoColour).toMatch(/^hsl\(/);
  expect(await colour('DPO β=0.1 · bandit · seed 0')).not.toBe(ppoColour);
  // Unticking another run leaves this run's colour as it was.
  await dpo.getByRole('checkbox', { name: 'Compare' }).uncheck();
  await expect(compare.getByTestId('compare-gold-reward')).toHaveAttribute('data-lines', '1');
  expect(await colour('PPO β=0.05 · bandit · seed 0')).toBe(ppoColour);

  // Reopen loads the PPO run's config into the lab.
  await ppo.getByRole('button', { name: 'Reopen' }).click();
  await expect.poll(async () => configOfHash(await page.evaluate(() => location.hash)).method.id).toBe('ppo');
  await expect(counter(page)).toHaveText('Iteration 0 / 1');
});
