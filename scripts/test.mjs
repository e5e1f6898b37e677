/**
 * The whole test suite, as README's test command runs it and as .ci/run calls it:
 * Chromium check/install → type check → lint → unit tests (Node, Vitest) → browser tests
 * (Playwright in real Chromium, WebGPU on). Stops at the first failing step.
 *
 * At the end it prints each step's wall time and the ten slowest unit-test files, so the
 * next person sees where the time goes. `node scripts/test.mjs unit lint` runs only the
 * steps whose titles contain one of the words.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const scratch = mkdtempSync(join(tmpdir(), 'lab-test-'));
const unitReport = join(scratch, 'vitest.json');

const steps = [
  ['Chromium for the browser tests, Vulkan loader for WebGPU in Node', 'node', ['scripts/ensure-chromium.mjs']],
  ['Type check', 'npx', ['tsc', '--noEmit', '-p', '.']],
  ['Lint (incl. layering: ui → state → engine → core)', 'npx', ['eslint', '.', '--max-warnings', '0']],
  ['Unit tests (Node, Vitest, tfjs WASM; golden and determinism on CPU)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitReport}`]],
  ['Browser tests (Playwright, real Chromium; WASM, and WebGPU on SwiftShader where it is the subject)', 'npx', ['playwright', 'test']],
];

const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;
const times = [];

/** Per-file wall times from Vitest's JSON report, slowest first. */
function slowestUnitFiles(n) {
  if (!existsSync(unitReport)) return [];
  const report = JSON.parse(readFileSync(unitReport, 'utf8'));
  return report.testResults
    .map((file) => ({ name: relative(process.cwd(), file.name), ms: file.endTime - file.startTime, tests: file.assertionResults.length }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n);
}

function summary(failed) {
  console.log('\n── Where the time went ──');
  for (const { title, ms, ok } of times) console.log(`${ok ? '✓' : '✗'} ${seconds(ms).padStart(6)}  ${title}`);
  const total = times.reduce((s, t) => s + t.ms, 0);
  console.log(`  ${seconds(total).padStart(6)}  in all${failed ? ' (stopped at the failing step)' : ''}`);
  const slow = slowestUnitFiles(10);
  if (slow.length) {
    console.log('\nSlowest unit-test files (wall time of each file in its fork; files run side by side, one fork per core):');
    for (const f of slow) console.log(`  ${seconds(f.ms).padStart(6)}  ${f.name} (${f.tests} tests)`);
  }
  rmSync(scratch, { recursive: true, force: true });
}

const only = process.argv.slice(2);
for (const [title, cmd, args] of steps) {
  if (only.length && !only.some((word) => title.toLowerCase().includes(word))) continue;
  console.log(`\n▶ ${title}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const { status, error } = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  const ok = !error && status === 0;
  times.push({ title, ms: Date.now() - started, ok });
  if (!ok) {
    console.error(`\n✗ ${title} failed${error ? `: ${error.message}` : ` (exit ${status})`}`);
    summary(true);
    process.exit(status || 1);
  }
  console.log(`✓ ${title} (${seconds(Date.now() - started)})`);
}
summary(false);
