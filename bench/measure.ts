/**
 * One benchmark row, shared by the Node runner (LocalEngine) and the page (WorkerEngineClient):
 * the same PPO iteration on a population of P members, timed the way the UI sees it.
 */
import { parseConfig, type Config } from '../src/core/config';
import { SCENARIOS } from '../src/core/scenarios';
import type { BackendChoice, BackendName, LabEngine } from '../src/engine/protocol';

export interface BenchOptions {
  backend: BackendName;
  populations: number[];
  warmup: number;
  measured: number;
  /** Task id, e.g. 'bandit' (tabular policy) or 'helpful' (transformer). */
  task: string;
  /**
   * Measure iterations without the exact evaluation (it then runs only at a run's first and last
   * iteration, outside the measured ones): the training step alone, as the PyTorch reference
   * times it. By default every iteration evaluates, as the page does.
   */
  trainingOnly?: boolean;
  /** Keep timing past `measured` runs until this many ms of them (at most MAX_MEASURED): a fast computation's median then rests on dozens of runs. */
  minMs?: number;
}

/** The most timed runs a row takes when `minMs` asks for more than `measured`. */
export const MAX_MEASURED = 100;

/** The most runs `timeRuns(run, measured, minMs)` can take: what a run's iteration budget must leave room for. */
export const mostRuns = (measured: number, minMs = 0): number => (minMs > 0 ? Math.max(measured, MAX_MEASURED) : measured);

/**
 * Wall times of `run`: at least `measured` runs, then more until `minMs` of them have passed
 * or MAX_MEASURED have run. bench/torch_reference.py's `timed` samples the same way.
 */
export async function timeRuns(run: () => Promise<unknown>, measured: number, minMs = 0, now: () => number = () => performance.now()): Promise<number[]> {
  const ms: number[] = [];
  let spent = 0;
  while (ms.length < measured || (spent < minMs && ms.length < MAX_MEASURED)) {
    const t0 = now();
    await run();
    ms.push(now() - t0);
    spent += ms[ms.length - 1];
  }
  return ms;
}

export interface BenchRow {
  env: 'node' | 'browser';
  backend: BackendName;
  /** The backend's badge text, e.g. "WebGPU · swiftshader (software)". */
  label: string;
  P: number;
  /** Median wall time of one `step()` after warmup. */
  msPerIteration: number;
  iterationsPerSecond: number;
  readbacksPerIteration: number;
  /** Kernels one iteration launches (tf.profile, exact evaluation off): machine-independent; Node only. */
  kernelsPerIteration?: number;
  /** Of those, the ones that run work on the device (not a Reshape or Identity, which only relabel a buffer). */
  dispatchesPerIteration?: number;
  /** Why the row has no numbers (backend unavailable, an error). */
  skipped?: string;
}

/** What `run` launched: every kernel, and those that dispatch work (see `countKernels`). */
export interface KernelCount {
  kernels: number;
  dispatches: number;
}

/** Counts the kernels `run` launches (Node passes one built on tf.profile; in a page the worker is out of reach). */
export type KernelCounter = (run: () => Promise<unknown>) => Promise<KernelCount>;

/**
 * Kernels that only relabel a buffer on every tfjs backend (a new shape, or one more reference
 * held by the autograd tape): no work reaches the device. A Cast to the same dtype is such a
 * no-op too, but tf.profile does not tell it apart, so `dispatches` is an upper bound.
 */
export const VIEW_KERNELS: ReadonlySet<string> = new Set(['Reshape', 'Identity']);

/**
 * Kernel names (tf.profile's list) → counts. tf.profile also lists each custom-gradient op
 * ("unnamed scope", "logSoftmax__op") beside the kernels it runs: `isKernel` (a name the backend
 * registers) leaves those records out, which launch nothing of their own.
 */
export function countOf(names: readonly string[], isKernel: (name: string) => boolean = () => true): KernelCount {
  const kernels = names.filter(isKernel);
  return { kernels: kernels.length, dispatches: kernels.filter((n) => !VIEW_KERNELS.has(n)).length };
}

