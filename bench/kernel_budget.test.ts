/**
 * Issue 12's kernel targets as a regression guard: the count is machine-independent (tf.profile
 * around one PPO iteration, the bench's own counting), so it can live in a test where a timing
 * could not. WASM backend, P = 1, iteration 2 of a run that evaluates only at its ends.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { LocalEngine } from '../src/engine/engine';
import { benchConfig, countOf } from './measure';

async function kernelsPerIteration(task: string): Promise<{ kernels: number; dispatches: number }> {
  const engine = new LocalEngine({ env: 'node' });
  try {
    await engine.init('wasm');
    await engine.load(benchConfig(1, 3, task, 1000));
    await engine.step();
    const profile = await tf.profile(async () => void (await engine.step()));
    return countOf(profile.kernels.map((k) => k.name), (name) => tf.getKernel(name, tf.getBackend()) !== undefined);
  } finally {
    engine.dispose();
  }
}

describe('kernels per PPO iteration (issue 12’s targets)', () => {
  it.each([
    ['bandit', 1_000],
    ['helpful', 4_000],
  ] as const)('%s: at most %i', async (task, budget) => {
    const { kernels, dispatches } = await kernelsPerIteration(task);
    expect(kernels).toBeLessThanOrEqual(budget);
    expect(dispatches).toBeLessThan(kernels);
  });
});
