/**
 * Issue 12's kernel targets as a regression guard: the count is machine-independent (tf.profile
 * around one PPO iteration, the bench's own counting), so it can live in a test where a timing
 * could not. P = 1, iteration 2 of a run that evaluates only at its ends: on WASM (the
 * JavaScript fused kernels) and, for the bandit, on WebGPU in Node (their WGSL), where the
 * dispatches are counted as recorded. Helpful on WebGPU is left to the bench: on SwiftShader
 * its preparation and iterations take minutes.
 */
import { describe, expect, it } from 'vitest';
import { LocalEngine } from '../src/engine/engine';
import type { BackendName } from '../src/engine/protocol';
import { benchConfig } from './measure';
import { countKernelsInNode } from './node_count';

async function kernelsPerIteration(task: string, backend: BackendName): Promise<{ kernels: number; dispatches: number } | string> {
  const engine = new LocalEngine({ env: 'node' });
  try {
    const info = await engine.init(backend);
    if (info.name !== backend) return info.fallbackReasons.join('; ');
    await engine.load(benchConfig(1, 3, task, 1000));
    await engine.step();
    return await countKernelsInNode(() => engine.step());
  } finally {
    engine.dispose();
  }
}

describe('kernels per PPO iteration (issue 12’s targets)', () => {
  it.each([
    ['bandit', 'wasm', 1_000],
    ['helpful', 'wasm', 4_000],
    ['bandit', 'webgpu', 1_000],
  ] as const)('%s on %s: at most %i kernels and dispatches', async (task, backend, budget) => {
    const count = await kernelsPerIteration(task, backend);
    if (typeof count === 'string') {
      // WebGPU in Node needs the `webgpu` package and a Vulkan loader; .ci/run has both.
      if (process.env.CI) throw new Error(`WebGPU in Node is unavailable: ${count}`);
      console.warn(`Skipping the ${backend} budget: ${count}`);
      return;
    }
    expect(count.kernels).toBeLessThanOrEqual(budget);
    expect(count.dispatches).toBeLessThanOrEqual(budget);
    expect(count.dispatches).toBeLessThan(count.kernels);
  });
});