/** A β sweep of P members (P = 1: no sweep); preparation kept minimal, the method at its defaults. */
export function benchConfig(P: number, iterations: number, task: string, evalEvery = 1): Config {
  const betas = Array.from({ length: P }, (_, i) => Number((0.01 * 100 ** (P > 1 ? i / (P - 1) : 0)).toPrecision(3)));
  return parseConfig({
    version: 1,
    iterations,
    evalEvery,
    task: { id: task },
    // The iteration is what is measured: SFT and the reward model only need to exist.
    sft: { steps: 5, demos: 256 },
    feedback: { comparisons: 64 },
    rewardModel: { steps: 0 },
    preferenceModel: { steps: 0 },
    sweep: P > 1 ? { kind: 'beta', values: betas } : { kind: 'none' },
  });
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Rows for every P on `engine`, which must be fresh; the engine is left for the caller to dispose. */
export async function measure(engine: LabEngine, env: BenchRow['env'], options: BenchOptions, now: () => number, countKernels?: KernelCounter): Promise<BenchRow[]> {
  const skip = (label: string, P: number, reason: string): BenchRow => ({
    env, backend: options.backend, label, P, msPerIteration: NaN, iterationsPerSecond: NaN, readbacksPerIteration: NaN, skipped: reason,
  });
  const info = await engine.init(options.backend);
  if (info.name !== options.backend) {
    return options.populations.map((P) => skip('—', P, info.fallbackReasons[0] ?? `got ${info.name}`));
  }
  const rows: BenchRow[] = [];
  for (const P of options.populations) {
    try {
      await engine.load(
        options.trainingOnly
          ? benchConfig(P, options.warmup + mostRuns(options.measured, options.minMs) + 2, options.task, 1000)
          : benchConfig(P, options.warmup + mostRuns(options.measured, options.minMs), options.task),
      );
      if (options.trainingOnly) await engine.step(); // iteration 1 evaluates
      await engine.prepare();
      for (let i = 0; i < options.warmup; i++) await engine.step();
      const readbacks: number[] = [];
      const ms = await timeRuns(async () => readbacks.push((await engine.step()).readbacks), options.measured, options.minMs, now);
      const m = median(ms);
      let count: KernelCount | undefined;
      if (countKernels) {
        // Iteration 2 of a run that evaluates exactly only at its first and last iterations.
        await engine.load(benchConfig(P, 3, options.task, 1000));
        await engine.step();
        count = await countKernels(() => engine.step());
      }
      rows.push({
        env, backend: options.backend, label: info.label, P, msPerIteration: m, iterationsPerSecond: 1000 / m, readbacksPerIteration: median(readbacks),
        kernelsPerIteration: count?.kernels, dispatchesPerIteration: count?.dispatches,
      });
    } catch (error) {
      rows.push(skip(info.label, P, error instanceof Error ? error.message : String(error)));
    }
  }
  return rows;
}

/** Time to a first iteration, as a newcomer waits for it: from a loaded config to its first finished iteration. */
export interface FirstRow {
  env: 'node' | 'browser';
  /** The backend's badge text; for Auto, what it picked ("Auto → WASM (SIMD)"). */
  label: string;
  /** The default experiment, a guided scenario, or the β change. */
  what: string;
  /** Wall time of the first `step()` (preparation and one iteration), or of the step after the change. */
  ms: number;
  skipped?: string;
}

/** The default experiment and every guided scenario: what a first visit or a scenario pick runs. */
export function firstIterationCases(): { what: string; config: Config }[] {
  return [{ what: 'default experiment', config: parseConfig({ version: 1 }) }, ...SCENARIOS.map((s) => ({ what: `scenario: ${s.title}`, config: s.config }))];
}

/**
 * For each case on a fresh backend (init empties the preparation cache): ms from the loaded
 * config to its first finished iteration. Then, on the default experiment after its first
 * iteration, ms from a β change to the next finished iteration (the cache serves it).
 */
export async function measureFirstIterations(engine: LabEngine, env: FirstRow['env'], backend: BackendChoice, now: () => number): Promise<FirstRow[]> {
  const rows: FirstRow[] = [];
  let label: string = backend;
  const title = (info: { label: string }) => (backend === 'auto' ? `Auto → ${info.label}` : info.label);
  for (const { what, config } of firstIterationCases()) {
    try {
      label = title(await engine.init(backend));
      await engine.load(config);
      const t0 = now();
      await engine.step();
      rows.push({ env, label, what, ms: now() - t0 });
    } catch (error) {
      rows.push({ env, label, what, ms: NaN, skipped: error instanceof Error ? error.message : String(error) });
    }
  }
  try {
    const config = parseConfig({ version: 1 });
    label = title(await engine.init(backend));
    await engine.load(config);
    await engine.step();
    const t0 = now();
    await engine.load({ ...config, method: { ...config.method, beta: 0.2 } } as Config);
    await engine.step();
    rows.push({ env, label, what: 'β change → next iteration', ms: now() - t0 });
  } catch (error) {
    rows.push({ env, label, what: 'β change → next iteration', ms: NaN, skipped: error instanceof Error ? error.message : String(error) });
  }
  return rows;
}

/** A markdown table of first-iteration rows. */
export function formatFirstTable(rows: FirstRow[]): string {
  return markdown(
    ['case', 'env', 'backend', 'ms to first iteration'],
    rows.map((r) => [r.what, r.env, r.label, r.skipped ? `skipped: ${r.skipped.slice(0, 90)}` : r.ms.toFixed(0)]),
  );
}

/** A markdown table of rows (skipped rows say why). */
export function formatTable(rows: BenchRow[]): string {
  const head = ['env', 'backend', 'P', 'ms/iter', 'iter/s', 'readbacks/iter', 'kernels/iter', 'dispatches/iter'];
  const count = (n?: number) => (n === undefined ? '—' : String(n));
  const body = rows.map((r) =>
    r.skipped
      ? [r.env, r.label === '—' ? r.backend : r.label, String(r.P), `skipped: ${r.skipped.slice(0, 90)}`, '', '', '', '']
      : [r.env, r.label, String(r.P), r.msPerIteration.toFixed(1), r.iterationsPerSecond.toFixed(2), String(r.readbacksPerIteration), count(r.kernelsPerIteration), count(r.dispatchesPerIteration)],
  );
  return markdown(head, body);
}

/** A markdown table: header cells, then rows of cells, padded to line up. */
export function markdown(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [fmt(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(fmt)].join('\n');
}
