/** Issue 13 in the page: hostile links and the Content-Security-Policy. */
import { expect, test } from '@playwright/test';
import LZString from 'lz-string';
import { defaultConfig } from '../src/core/config';
import { collectErrors, counter, linkHash, openLab, smallConfigHash, waitReady } from './helpers';

test('a small link that unpacks to megabytes is refused at once with a short alert, and the lab opens', async ({ page }) => {
  const bomb = LZString.compressToEncodedURIComponent(`{"version":1,"seed":"${'9'.repeat(1_000_000)}"}`);
  expect(bomb.length).toBeLessThan(8000);
  await page.goto(`/#c=${bomb}`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('it unpacks to more than 256 KB');
  expect((await alert.innerText()).length).toBeLessThan(400);
  await waitReady(page);
  await expect(counter(page)).toHaveText('Iteration 0 / 60');
});

test('a valid link that asks for terabytes is refused before anything is prepared, saying which settings drive it', async ({ page }) => {
  await page.goto(linkHash(defaultConfig({ task: { id: 'sorting' }, sweep: { kind: 'seed', count: 16 }, method: { id: 'best_of_n', n: 256, batchSize: 4096 } })).replace(/^/, '/'));
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('This experiment would need about');
  await expect(alert).toContainText('method.n = 256');
  await expect(alert).toContainText('The lab opened with its defaults.');
  await waitReady(page);
  await expect(counter(page)).toHaveText('Iteration 0 / 60');
});

test('the page may reach no other origin (Content-Security-Policy), and the lab itself breaks none of its rules', async ({ page }) => {
  const errors = collectErrors(page);
  await openLab(page, smallConfigHash({ iterations: 2 }));
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 2');
  const blocked = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective));
        fetch('http://127.0.0.2:9/leak').catch(() => undefined);
      }),
  );
  expect(blocked).toBe('connect-src');
  // The refused fetch is the only violation the page logged.
  expect(errors.filter((e) => !e.includes('127.0.0.2'))).toEqual([]);
});
