/**
 * Soak (issue 13): ten thousand iterations through the engine the worker runs, with the
 * tensor count and the JS heap flat. The cheapest method on the smallest task, so the suite
 * can afford it; what leaks per iteration leaks here ten thousand times.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../core/config';
import { LocalEngine } from './engine';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let engine: LocalEngine;
afterEach(() => engine?.dispose());

const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

describe('soak', () => {
  it('runs 10,000 iterations with a flat tensor count and a flat heap', { timeout: 20 * 60_000 }, async () => {
    const config = defaultConfig({
      iterations: 10_000,
      evalEvery: 1000,
      sft: { demos: 64, steps: 5 },
      feedback: { comparisons: 64 },
      rewardModel: { steps: 5 },
      preferenceModel: { steps: 5 },
      method: { id: 'sft', batchSize: 4 },
    });
    engine = new LocalEngine({ env: 'node', preparationStore: null });
    await engine.init('wasm');
    await engine.load(config);
    const at: Record<number, { tensors: number; heap: number }> = {};
    let last = 0;
    engine.subscribe((event) => {
      if (event.type !== 'iteration') return;
      last = event.result.iteration;
      if (last === 1000 || last === 10_000) at[last] = { tensors: tf.memory().numTensors, heap: 0 };
    });
    // Play in chunks so the heap can be measured between them (play resolves when paused or done).
    while (last < 1000) await engine.step();
    at[1000].heap = heapAfterGc();
    await engine.play();
    expect(last).toBe(10_000);
    at[10_000].heap = heapAfterGc();
    expect(at[10_000].tensors).toBe(at[1000].tensors);
    // 9,000 more iterations: a leak of even 1 KB per iteration would add 9 MB.
    expect(at[10_000].heap - at[1000].heap).toBeLessThan(4 * 1024 ** 2);
  });
});
