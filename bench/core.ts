/**
 * The core's cost, side by side with PyTorch (issue 12): in Node on one backend, the PPO
 * iteration on the bandit (tabular) and helpful (transformer) for P = 1/4/16, one
 * Bradley–Terry judge step, and one iteration of every method; kernels and device dispatches
 * per iteration (tf.profile), ms per iteration, and bench/torch_reference.py's ms for the same
 * computation, run by the same `npm run bench` when python3 can import torch.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parseConfig } from '../src/core/config';
import { METHOD_INFO } from '../src/core/method_info';
import { useFusedKernels } from '../src/core/kernels/array_kernel';
import { PopulationAdam } from '../src/core/math/adam';
import { encodePairs, judgeStep } from '../src/core/preparation/judge';
import { rewardJudge } from '../src/core/preparation/reward_model';
import { createRewardMlp } from '../src/core/models/reward_mlp';
import { createPopulation, streams } from '../src/core/population';
import type { MethodId } from '../src/core/config';
import { LocalEngine } from '../src/engine/engine';
import type { BackendName } from '../src/engine/protocol';
import { benchConfig, markdown, MAX_MEASURED, measure, median, mostRuns, timeRuns, type KernelCount, type KernelCounter } from './measure';
import { countKernelsInNode } from './node_count';

export interface CoreRow {
  what: string;
  task: string;
  P: number;
  ms: number;
  count?: KernelCount;
  /** The same with the lab's fused kernels off: the path WebGL runs. */
  composed?: KernelCount;
  /** PyTorch's ms for the same computation, or why there is none. */
  torch?: number | string;
  skipped?: string;
}

export interface CoreOptions {
  backend: BackendName;
  populations: number[];
  warmup: number;
  measured: number;
  /** Time fast rows until this many ms (timeRuns), here and in the PyTorch reference alike. */
  minMs?: number;
  countKernels: KernelCounter;
}

/** The PPO iteration (the Node bench rows' measurement, training only) on bandit and helpful. */
export async function ppoRows(o: CoreOptions): Promise<CoreRow[]> {
  const rows: CoreRow[] = [];
  for (const task of ['bandit', 'helpful']) {
    const engine = new LocalEngine({ env: 'node' });
    try {
      const measured = await measure(engine, 'node', { ...o, task, trainingOnly: true }, () => performance.now(), o.countKernels);
      for (const r of measured) {
        const counted = r.kernelsPerIteration !== undefined;
        rows.push({
          what: 'PPO iteration', task, P: r.P, ms: r.msPerIteration, skipped: r.skipped,
          count: counted ? { kernels: r.kernelsPerIteration!, dispatches: r.dispatchesPerIteration ?? NaN } : undefined,
          composed: counted ? await composedCount(o.countKernels, async () => {
            await engine.load(benchConfig(r.P, 3, task, 1000));
            await engine.step();
            return () => engine.step();
          }) : undefined,
        });
      }
    } finally {
      engine.dispose();
    }
  }
  return rows;
}

/** One Adam step of the Bradley–Terry reward model at the bandit's sizes, batch 256 (the judge trainer's own step). */
export async function judgeRows(o: CoreOptions): Promise<CoreRow[]> {
  await tf.setBackend(o.backend);
  const rows: CoreRow[] = [];
  for (const P of o.populations) {
    const pop = createPopulation(benchConfig(P, 1, 'bandit'));
    const reward = createRewardMlp(pop.shape, 32, streams(pop, 'bench/rm'));
    const n = 2048;
    const rng = streams(pop, 'bench/pairs');
    const ints = (max: number, per: number) => {
      const out = new Int32Array(P * per);
      rng.forEach((r, p) => { for (let i = 0; i < per; i++) out[p * per + i] = r.int(max); });
      return out;
    };
    const { nPrompts, V, T } = pop.shape;
    const train = { prompts: tf.tensor2d(ints(nPrompts, n), [P, n], 'int32'), chosen: tf.tensor3d(ints(V, n * T), [P, n, T], 'int32'), rejected: tf.tensor3d(ints(V, n * T), [P, n, T], 'int32') };
    const optimizer = new PopulationAdam(reward.params, pop.members.map(() => 0.01));
    const judge = rewardJudge(reward);
    const encoded = encodePairs(judge, train);
    const batchRngs = streams(pop, 'bench/batches');
    const step = async () => {
      judgeStep(optimizer, judge, encoded, batchRngs, 256);
      await reward.params[0].data(); // wait for the device, as a reading step would
    };
    // A hundred warmup steps: the fused CPU/WASM kernels are JavaScript, which V8 optimises only after some dozens of calls.
    const ms = await medianMs(step, Math.max(100, o.warmup * 5), o.measured * 5, o.minMs);
    const count = await o.countKernels(() => step());
    const composed = await composedCount(o.countKernels, async () => step);
    rows.push({ what: 'judge step (BT, batch 256)', task: 'bandit', P, ms, count, composed });
    optimizer.dispose();
    reward.dispose();
    tf.dispose([...Object.values(train), encoded.chosen, encoded.rejected]);
  }
  return rows;
}

/** One iteration of every method at P = 1 on `task`, at the methods' defaults (iteration 2, exact evaluation off). */
export async function methodRows(o: CoreOptions, task: string): Promise<CoreRow[]> {
  const rows: CoreRow[] = [];
  const engine = new LocalEngine({ env: 'node' });
  try {
    await engine.init(o.backend);
    for (const id of Object.keys(METHOD_INFO) as MethodId[]) {
      // Room for the counted step, warmup and measured steps, with exact evaluation only at the first and last.
      const base = benchConfig(1, o.warmup + mostRuns(o.measured, o.minMs) + 3, task, 1000);
      try {
        await engine.load(parseConfig({ ...base, method: { id } }));
        await engine.step();
        const count = await o.countKernels(() => engine.step());
        const ms = await medianMs(() => engine.step(), o.warmup, o.measured, o.minMs);
        rows.push({ what: `${METHOD_INFO[id].title} iteration`, task, P: 1, ms, count });
      } catch (error) {
        rows.push({ what: `${METHOD_INFO[id].title} iteration`, task, P: 1, ms: NaN, skipped: error instanceof Error ? error.message : String(error) });
      }
    }
  } finally {
    engine.dispose();
  }
  return rows;
}

