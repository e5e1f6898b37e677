import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** Layers import downward only: ui → state → engine → core. */
const layer = (files, forbidden, extra = []) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...forbidden.map((l) => ({
            group: [`**/${l}/*`, `**/${l}`],
            message: `Layers import downward only (ui → state → engine → core): this file may not import from ${l}/.`,
          })),
          ...extra,
        ],
      },
    ],
  },
});

const noTf = { group: ['@tensorflow/*'], message: 'Only core/ and engine/ touch tensors.' };
const noUiLibs = { group: ['react', 'react-dom', 'react-dom/*', 'recharts', 'zustand', 'zustand/*'], message: 'core/ and engine/ are UI-free.' };

export default tseslint.config(
  { ignores: ['dist/**', 'dist-e2e-*/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.scratch*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // Node scripts (test runner, Chromium finder) run outside the bundler.
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  layer(['src/core/**'], ['engine', 'state', 'ui'], [noUiLibs]),
  layer(['src/engine/**'], ['state', 'ui'], [noUiLibs]),
  layer(['src/state/**'], ['ui'], [noTf]),
  layer(['src/ui/**'], ['engine'], [noTf]),
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-globals': ['error', { name: 'window', message: 'core/ is DOM-free.' }, { name: 'document', message: 'core/ is DOM-free.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'All randomness flows from the seed: use core/rng.ts.' }],
    },
  },
);
