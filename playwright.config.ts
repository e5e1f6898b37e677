/**
 * End-to-end tests in real Chromium. WebGPU runs on SwiftShader (software) on machines
 * without a GPU, so tests get generous timeouts and run one at a time (SwiftShader already
 * uses every core).
 */
import { defineConfig, devices } from '@playwright/test';
import { findChromium } from './scripts/chromium.mjs';

const CI = Boolean(process.env.CI);
// E2E_PORT lets several checkouts or sessions run the suite at once, each on its own build.
const PORT = Number(process.env.E2E_PORT ?? 4173);
const OUT_DIR = PORT === 4173 ? 'dist' : `dist-e2e-${PORT}`;
const executablePath = findChromium() ?? undefined;

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  fullyParallel: false,
  forbidOnly: CI,
  retries: 0,
  reporter: 'list',
  outputDir: `test-results/${PORT}`,
  // The first WebGPU iteration compiles every shader on SwiftShader (software): over a minute on a
  // busy 2-core machine. Generous waits keep the suite about behaviour, not speed.
  timeout: 240_000,
  expect: { timeout: 90_000 },
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
  },
  webServer: {
    // The production build: the worker and tfjs chunks are tested as users get them.
    // 127.0.0.1, not a LAN address: WebGPU needs a secure context.
    command: `npx vite build --outDir ${OUT_DIR} && npx vite preview --outDir ${OUT_DIR} --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !CI,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 720 },
        launchOptions: {
          executablePath,
          // --enable-unsafe-webgpu exposes WebGPU headless (SwiftShader adapter). Never
          // --use-angle=vulkan (it disables WebGPU here) nor --user-data-dir (Playwright owns it).
          args: [
            '--enable-unsafe-webgpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
});