export interface WebGpuCountRow {
  task: string;
  fused?: KernelCount;
  composed?: KernelCount;
  skipped?: string;
}

/**
 * Kernels and dispatches of one PPO iteration on WebGPU in Node (P = 1, the bench's counting:
 * dispatches exact, as recorded), with the fused WGSL kernels on and off; a row saying why
 * when WebGPU does not start. Counts only: on a software adapter the time says nothing.
 */
export async function webgpuCountRows(tasks: string[]): Promise<WebGpuCountRow[]> {
  const rows: WebGpuCountRow[] = [];
  for (const task of tasks) {
    const engine = new LocalEngine({ env: 'node' });
    try {
      const info = await engine.init('webgpu');
      if (info.name !== 'webgpu') {
        rows.push({ task, skipped: info.fallbackReasons.join('; ') });
        continue;
      }
      const iteration = async () => {
        await engine.load(benchConfig(1, 3, task, 1000));
        await engine.step();
        return () => engine.step();
      };
      const fused = await countKernelsInNode(await iteration());
      rows.push({ task, fused, composed: await composedCount(countKernelsInNode, iteration) });
    } finally {
      engine.dispose();
    }
  }
  return rows;
}

/** Kernels of the run `prepare` hands back, with the fused kernels off (set up with them off too). */
async function composedCount(countKernels: KernelCounter, prepare: () => Promise<() => Promise<unknown>>): Promise<KernelCount> {
  useFusedKernels(false);
  try {
    return await countKernels(await prepare());
  } finally {
    useFusedKernels(true);
  }
}

/** Median ms of `run` after `warmup` untimed runs, timed as `timeRuns` times it. */
async function medianMs(run: () => Promise<unknown>, warmup: number, measured: number, minMs?: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  return median(await timeRuns(run, measured, minMs));
}

/** bench/torch_reference.py's medians keyed `what/task/P`, or why there are none. */
export function torchReference(populations: number[], warmup: number, measured: number, minMs = 0): Map<string, number> | string {
  const script = join(import.meta.dirname, 'torch_reference.py');
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (!python) return 'skipped: python3 cannot import torch (apt-get install -y python3-torch)';
  const result = spawnSync(python, [script, '--populations', populations.join(','), '--warmup', String(warmup), '--measured', String(measured), '--min-ms', String(minMs), '--max-measured', String(MAX_MEASURED)], { encoding: 'utf8' });
  if (result.status !== 0) return `skipped: torch_reference.py failed: ${(result.stderr || result.stdout).trim().split('\n').pop()}`;
  const out = new Map<string, number>();
  for (const line of result.stdout.trim().split('\n')) {
    const { what, task, P, ms } = JSON.parse(line) as { what: string; task: string; P: number; ms: number };
    out.set(`${what}/${task}/${P}`, ms);
  }
  return out;
}

/** Attaches PyTorch's figure to the PPO and judge rows. */
export function withTorch(rows: CoreRow[], torch: Map<string, number> | string): CoreRow[] {
  const key = (r: CoreRow) => (r.what === 'PPO iteration' ? 'ppo' : r.what.startsWith('judge') ? 'judge' : null);
  return rows.map((r) => {
    const what = key(r);
    if (!what) return r;
    return { ...r, torch: typeof torch === 'string' ? torch : torch.get(`${what}/${r.task}/${r.P}`) ?? 'not measured' };
  });
}

/** A markdown table of core rows: the lab's figures, PyTorch's, and their ratio. */
export function formatCoreTable(rows: CoreRow[], backend: string): string {
  const head = ['computation', 'task', 'P', `${backend} ms`, 'kernels', 'dispatches', 'kernels / dispatches unfused (WebGL)', 'PyTorch ms (1 thread)', 'lab ÷ PyTorch'];
  const body = rows.map((r) => {
    if (r.skipped) return [r.what, r.task, String(r.P), `skipped: ${r.skipped.slice(0, 80)}`, '', '', '', '', ''];
    const torch = typeof r.torch === 'number' ? r.torch.toFixed(1) : r.torch === undefined ? '—' : r.torch;
    const ratio = typeof r.torch === 'number' ? `${(r.ms / r.torch).toFixed(2)}×` : '—';
    const composed = r.composed ? `${r.composed.kernels} / ${r.composed.dispatches}` : '—';
    return [r.what, r.task, String(r.P), r.ms.toFixed(1), String(r.count?.kernels ?? '—'), String(r.count?.dispatches ?? '—'), composed, torch, ratio];
  });
  return markdown(head, body);
}

/** A markdown table of WebGPU count rows: fused (the lab's WGSL) beside composed (tfjs's kernels). */
export function formatWebGpuTable(rows: WebGpuCountRow[]): string {
  const count = (c?: KernelCount) => (c ? `${c.kernels} / ${c.dispatches}` : '—');
  return markdown(
    ['PPO iteration on WebGPU (Node), P = 1', 'kernels / dispatches, fused (WGSL)', 'kernels / dispatches, composed'],
    rows.map((r) => (r.skipped ? [r.task, `skipped: ${r.skipped.slice(0, 80)}`, ''] : [r.task, count(r.fused), count(r.composed)])),
  );
}
