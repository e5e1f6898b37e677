import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    // Only a hang should trip these: speed is measured by `npm run bench`, never by a test's
    // pass or fail, so a slow or busy machine runs the same suite, just longer.
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    // tfjs keeps one global engine per process; isolate files in forks. Every core gets a fork
    // (vitest's default leaves one idle, which halves a 2-core machine): tfjs runs on one thread.
    pool: 'forks',
    maxWorkers: availableParallelism(),
    setupFiles: ['./src/core/test_setup.ts'],
  },
});
