/** Your own preference data: import a file, train on it, see what can and cannot be known, export the comparisons. */
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { collectErrors, configOfHash, counter, openLab, smallConfigHash } from './helpers';

const ROWS = [
  ['Where is my parcel?', 'It left the depot today, tracking number attached.', 'Somewhere.', 'ana'],
  ['Where is my parcel?', 'It left the depot today, tracking number attached.', 'Ask the courier!!!', 'ben'],
  ['Where is my parcel?', 'Ask the courier!!!', 'Somewhere.', 'ana'],
  ['Can I return it?', 'Yes, within 30 days, with the receipt.', 'No.', 'ben'],
  ['Can I return it?', 'Yes, within 30 days, with the receipt.', 'Why would you?', 'ana'],
  ['Can I return it?', 'No.', 'Why would you?', 'ben'],
];
const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const CSV = ['prompt,chosen,rejected,annotator', ...Array.from({ length: 4 }, () => ROWS).flat().map((r) => r.map(quote).join(','))].join('\n');

test('a preference file becomes the task: it trains, the charts say what cannot be known, the link keeps it, and its comparisons download in the same format', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await openLab(page, smallConfigHash({ iterations: 3, method: { id: 'dpo', batchSize: 8 } }));
  const file = page.getByLabel('Your preference data');

  // A bad file is refused with the row and column to fix; nothing changes.
  const before = await page.evaluate(() => location.hash);
  await file.setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('prompt,chosen,rejected\nHi,Hello,Bye\nHi,,Bye\n') });
  await expect(page.getByRole('alert')).toContainText('“broken.csv” was not imported: row 2, column "chosen": empty');
  expect(await page.evaluate(() => location.hash)).toBe(before);

  await file.setInputFiles({ name: 'support.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await expect(page.getByRole('combobox', { name: 'Task' })).toHaveValue('data');
  await expect(page.getByRole('combobox', { name: 'Task' }).locator('option:checked')).toHaveText('Your data: support');
  const config = configOfHash(await page.evaluate(() => location.hash));
  expect(config.task).toMatchObject({ id: 'data', title: 'support', prompts: ['Where is my parcel?', 'Can I return it?'], annotators: ['ana', 'ben'] });
  expect(config.method.id).toBe('dpo');

  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(counter(page)).toHaveText('Iteration 1 / 3', { timeout: 200_000 });
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(counter(page)).toHaveText('Iteration 2 / 3', { timeout: 60_000 });
  // What can be known is drawn; what cannot is said.
  await expect(page.getByTestId('chart-proxy-reward')).toHaveAttribute('data-points', '2');
  await expect(page.getByTestId('chart-kl')).toHaveAttribute('data-points', '2');
  await expect(page.getByTestId('chart-agreement')).toHaveAttribute('data-points', '2');
  await expect(page.getByTestId('chart-win-rate')).toHaveCount(0);
  await expect(page.getByTestId('chart-gold-reward')).toContainText('Cannot be known: your data has no hidden gold reward');
  await expect(page.getByTestId('chart-overoptimization')).toContainText('Cannot be known');
  await expect(page.getByTestId('chart-kl-reward').getByRole('combobox')).toHaveCount(0);
  const judges = page.getByRole('region', { name: 'Feedback and judges' });
  await expect(judges.getByRole('table').first()).toContainText('your file’s held-out rows');
  await expect(judges.getByRole('columnheader', { name: 'Accuracy (gold)' })).toHaveCount(0);
  await expect(page.getByTestId('labeller')).toContainText('its labels are the file’s');
  await expect(page.getByRole('alert')).toBeEmpty();
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);

  // The comparisons download as the file was: the same rows (held-out ones included), in the format it was read in.
  const [download] = await Promise.all([page.waitForEvent('download'), judges.getByRole('button', { name: 'Download comparisons (CSV)' }).click()]);
  expect(download.suggestedFilename()).toBe('support-comparisons.csv');
  const path = testInfo.outputPath('support-comparisons.csv');
  await download.saveAs(path);
  const sorted = (text: string) => text.trim().split('\n').slice(1).sort();
  expect(sorted(readFileSync(path, 'utf8'))).toEqual(sorted(CSV));

  // The link carries the task: a reload trains the same file.
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Task' }).locator('option:checked')).toHaveText('Your data: support');
  expect(configOfHash(await page.evaluate(() => location.hash)).task).toEqual(config.task);
  expect(errors).toEqual([]);
});
