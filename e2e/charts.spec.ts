/** The charts column: KL–reward plane, over-optimization, policy bars, sample inspector, smoothing and PNG export. */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, counter, openLab, smallConfigHash } from './helpers';

const BETAS = [0.05, 0.5, 5];

// Preparation and WebGPU steps run on SwiftShader (software) and share two cores with other suites.
test.setTimeout(900_000);

/** Smaller still than smallConfigHash: these tests check what is drawn, not how well the judges learn. */
const TINY = { sft: { demos: 32, steps: 3, batchSize: 16 }, rewardModel: { steps: 3, batchSize: 16 }, preferenceModel: { steps: 3, batchSize: 16 } };

async function step(page: Page, n: number) {
  for (let i = 1; i <= n; i++) {
    await page.getByRole('button', { name: 'Step' }).click();
    await expect(counter(page)).toHaveText(new RegExp(`^Iteration ${i} /`), { timeout: 300_000 });
  }
}

/** A column of the policy-bars number table, as numbers. */
async function column(page: Page, index: number): Promise<number[]> {
  const rows = page.getByTestId('chart-policy-bars').getByRole('table').getByRole('row');
  const cells = await rows.evaluateAll((trs, i) => trs.slice(1).map((tr) => tr.children[i]?.textContent ?? ''), index);
  return cells.map(Number);
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

test('a β sweep draws one trajectory per β on the KL–reward plane beside the exact frontier; policy bars; PNG export', async ({ page }) => {
  const errors = collectErrors(page);
  await openLab(page, smallConfigHash({ ...TINY, sweep: { kind: 'beta', values: BETAS } }));
  await expect(page.getByTestId('chart-policy-bars').getByText('No policy yet: press Step or Play.')).toBeVisible();
  await step(page, 3);

  const plane = page.getByTestId('chart-kl-reward');
  await expect(plane).toHaveAttribute('data-trajectories', String(BETAS.length));
  expect(Number(await plane.getAttribute('data-frontier'))).toBeGreaterThan(3);
  // One recharts line per trajectory, plus the frontier.
  await expect(plane.locator('.recharts-line')).toHaveCount(BETAS.length + 1);
  const legend = plane.getByRole('list', { name: 'KL–reward plane: legend' });
  for (const beta of BETAS) await expect(legend.getByRole('listitem').filter({ hasText: `β=${beta}` })).toHaveCount(1);
  await expect(legend).toContainText('exact frontier');
  // Markers: each β's own π*_β on the frontier (ringed; those within the plotted KL range — a small
  // β's optimum lies far beyond three steps), each run's latest point, π_ref at KL 0.
  const optima = Number(await plane.getAttribute('data-optima'));
  expect(optima).toBeGreaterThanOrEqual(1);
  await expect(plane.locator('.marker-optimum')).toHaveCount(optima);
  await expect(plane.locator('.marker-current')).toHaveCount(BETAS.length);
  await expect(plane.locator('.marker-reference')).toHaveCount(1);

  // Gold: the gold frontier and, dashed, where r_φ's optimum lands.
  await plane.getByRole('combobox', { name: 'Reward' }).selectOption('gold');
  await expect(plane.locator('.recharts-line')).toHaveCount(BETAS.length + 2);
  await expect(plane.getByText(/exact gold frontier/)).toBeVisible();

  // The per-iteration curves name each β at its line's end, labels apart even where lines meet.
  const ends = page.getByTestId('chart-proxy-reward').locator('text.end-label');
  await expect(ends).toHaveText(BETAS.map((b) => `● β=${b}`));
  const ys = (await ends.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top))).sort((a, b) => a - b);
  for (let k = 1; k < ys.length; k++) expect(ys[k] - ys[k - 1]).toBeGreaterThanOrEqual(12);

  const overopt = page.getByTestId('chart-overoptimization');
  await expect(overopt).toHaveAttribute('data-trajectories', String(BETAS.length));
  // Gold and proxy per β, and the exact optimum's gold curve.
  await expect(overopt.locator('.recharts-line')).toHaveCount(2 * BETAS.length + 1);

  await policyBarsAreDistributions(page);
  await everyChartDownloadsAsPng(page);
  expect(errors).toEqual([]);
});

/** The policy bars show π_θ, π_ref and π* as distributions per run, and the policy has moved (after 3 steps of the sweep). */
async function policyBarsAreDistributions(page: Page) {
  const bars = page.getByTestId('chart-policy-bars');

  await expect(bars).toHaveAttribute('data-points', '6');
  await expect(bars.locator('.recharts-bar-rectangle').first()).toBeVisible();
  await expect(bars.getByRole('combobox', { name: 'Run' }).getByRole('option')).toHaveCount(BETAS.length);
  await bars.getByText('Numbers').click();
  const [policy, reference, optimum] = [await column(page, 1), await column(page, 2), await column(page, 3)];
  expect(policy).toHaveLength(6);
  for (const dist of [policy, reference, optimum]) expect(sum(dist)).toBeCloseTo(1, 2);
  // β = 0.05 after three PPO steps: the policy is no longer π_ref, and π* is sharper than π_ref.
  expect(Math.max(...policy.map((p, i) => Math.abs(p - reference[i])))).toBeGreaterThan(0.002);
  expect(Math.max(...optimum)).toBeGreaterThan(Math.max(...reference));

  // Another run (β = 5) has its own optimum, closer to π_ref.
  await bars.getByRole('combobox', { name: 'Run' }).selectOption({ label: 'β=5' });
  const optimum5 = await column(page, 3);
  expect(Math.max(...optimum5)).toBeLessThan(Math.max(...optimum));
}

