/**
 * `npm run bench [-- --quick] [--env node|browser|all] [--task bandit] [--webgpu-helpful]`
 *
 * The same PPO iteration on every backend: in Node (CPU, WASM, and WebGPU through the `webgpu`
 * package, a dev dependency) through LocalEngine, and in headless Chromium (WebGPU, WebGL,
 * WASM, CPU) through the real training worker on bench.html. Prints a markdown table to stdout;
 * progress goes to stderr. On a machine without a GPU, WebGPU and WebGL run on SwiftShader:
 * the numbers then say what works, not how fast a GPU is.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { findChromium } from '../scripts/chromium.mjs';
import { quietTfjsLogs } from '../src/engine/backend';
import { LocalEngine } from '../src/engine/engine';
import type { BackendChoice, BackendName } from '../src/engine/protocol';
import { formatCoreTable, formatWebGpuTable, judgeRows, methodRows, ppoRows, torchReference, webgpuCountRows, withTorch } from './core';
import { formatFirstTable, formatTable, MAX_MEASURED, measure, measureFirstIterations, type BenchOptions, type BenchRow, type FirstRow } from './measure';
import { countKernelsInNode } from './node_count';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
/** A browser backend that takes longer than this (e.g. a hung shader compile) becomes a skipped row. */
const BROWSER_BACKEND_TIMEOUT_MS = 180_000;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    env: { type: 'string', default: 'all' },
    task: { type: 'string', default: 'bandit' },
    core: { type: 'boolean', default: true },
    'webgpu-helpful': { type: 'boolean', default: false },
  },
  allowNegative: true,
});
if (!['node', 'browser', 'all'].includes(values.env)) {
  console.error('usage: npm run bench -- [--quick] [--env node|browser|all] [--task bandit|helpful|sorting|cycle] [--no-core] [--webgpu-helpful]');
  process.exit(2);
}
const base = {
  populations: values.quick ? [1, 4] : [1, 4, 16],
  warmup: values.quick ? 1 : 2,
  measured: values.quick ? 3 : 5,
  task: values.task,
};
const log = (text: string) => process.stderr.write(`${text}\n`);

const firstRows: FirstRow[] = [];

async function nodeRows(): Promise<BenchRow[]> {
  quietTfjsLogs();
  const rows: BenchRow[] = [];
  for (const backend of ['cpu', 'wasm', 'webgpu'] as BackendName[]) {
    log(`node: ${backend}…`);
    const engine = new LocalEngine({ env: 'node' });
    try {
      const measured = await measure(engine, 'node', { ...base, backend }, () => performance.now(), countKernelsInNode);
      rows.push(...measured);
      // A software GPU prepares every scenario for many minutes; the browser rows time WebGPU's first iterations.
      const softwareGpu = backend === 'webgpu' && /software/.test(measured[0]?.label ?? '');
      if (!measured[0]?.skipped && !softwareGpu && (backend !== 'cpu' || !values.quick)) {
        log(`node: ${backend}, first iterations…`);
        firstRows.push(...(await measureFirstIterations(engine, 'node', backend, () => performance.now())));
      }
    } finally {
      engine.dispose();
    }
  }
  return rows;
}

/** Newest modification time under `path` (files only), skipping dependencies and outputs. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function buildIfStale(): void {
  const built = existsSync(join(DIST, 'bench.html')) ? statSync(join(DIST, 'bench.html')).mtimeMs : 0;
  const sources = Math.max(...['src', 'bench', 'bench.html', 'index.html', 'vite.config.ts', 'package.json'].map((p) => newest(join(ROOT, p))));
  if (built >= sources) return;
  log('browser: dist/ is stale, running vite build…');
  const result = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('vite build failed');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** A static server for dist/ on 127.0.0.1 (WebGPU needs a secure context: localhost counts). */
function serveDist(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(join(DIST, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(DIST) || !existsSync(path) || statSync(path).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

function timeout<T>(ms: number, what: string): Promise<T> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms).unref());
}

