/**
 * Layout at a 1280×720 laptop and an 820×1180 tablet: nothing overflows sideways, the run
 * controls and the first charts are on screen without scrolling the page on the laptop.
 * Screenshots land in the test's output folder for a designer's eye.
 */
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

test('820×1180 tablet: one column, nothing wider than the screen, settings then run controls', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 820, height: 1180 });
  await openLab(page, smallConfigHash());
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('tablet-first-screen.png') });
  const settings = await page.getByRole('complementary', { name: 'Settings' }).boundingBox();
  const run = await page.getByRole('button', { name: 'Play' }).boundingBox();
  expect(settings && run && run.y > settings.y).toBe(true);
  await page.getByRole('button', { name: 'Play' }).scrollIntoViewIfNeeded();
  await expect(page.getByRole('button', { name: 'Play' })).toBeInViewport({ ratio: 1 });
  await page.screenshot({ path: testInfo.outputPath('tablet-820x1180.png'), fullPage: true });
});