test('the sample inspector lists responses with per-token log-probabilities and verdicts; smoothing leaves the stored numbers', async ({ page }) => {
  await openLab(page, smallConfigHash(TINY));
  const inspector = page.getByRole('region', { name: 'Sample inspector' });
  await expect(inspector).toContainText('No samples yet');
  await step(page, 1);

  await expect(inspector).toHaveAttribute('data-samples', '8');
  const table = inspector.getByRole('table');
  await expect(table.getByRole('row')).toHaveCount(9);
  await expect(table.getByRole('columnheader', { name: 'Annotators’ win' })).toBeVisible();
  // Colour is never the only carrier: each token's numbers are in its text for screen readers.
  const firstToken = table.getByRole('row').nth(1).locator('.token').first();
  await expect(firstToken).toHaveAttribute('title', /: log π -?\d+\.\d\d, log π_ref -?\d+\.\d\d$/);
  await expect(firstToken.locator('.visually-hidden')).toHaveText(/log π -?\d+\.\d\d, log π_ref/);
  await expect(inspector.getByText('Token colour, log π − log π_ref:')).toBeVisible();
  const winCell = await table.getByRole('row').nth(1).getByRole('cell').nth(4).textContent();
  expect(Number(winCell)).toBeGreaterThanOrEqual(0);
  expect(Number(winCell)).toBeLessThanOrEqual(1);
  await smoothingLeavesStoredNumbers(page);
});

/** Smoothing changes the drawn curves, not the stored numbers (needs 1 step done; takes 3 more). */
async function smoothingLeavesStoredNumbers(page: Page) {
  for (let i = 2; i <= 4; i++) {
    await page.getByRole('button', { name: 'Step' }).click();
    await expect(counter(page)).toHaveText(new RegExp(`^Iteration ${i} /`), { timeout: 300_000 });
  }
  const chart = page.getByTestId('chart-proxy-reward');
  const raw = (await chart.getAttribute('data-first'))!.split(',').map(Number);
  expect(raw).toHaveLength(4);

  const slider = page.getByRole('slider', { name: 'Smoothing' });
  await slider.focus();
  await page.keyboard.press('End');
  await expect(slider).toHaveValue('0.99');
  await expect(chart).not.toHaveAttribute('data-first', raw.join(','));
  const smooth = (await chart.getAttribute('data-first'))!.split(',').map(Number);
  // Debiased: the first point is the raw value; later ones are pulled toward the earlier ones.
  expect(smooth[0]).toBeCloseTo(raw[0], 5);
  expect(smooth[3]).not.toBeCloseTo(raw[3], 5);
  expect(await chart.getAttribute('data-points')).toBe('4');

  // Back to 0: the raw history comes back unchanged, so smoothing never touched it.
  await page.keyboard.press('Home');
  await expect(chart).toHaveAttribute('data-first', raw.join(','));
}

/** Each chart's PNG button downloads a real PNG (magic bytes, non-trivial size). */
async function everyChartDownloadsAsPng(page: Page) {
  for (const title of ['KL–reward plane', 'Proxy reward', 'Policy vs π_ref and π*']) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Download ${title} as PNG` }).click()]);
    expect(download.suggestedFilename()).toMatch(/^alignment-lab-.+\.png$/);
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.length).toBeGreaterThan(5_000);
  }
}

test('sorting: no frontier, with a sentence saying why, no policy bars, and verdicts against a sampled π_ref response', async ({ page }) => {
  const errors = collectErrors(page);
  await openLab(page, smallConfigHash({ ...TINY, task: { id: 'sorting' } }));
  await step(page, 1);
  const plane = page.getByTestId('chart-kl-reward');
  await expect(plane).toHaveAttribute('data-trajectories', '1');
  await expect(plane).toHaveAttribute('data-frontier', '0');
  await expect(plane).toContainText(/No exact frontier: .* too many responses per prompt to enumerate/);
  await expect(plane.locator('.recharts-line')).toHaveCount(1);
  await expect(page.getByTestId('chart-policy-bars')).toHaveCount(0);
  const inspector = page.getByRole('region', { name: 'Sample inspector' });
  await expect(inspector.getByRole('columnheader', { name: 'π_ref’s response' })).toBeVisible();
  await expect(inspector).toContainText('against the one response of π_ref shown');
  expect(errors).toEqual([]);
});
