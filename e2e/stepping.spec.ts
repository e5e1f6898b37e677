/** Step-through: Next stage walks an iteration's stages with narrations; speed; keyboard shortcuts; first-step progress. */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { badge, chartPoints, collectErrors, counter, openLab, smallConfigHash } from './helpers';

const strip = (page: Page) => page.getByRole('list', { name: 'Stages of one iteration' });
const currentStage = (page: Page) => strip(page).locator('[aria-current="step"]');
const narration = (page: Page) => page.getByTestId('stage-narration');
/** The first iteration trains SFT and the judges and compiles shaders: slow on a busy software GPU. */
const FIRST = { timeout: 150_000 };

test.describe.configure({ timeout: 300_000 });

test('Next stage runs one iteration, then reveals its stages one at a time with this run’s numbers', async ({ page }) => {
  const errors = collectErrors(page);
  await openLab(page, smallConfigHash());
  // Before any iteration the strip lists PPO's stages, none of them current.
  await expect(strip(page).getByRole('listitem')).toHaveText([/sample/, /score/, /advantages/, /update/]);
  await expect(currentStage(page)).toHaveCount(0);

  const stepStage = page.getByRole('button', { name: 'Next stage' });
  await stepStage.click();
  await expect(counter(page)).toHaveText('Iteration 1 / 8', FIRST);
  await expect(currentStage(page)).toContainText('sample');
  // smallConfigHash samples 16 responses per iteration.
  await expect(narration(page)).toContainText('Sampled 16 responses');
  await expect(page.getByTestId('stepper-explain')).toContainText('Showing stage 1 of');
  // Each stage shows its own data: at sample the responses, coloured by the policy that sampled
  // them, with no scores yet; the charts wait for the update.
  const inspector = page.getByRole('region', { name: 'Sample inspector' });
  const column = (name: string) => inspector.getByRole('columnheader', { name, exact: true });
  await expect(page.getByTestId('stepper-explain')).toContainText('joins the charts at the “update” stage');
  expect(await chartPoints(page, 'proxy-reward')).toBe(0);
  await expect(inspector).toHaveAttribute('data-samples', '8');
  await expect(inspector).toContainText('before this iteration’s update');
  await expect(column('Proxy')).toHaveCount(0);
  const bars = page.getByTestId('chart-policy-bars');
  await expect(bars).toContainText('before this update');

  await stepStage.click();
  await expect(currentStage(page)).toContainText('score');
  await expect(narration(page)).toContainText(/mean proxy reward -?\d+\.\d{3}/);
  await expect(column('Proxy')).toBeVisible();
  await expect(page.getByTestId('token-advantage')).toHaveCount(0);
  await stepStage.click();
  await expect(currentStage(page)).toContainText('advantages');
  // One r and Â under each token of each of the 8 responses (one-token task).
  await expect(page.getByTestId('token-advantage')).toHaveCount(8);
  await expect(page.getByTestId('token-advantage').first()).toContainText(/r [+-]?\d+\.\d\d/);
  expect(await chartPoints(page, 'proxy-reward')).toBe(0);
  await stepStage.click();
  await expect(currentStage(page)).toContainText('update');
  await expect(narration(page)).toContainText(/\d+% of ratios clipped/);
  // The update: the point reaches the charts, the policy before and after side by side.
  expect(await chartPoints(page, 'proxy-reward')).toBe(1);
  await expect(column('log π(y|x) before → after')).toBeVisible();
  await expect(inspector.getByRole('cell', { name: /^-?\d+\.\d{3} → -?\d+\.\d{3}$/ }).first()).toBeVisible();
  await expect(bars).toContainText('π_θ before this update');
  await expect(bars).toContainText('How iteration 1’s update moved the policy');
  // Revealing stages runs nothing: still one iteration.
  await expect(counter(page)).toHaveText('Iteration 1 / 8');

  // Past the last stage, the next press runs iteration 2 and starts at its first stage.
  const stageCount = await strip(page).getByRole('listitem').count();
  for (let i = 4; i < stageCount; i++) await stepStage.click();
  await expect(page.getByTestId('stepper-explain')).toContainText('last stage');
  await stepStage.click();
  await expect(counter(page)).toHaveText('Iteration 2 / 8');
  await expect(currentStage(page)).toContainText('sample');

  // Step runs a whole iteration: every stage shown as done, none current.
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(counter(page)).toHaveText('Iteration 3 / 8');
  await expect(currentStage(page)).toHaveCount(0);
  expect(await chartPoints(page, 'proxy-reward')).toBe(3);
  await expect(column('log π(y|x) before → after')).toHaveCount(0);
  await expect(column('Proxy')).toBeVisible();
  await expect(page.getByTestId('stepper-explain')).toContainText(/Iteration 3: all \d+ stages took/);
  expect(errors).toEqual([]);
});

