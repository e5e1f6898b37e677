import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // tfjs keeps one global engine per process; isolate files in forks.
    pool: 'forks',
    setupFiles: ['./src/core/test_setup.ts'],
  },
});
