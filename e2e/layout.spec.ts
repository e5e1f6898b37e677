/**
 * Layout at a 1280×720 laptop and an 820×1180 tablet: nothing overflows sideways, the run
 * controls and the first charts are on screen without scrolling the page on the laptop.
 * Screenshots land in the test's output folder for a designer's eye.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { openLab, smallConfigHash } from './helpers';

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test('1280×720: the run controls and the first row of charts are visible without scrolling', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openLab(page, smallConfigHash());
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  for (const name of ['Step', 'Next stage', 'Play', 'Pause', 'Reset']) {
    await expect(page.getByRole('button', { name, exact: true })).toBeInViewport({ ratio: 1 });
  }
  await expect(page.getByRole('combobox', { name: 'Speed', exact: true })).toBeInViewport({ ratio: 1 });
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toBeInViewport({ ratio: 1 });
  // The top of the first chart shows (the chart area scrolls inside the work column).
  await expect(page.getByTestId('chart-proxy-reward')).toBeInViewport();
  await page.screenshot({ path: testInfo.outputPath('laptop-1280x720.png') });
});

test('820×1180 tablet: one column, nothing wider than the screen, run controls first on the first screen, settings after the charts', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 820, height: 1180 });
  await openLab(page, smallConfigHash());
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('tablet-first-screen.png') });
  for (const name of ['Step', 'Next stage', 'Play', 'Pause', 'Reset']) {
    await expect(page.getByRole('button', { name, exact: true })).toBeInViewport({ ratio: 1 });
  }
  const settings = await page.getByRole('complementary', { name: 'Settings' }).boundingBox();
  const charts = await page.getByTestId('chart-proxy-reward').boundingBox();
  expect(settings && charts && settings.y > charts.y).toBe(true);
  await page.screenshot({ path: testInfo.outputPath('tablet-820x1180.png'), fullPage: true });
});

test('1280×720: tabbing through the whole page never scrolls the window off its layout', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openLab(page, smallConfigHash());
  const seen = new Set<string>();
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const { scrollY, focused } = await page.evaluate(() => ({ scrollY: window.scrollY, focused: document.activeElement?.outerHTML.slice(0, 80) ?? '' }));
    expect(scrollY, `after Tab ${i + 1} (${focused})`).toBe(0);
    seen.add(focused);
  }
  // The walk reached the hidden file input behind "Import run", the control that used to blank the page.
  expect([...seen].some((html) => html.includes('type="file"'))).toBe(true);
});

test('1280×720: the charts keep their size when the first iteration fills the sample inspector, and no two panels overlap', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openLab(page, smallConfigHash());
  const ids = ['chart-proxy-reward', 'chart-gold-reward', 'chart-kl', 'chart-kl-reward', 'sample-inspector'];
  const boxes = async () => Promise.all(ids.map(async (id) => (await page.getByTestId(id).boundingBox())!));
  const before = await boxes();
  // Watch every frame while the first step prepares and runs: the run bar's progress, status
  // and stage strip must not push the charts down, not even for a frame.
  await page.evaluate(() => {
    const w = window as unknown as { tops: Set<number>; watching: boolean };
    w.tops = new Set();
    w.watching = true;
    const chart = document.querySelector('[data-testid="chart-proxy-reward"]')!;
    const frame = () => {
      w.tops.add(Math.round(chart.getBoundingClientRect().top));
      if (w.watching) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('sample-inspector')).not.toHaveAttribute('data-samples', '0');
  const tops = await page.evaluate(() => {
    const w = window as unknown as { tops: Set<number>; watching: boolean };
    w.watching = false;
    return [...w.tops];
  });
  expect(tops).toEqual([Math.round(before[0].y)]);
  const after = await boxes();
  for (let i = 0; i < 4; i++) {
    expect(after[i].height, ids[i]).toBeCloseTo(before[i].height, 0);
    // Nothing above the charts grew when work started (the status line, the stage strip).
    expect(after[i].y, ids[i]).toBeCloseTo(before[i].y, 0);
  }
  for (let i = 0; i < after.length; i++) {
    for (let j = i + 1; j < after.length; j++) {
      const [a, b] = [after[i], after[j]];
      const overlap = a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1;
      expect(overlap, `${ids[i]} and ${ids[j]}`).toBe(false);
    }
  }
});

test('a bad β sweep is explained at the field in plain words, keeps what was typed, and obvious separators work', async ({ page }) => {
  await openLab(page, smallConfigHash());
  const field = page.getByRole('textbox', { name: 'β sweep' });
  await field.fill('0.05');
  await field.press('Enter');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('.field-error')).toHaveText(/A sweep needs 2 to 16 values/);
  await expect(field).toHaveValue('0.05');
  await expect(page.locator('.alert-text')).toHaveCount(0);
  await field.fill('0.01;0.1');
  await field.press('Enter');
  await expect(field).toHaveValue('0.01, 0.1');
  await expect(field).not.toHaveAttribute('aria-invalid', 'true');
});

test('presentation mode: a toggle and a link parameter, larger type and thicker lines, still accessible', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openLab(page, smallConfigHash({ iterations: 2 }));
  for (const k of [1, 2]) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('iteration-counter')).toHaveText(`Iteration ${k} / 2`);
  }
  const tickSize = () => page.locator('.recharts-cartesian-axis-tick-value').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const lineWidth = () => page.locator('.recharts-line-curve').first().evaluate((el) => parseFloat(getComputedStyle(el).strokeWidth));
  const [tick, line] = [await tickSize(), await lineWidth()];
  const toggle = page.getByRole('button', { name: 'Present' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/&present=1$/);
  expect(await tickSize()).toBeGreaterThan(tick);
  expect(await lineWidth()).toBeGreaterThan(line);
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  // The link opens in presentation mode.
  const link = await page.evaluate(() => location.hash);
  await page.goto(`/${link}`);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Present' })).toHaveAttribute('aria-pressed', 'true');
});

test('settings: the basics first, the rest folded under Advanced; a glossary in plain words', async ({ page }) => {
  await openLab(page, smallConfigHash());
  for (const name of ['Seed', 'Iterations', 'β (KL coefficient)', 'β sweep']) await expect(page.getByRole('textbox', { name })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Comparisons' })).toBeHidden();
  await expect(page.getByRole('combobox', { name: 'Policy' })).toBeHidden();
  await page.getByTestId('experiment-advanced').getByText('Advanced: policy network and feedback').click();
  await expect(page.getByRole('textbox', { name: 'Comparisons' })).toBeVisible();
  const method = page.getByTestId('method-advanced');
  await expect(method.locator('summary')).toContainText('Advanced:');
  await method.locator('summary').click();
  await expect(method.getByRole('textbox').first()).toBeVisible();

  await page.getByText('Glossary', { exact: true }).click();
  for (const term of ['π_ref (the reference)', 'r_φ (reward model, proxy reward)', 'k1, k3', 'GAE (λ)', 'Win rate', 'Annotator pool']) {
    await expect(page.locator('.glossary-panel dt', { hasText: term })).toBeVisible();
  }
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
});

for (const [width, height, charts] of [
  [1280, 720, ['chart-proxy-reward', 'chart-kl', 'chart-kl-reward']],
  [1920, 1080, ['chart-proxy-reward', 'chart-kl', 'chart-kl-reward', 'chart-gold-reward', 'chart-win-rate', 'chart-loss']],
] as const) {
  test(`${width}×${height}: the run bar, the reward and KL curves and the KL–reward plane on one screen, without scrolling`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await openLab(page, smallConfigHash({ iterations: 2 }));
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('iteration-counter')).toHaveText('Iteration 1 / 2');
    for (const name of ['Step', 'Next stage', 'Play', 'Pause', 'Reset']) await expect(page.getByRole('button', { name, exact: true })).toBeInViewport({ ratio: 1 });
    for (const id of charts) await expect(page.getByTestId(id), id).toBeInViewport({ ratio: 1 });
  });
}
