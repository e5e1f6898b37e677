/** Shared helpers for the end-to-end specs: small configs, error collection, common locators. */
import { expect, type Page } from '@playwright/test';
import LZString from 'lz-string';
import { defaultConfig, parseConfig, type Config, type ConfigInput } from '../src/core/config';
import { encodeConfig } from '../src/core/share';

/**
 * The documented link format, `#c=<lz-string compressToEncodedURIComponent(JSON)>` (as links
 * were written before the checksum; the lab's own links put 8 hex digits of checksum before
 * the JSON), written here independently of src/core/share.ts: links already shared must keep
 * opening, so a codec change that breaks the format should fail these tests.
 */
export function linkHash(config: Config): string {
  return `#c=${LZString.compressToEncodedURIComponent(JSON.stringify(config))}`;
}

/** The hash the lab itself writes for `config` (the current format, with its checksum): what the address bar should show. */
export function labHash(config: Config): string {
  return `#c=${encodeConfig(config)}`;
}

/** The config a `#c=…` hash carries (validated; a checksum before the JSON is skipped, not checked). */
export function configOfHash(hash: string): Config {
  const text = LZString.decompressFromEncodedURIComponent(hash.replace(/^#c=/, '').replace(/&.*$/, ''));
  return parseConfig(JSON.parse((text ?? 'null').replace(/^[0-9a-f]{8}(?=\{)/, '')));
}

/**
 * A config small enough that preparation and iterations take a few seconds on WebGPU in
 * SwiftShader (software): few SFT, reward- and preference-model steps, one PPO update per iteration.
 */
export function smallConfigHash(overrides: Partial<ConfigInput> = {}): string {
  const config = defaultConfig({
    iterations: 8,
    sft: { demos: 64, steps: 10, batchSize: 32 },
    feedback: { comparisons: 64 },
    rewardModel: { steps: 10, batchSize: 32 },
    preferenceModel: { steps: 10, batchSize: 32 },
    method: { id: 'ppo', batchSize: 16, epochs: 1, minibatches: 1 },
    ...overrides,
  });
  return linkHash(config);
}

/** Console errors and uncaught exceptions, collected from the moment this is called. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

/** The backend badge: the status element in the page header. */
export function badge(page: Page) {
  return page.getByRole('banner').getByRole('status');
}

/** "Iteration k / n". */
export function counter(page: Page) {
  return page.getByTestId('iteration-counter');
}

/** Waits until the experiment is loaded on a backend and Step can be pressed. */
export async function waitReady(page: Page): Promise<void> {
  await expect(badge(page)).toHaveText(/WebGPU|WebGL|WASM|CPU/);
  await expect(page.getByRole('button', { name: 'Step' })).toBeEnabled();
}

/** The number of iterations a chart plots, from its `data-points` attribute. */
export async function chartPoints(page: Page, name: string): Promise<number> {
  return Number(await page.getByTestId(`chart-${name}`).getAttribute('data-points'));
}

export const CHARTS = ['proxy-reward', 'gold-reward', 'kl', 'loss'] as const;

type Backend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
const BADGE: Record<Backend, RegExp> = { webgpu: /^WebGPU/, webgl: /^WebGL/, wasm: /^WASM/, cpu: /^CPU/ };

/** Switches a ready page to another backend through the Backend menu, as a user would. */
export async function useBackend(page: Page, backend: Backend): Promise<void> {
  await page.getByRole('combobox', { name: 'Backend' }).selectOption(backend);
  await expect(badge(page)).toHaveText(BADGE[backend]);
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled();
}

/**
 * Opens the lab at `hash` and waits until Step can be pressed, on WASM unless told otherwise
 * (chosen in the Backend menu, as a user would). Without a GPU, Chromium's WebGPU runs on
 * SwiftShader (software), where a first step spends 10–60 s compiling shaders and every
 * kernel is ~30× slower than on WASM. Specs about what the page does (charts, sharing,
 * history, stepping) take WASM; the specs that check WebGPU itself pass 'webgpu' (run.spec's
 * Step, methods.spec's every method, stepping.spec's shader notice and off-main-thread
 * training); load.spec checks what Auto picks.
 */
export async function openLab(page: Page, hash = '', backend: 'auto' | Backend = 'wasm'): Promise<void> {
  await page.goto(`/${hash}`);
  await waitReady(page);
  if (backend !== 'auto') await useBackend(page, backend);
}
