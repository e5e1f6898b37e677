/** Share links: the config lives in the hash, and a damaged link is reported, not trusted. */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import LZString from 'lz-string';
import { defaultConfig } from '../src/core/config';
import { configOfHash, counter, openLab, smallConfigHash, useBackend, waitReady } from './helpers';

test('changing β in the form rewrites the share link', async ({ page }) => {
  await openLab(page, smallConfigHash());
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
  // The damaged link stays in the address bar to be read or fixed; the first change of settings replaces it.
  expect(await page.evaluate(() => location.hash)).toBe('#c=xxx');

  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('alert')).toBeEmpty();
  await page.getByRole('textbox', { name: 'Seed' }).fill('3');
  await page.getByRole('textbox', { name: 'Seed' }).press('Enter');
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#c=(?!xxx)/);

  // Training itself with the defaults is not run here: their preparation (800 Adam steps)
  // takes minutes in software; run.spec.ts steps small configs on WebGPU, WASM and CPU.
});

test('a copied link reproduces the same metrics in a fresh page on the same backend', async ({ browser, page, context }) => {
  test.setTimeout(240_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openLab(page, smallConfigHash({ iterations: 2, seed: 11 }));
  const backend = await page.getByRole('banner').getByRole('status').textContent();

  /** Steps twice and returns every member's metrics per iteration, from the exported run file. */
  const trainAndExport = async (p: typeof page): Promise<Record<string, number>[][]> => {
    const stepButton = p.getByRole('button', { name: 'Step', exact: true });
    for (const i of [1, 2]) {
      await expect(stepButton).toBeEnabled();
      await stepButton.click();
      await expect(counter(p)).toHaveText(`Iteration ${i} / 2`);
    }
    const item = p.getByRole('region', { name: 'Saved runs' }).getByRole('listitem', { name: 'PPO β=0.05 · bandit · seed 11' });
    const [download] = await Promise.all([p.waitForEvent('download'), item.getByRole('button', { name: 'Export JSON' }).click()]);
    const file = JSON.parse(readFileSync(await download.path(), 'utf8')) as { iterations: { members: Record<string, number>[] }[] };
    return file.iterations.map((r) => r.members);
  };
  const first = await trainAndExport(page);

  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Link copied')).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(await page.evaluate(() => location.href));

  // A fresh context: no saved runs, no state shared with the first page.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await waitReady(other);
  await useBackend(other, 'wasm');
  await expect(other.getByRole('banner').getByRole('status')).toHaveText(backend ?? '');
  await expect(other.getByRole('region', { name: 'Saved runs' })).toContainText('No runs yet');
  const second = await trainAndExport(other);
  expect(second).toHaveLength(2);
  expect(second[1][0]['reward/gold']).toEqual(expect.any(Number));
  expect(second).toEqual(first);
  await fresh.close();
});

test('a link whose config was edited into an invalid one is refused with the reason', async ({ page }) => {
  const tampered = `#c=${LZString.compressToEncodedURIComponent(JSON.stringify({ ...defaultConfig(), seed: -1 }))}`;
  await page.goto(`/${tampered}`);
  await expect(page.getByRole('alert')).toContainText('This link is damaged or was edited: ');
  await expect(page.getByRole('alert')).toContainText('seed');
  await waitReady(page);
  await expect(counter(page)).toHaveText('Iteration 0 / 60');
  // Kept in the address bar, to be read or fixed.
  expect(await page.evaluate(() => location.hash)).toBe(tampered);
});
