/** Embed mode: `&hide=…` in a share link leaves chosen panels out, for course pages. */
import { expect, test } from '@playwright/test';
import { counter, openLab, smallConfigHash } from './helpers';

test('hide=settings,history hides those panels, keeps the rest, and stays in the link', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openLab(page, `${smallConfigHash({ iterations: 2 })}&hide=settings,history`);
  await expect(page.getByRole('complementary', { name: 'Settings' })).toBeHidden();
  await expect(page.getByRole('region', { name: 'Saved runs' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Feedback and judges' })).toBeVisible();
  await expect(page.getByRole('banner')).toBeVisible();

  // The lab still trains, and the link keeps its embed parameters as the config is rewritten.
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 2');
  expect(await page.evaluate(() => location.hash)).toMatch(/^#c=[^&]+&hide=settings,history$/);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Link copied')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/#c=[^&]+&hide=settings,history$/);
});

test('unknown panel names are ignored with a notice shown as text, never as HTML', async ({ page }) => {
  const sneaky = encodeURIComponent('<img src=x onerror="document.title=1">');
  await page.goto(`/${smallConfigHash({ iterations: 2 })}&hide=header,charts,${sneaky}`);
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
  await expect(page.getByRole('banner')).toBeHidden();
  await expect(page.getByRole('complementary', { name: 'Settings' })).toBeVisible();
  const notice = page.getByRole('status').filter({ hasText: 'This link asks to hide' });
  await expect(notice).toContainText('“charts”, “<img src=x onerror="document.title=1">”, which the lab does not have');
  await expect(page.locator('img')).toHaveCount(0);
  expect(await page.title()).not.toBe('1');
  // Only the valid part goes back into the address bar.
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#c=[^&]+&hide=header$/);
});
