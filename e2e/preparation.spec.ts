/**
 * Preparation in the page: what it says while it works, that Reset and a backend switch stop
 * it at once, and that a β change reuses it (issue: interactive in seconds).
 */
import { expect, test, type Page } from '@playwright/test';
import { badge, counter, openLab, smallConfigHash } from './helpers';

/** Long enough to interrupt on WASM (tens of seconds of SFT and judges), with small iterations. */
const LONG = smallConfigHash({ sft: { demos: 256, steps: 5000, batchSize: 128 }, rewardModel: { steps: 5000 }, iterations: 4 });

const sftBar = (page: Page) => page.getByRole('progressbar', { name: 'SFT (reference policy)' });
const sftDone = async (page: Page) => Number(await sftBar(page).getAttribute('aria-valuenow'));

test('while preparing, the charts and the status line say what is being prepared; Reset stops it at once', async ({ page }) => {
  await openLab(page, LONG);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('chart-proxy-reward')).toContainText(/Preparing: training the reference policy \(SFT\), \d+ \/ 5000 steps/);
  await expect(page.getByTestId('run-status')).toContainText('Preparing: training the reference policy (SFT)');
  await expect.poll(() => sftDone(page)).toBeGreaterThan(0);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled();
  await page.getByRole('button', { name: 'Reset' }).click();
  // Reset took effect long before the 5000 SFT steps could finish: the run is back at iteration 0, ready.
  await expect(page.getByTestId('run-status')).toHaveText('Ready: press Step or Play.');
  await expect(counter(page)).toHaveText('Iteration 0 / 4');
  await expect(sftBar(page)).toHaveAttribute('aria-valuenow', '0');
  await expect(page.getByRole('alert')).toBeEmpty();
});

test('a backend switch during preparation takes effect at once', async ({ page }) => {
  await openLab(page, LONG);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => sftDone(page)).toBeGreaterThan(0);
  await page.getByRole('combobox', { name: 'Backend' }).selectOption('cpu');
  await expect(badge(page)).toHaveText(/^CPU/);
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
  await expect(counter(page)).toHaveText('Iteration 0 / 4');
  await expect(page.getByRole('alert')).toBeEmpty();
});

test('Pause stops a preparation; a β change after a finished preparation steps without preparing again', async ({ page }) => {
  await openLab(page, LONG);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => sftDone(page)).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('run-status')).toHaveText('Ready: press Step or Play.');
  await expect(page.getByRole('alert')).toBeEmpty();

  await page.goto(`/${smallConfigHash({ iterations: 4 })}`);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 4');
  await expect(sftBar(page)).toHaveAttribute('aria-valuetext', '10 / 10 steps');
  const beta = page.getByRole('textbox', { name: 'β (KL coefficient)' });
  await beta.fill('0.2');
  await beta.press('Enter');
  await expect(counter(page)).toHaveText('Iteration 0 / 4');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 4');
  // The new run borrowed the cached reference policy and judges: no stage trained.
  await expect(sftBar(page)).toHaveAttribute('aria-valuetext', 'reused');
  await expect(page.getByRole('progressbar', { name: 'Reward model' })).toHaveAttribute('aria-valuetext', 'reused');
});

test('a reload finds the preparation in the browser’s storage and starts without preparing', async ({ page }) => {
  const hash = smallConfigHash({ iterations: 4, seed: 5 });
  await openLab(page, hash);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 4');
  await expect(sftBar(page)).toHaveAttribute('aria-valuetext', '10 / 10 steps');
  // The snapshot is written in the background, in the worker.
  const saved = () =>
    page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const open = indexedDB.open('alignment-lab-farms');
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('farms')) return resolve(0);
            const count = db.transaction('farms').objectStore('farms').count();
            count.onsuccess = () => resolve(count.result);
          };
          open.onerror = () => resolve(0);
        }),
    );
  await expect.poll(saved).toBeGreaterThan(0);
  await page.reload();
  await expect(badge(page)).toHaveText(/^WASM/); // the menu's choice was remembered
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 4');
  await expect(sftBar(page)).toHaveAttribute('aria-valuetext', 'reused');
});