async function browserRows(): Promise<BenchRow[]> {
  const executablePath = findChromium();
  if (!executablePath) {
    log('browser: no Chromium found (Playwright\'s or /usr/bin/chromium): browser rows skipped.');
    return [];
  }
  buildIfStale();
  const server = await serveDist();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bench.html`;
  const browser = await chromium.launch({
    executablePath,
    args: ['--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const rows: BenchRow[] = [];
  try {
    for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu'] as BackendName[]) {
      log(`browser: ${backend}…`);
      // A fresh page per backend: a backend that hangs cannot hold up the next one.
      const page = await browser.newPage();
      page.on('pageerror', (error) => log(`  page error: ${error.message}`));
      try {
        await page.goto(url);
        await page.waitForFunction(() => window.__bench !== undefined);
        const options: BenchOptions = { ...base, backend };
        const run = page.evaluate((o) => window.__bench!.run(o), options);
        rows.push(...(await Promise.race([run, timeout<BenchRow[]>(BROWSER_BACKEND_TIMEOUT_MS, backend)])));
      } catch (error) {
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        rows.push(...base.populations.map((P) => ({ env: 'browser' as const, backend, label: '—', P, msPerIteration: NaN, iterationsPerSecond: NaN, readbacksPerIteration: NaN, skipped: reason })));
      } finally {
        await page.close();
      }
    }
    // Auto and WASM always; the slower backends (minutes on a software GPU) in the full run.
    const firstBackends: BackendChoice[] = values.quick ? ['auto', 'wasm'] : ['auto', 'wasm', 'webgl', 'cpu', 'webgpu'];
    for (const backend of firstBackends) {
      log(`browser: ${backend}, first iterations…`);
      const page = await browser.newPage();
      try {
        await page.goto(url);
        await page.waitForFunction(() => window.__bench !== undefined);
        const run = page.evaluate((b) => window.__bench!.first(b), backend);
        firstRows.push(...(await Promise.race([run, timeout<FirstRow[]>(BROWSER_BACKEND_TIMEOUT_MS, `${backend} (first iterations)`)])));
      } catch (error) {
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        firstRows.push({ env: 'browser', label: backend, what: 'all cases', ms: NaN, skipped: reason });
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  return rows;
}

/** Fast rows of the core table are timed this long, here and in PyTorch: their medians then rest on dozens of runs. */
const CORE_MIN_MS = 1000;

/** The side-by-side table: the core on WASM in Node against PyTorch on one CPU thread. */
async function coreTable(): Promise<string> {
  quietTfjsLogs();
  const options = { ...base, backend: 'wasm' as BackendName, countKernels: countKernelsInNode, minMs: CORE_MIN_MS };
  // The process's first iterations run cold (JIT, WASM compilation): a throwaway pass keeps them out of the first row.
  await ppoRows({ ...options, populations: [1], measured: 1, minMs: 0 });
  log('core: PPO on bandit and helpful…');
  const rows = await ppoRows(options);
  log('core: judge step…');
  rows.push(...(await judgeRows(options)));
  log('core: every method…');
  rows.push(...(await methodRows({ ...options, populations: [1] }, 'bandit')));
  if (!values.quick) rows.push(...(await methodRows({ ...options, populations: [1] }, 'helpful')));
  log('core: PyTorch reference…');
  const torch = torchReference(base.populations, base.warmup, base.measured, options.minMs);
  // Helpful on a software GPU takes minutes per iteration: asked for by name.
  log('core: WebGPU kernel counts…');
  const gpu = await webgpuCountRows(values['webgpu-helpful'] ? ['bandit', 'helpful'] : ['bandit']);
  return `${formatCoreTable(withTorch(rows, torch), 'WASM')}\n\nDispatches on WebGPU are counted as recorded (the lab's SplitV one program for up to seven parts, the fused Adam one program per parameter; a Reshape nothing).\n\n${formatWebGpuTable(gpu)}`;
}

const started = performance.now();
const core = values.core && values.env !== 'browser' ? await coreTable() : null;
const rows = [...(values.env !== 'browser' ? await nodeRows() : []), ...(values.env !== 'node' ? await browserRows() : [])];
if (core) {
  console.log(`The core in Node on WASM beside PyTorch 1 thread (bench/torch_reference.py); median of ${base.measured} runs or more, until ${CORE_MIN_MS / 1000} s of them (at most ${MAX_MEASURED}), after ${base.warmup} warmup, PyTorch timed the same way; kernels and dispatches per iteration from tf.profile (dispatches leave out Reshape and Identity, which only relabel a buffer).\n`);
  console.log(`${core}\n`);
}
console.log(`PPO iteration, task ${base.task}, β sweep of P members; median of ${base.measured} after ${base.warmup} warmup.\n`);
console.log(formatTable(rows));
if (firstRows.length) {
  console.log('\nTime to a first iteration: from the loaded config to its first finished iteration (preparation included), on a fresh backend; then from a β change to the next iteration.\n');
  console.log(formatFirstTable(firstRows));
}
log(`\nbench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