test('keyboard shortcuts: → steps, S steps a stage, Space plays and pauses, R resets; not while typing', async ({ page }) => {
  await openLab(page, smallConfigHash({ iterations: 500 }));
  const list = page.getByRole('region', { name: 'Keyboard shortcuts' });
  await expect(list).toContainText('Space');
  await expect(list).toContainText('Step one iteration');
  await expect(list).toContainText('Reset the run');

  await page.keyboard.press('ArrowRight');
  await expect(counter(page)).toHaveText('Iteration 1 / 500', FIRST);
  await page.keyboard.press('s');
  await expect(counter(page)).toHaveText('Iteration 2 / 500');
  await expect(currentStage(page)).toContainText('sample');
  await page.keyboard.press('s');
  await expect(currentStage(page)).toContainText('score');

  // Typing in a field is typing, not a shortcut.
  const seed = page.getByRole('textbox', { name: 'Seed' });
  await seed.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await page.waitForTimeout(500);
  await expect(counter(page)).toHaveText('Iteration 2 / 500');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeDisabled();
  await seed.blur();

  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled();
  const iteration = async () => Number(/Iteration (\d+)/.exec((await counter(page).textContent()) ?? '')?.[1]);
  await expect.poll(iteration, { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();

  await page.keyboard.press('r');
  await expect(counter(page)).toHaveText('Iteration 0 / 500');
  expect(await chartPoints(page, 'proxy-reward')).toBe(0);
});

test('slow motion animates each played iteration’s stages, and the page stays responsive', async ({ page }) => {
  // On WebGPU in software: its preparation takes seconds, so training on the main thread would
  // show as seconds of timer lateness (on WASM the whole preparation takes about one second).
  await openLab(page, smallConfigHash({ iterations: 500 }), 'webgpu');
  await page.getByRole('combobox', { name: 'Speed', exact: true }).selectOption({ label: 'Slow motion' });
  // The main thread's timer lateness while the worker trains. Training on the main thread
  // would block it for the whole preparation (many seconds); a busy 2-core machine adds some.
  await page.evaluate(() => {
    const w = window as unknown as { maxLate: number };
    w.maxLate = 0;
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      w.maxLate = Math.max(w.maxLate, now - last - 100);
      last = now;
    }, 100);
  });
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByTestId('stepper-explain')).toContainText('Slow motion: replaying iteration', FIRST);
  await expect(currentStage(page)).toHaveCount(1);
  // The animation moves on to a later stage of the same iteration before the next one starts.
  const first = await currentStage(page).textContent();
  await expect.poll(async () => currentStage(page).textContent(), { timeout: 60_000 }).not.toBe(first);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  // Preparation and shader compilation run in the worker, so the page keeps answering.
  expect(await page.evaluate(() => (window as unknown as { maxLate: number }).maxLate)).toBeLessThan(2_000);
});

test('the first iteration says it is compiling shaders while it runs', async ({ page }) => {
  await openLab(page, smallConfigHash(), 'webgpu');
  await expect(badge(page)).toHaveText(/^WebGPU/);
  // Record every text the status line shows: the first-step message may last well under a second.
  await page.evaluate(() => {
    const w = window as unknown as { statusTexts: string[] };
    w.statusTexts = [];
    const el = document.querySelector('[data-testid="run-status"]')!;
    new MutationObserver(() => w.statusTexts.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 8', FIRST);
  const texts = await page.evaluate(() => (window as unknown as { statusTexts: string[] }).statusTexts);
  expect(texts.some((t) => /Compiling shaders|Running the first iteration/.test(t))).toBe(true);
  expect(texts.some((t) => t.startsWith('Preparing'))).toBe(true);
  await expect(page.getByRole('progressbar', { name: 'First iteration' })).toHaveCount(0);
});

test('a DPO walk shows the labelled pairs of its minibatch, then how its update moved their margin', async ({ page }) => {
  const errors = collectErrors(page);
  await openLab(page, smallConfigHash({ method: { id: 'dpo', batchSize: 16 } }));
  await expect(strip(page).getByRole('listitem')).toHaveText([/batch/, /update/, /measure/]);
  const stepStage = page.getByRole('button', { name: 'Next stage' });
  await stepStage.click();
  await expect(counter(page)).toHaveText('Iteration 1 / 8', FIRST);
  const pairs = page.getByRole('region', { name: 'Labelled pairs' });
  await expect(pairs).toHaveAttribute('data-pairs', '8');
  await expect(pairs).toContainText('minibatch, drawn from the farm’s labelled comparisons');
  await expect(pairs.getByRole('columnheader', { name: 'h', exact: true })).toBeVisible();
  // DPO samples nothing before it measures: the inspector says where its responses come from.
  await expect(page.getByTestId('inspector-waiting')).toContainText('“measure” stage');
  expect(await chartPoints(page, 'proxy-reward')).toBe(0);

  await stepStage.click();
  await expect(currentStage(page)).toContainText('update');
  await expect(pairs.getByRole('columnheader', { name: 'h before → after' })).toBeVisible();
  await expect(pairs.getByRole('cell', { name: /^-?\d+\.\d{3} → -?\d+\.\d{3}$/ }).first()).toBeVisible();
  expect(await chartPoints(page, 'proxy-reward')).toBe(1);
  expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => v.id)).toEqual([]);
  await stepStage.click();
  await expect(currentStage(page)).toContainText('measure');
  await expect(page.getByRole('region', { name: 'Sample inspector' })).toHaveAttribute('data-samples', '8');

  // A whole Step shows no stage detail.
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(counter(page)).toHaveText('Iteration 2 / 8');
  await expect(pairs).toHaveCount(0);
  expect(errors).toEqual([]);
});
