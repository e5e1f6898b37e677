/**
 * The whole test suite, as README's test command runs it and as .ci/run calls it:
 * Chromium check/install → type check → lint → unit tests (Node, Vitest) → browser tests
 * (Playwright in real Chromium, WebGPU on). Stops at the first failing step.
 */
import { spawnSync } from 'node:child_process';

const steps = [
  ['Chromium for the browser tests', 'node', ['scripts/ensure-chromium.mjs']],
  ['Type check', 'npx', ['tsc', '--noEmit', '-p', '.']],
  ['Lint (incl. layering: ui → state → engine → core)', 'npx', ['eslint', '.', '--max-warnings', '0']],
  ['Unit tests (Node, Vitest, tfjs CPU backend)', 'npx', ['vitest', 'run']],
  ['Browser tests (Playwright, Chromium, WebGPU)', 'npx', ['playwright', 'test']],
];

const only = process.argv.slice(2);
for (const [title, cmd, args] of steps) {
  if (only.length && !only.some((word) => title.toLowerCase().includes(word))) continue;
  console.log(`\n▶ ${title}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const { status, error } = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  if (error || status !== 0) {
    console.error(`\n✗ ${title} failed${error ? `: ${error.message}` : ` (exit ${status})`}`);
    process.exit(status || 1);
  }
  console.log(`✓ ${title} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
