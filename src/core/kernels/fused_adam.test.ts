import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { PopulationAdam } from '../math/adam';
import { variableFrom } from '../models/init';
import { Rng } from '../rng';
import { useBackend } from '../testing';
import { fusedAvailable, useFusedKernels } from './array_kernel';
import { FUSED_ADAM } from './fused_adam';

/** Three parameters of a 3-member population, seeded; the middle one never gets a gradient. */
function network(seed: number) {
  const rng = new Rng(seed);
  const normal = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal()), shape);
  return [variableFrom(normal([3, 4, 5])), variableFrom(normal([3, 2])), variableFrom(normal([3, 1, 7]))];
}

/** Ten steps on Σ_p loss_p with a schedule factor and widely spread gradients; the parameters and moments after. */
async function train(fused: boolean): Promise<{ values: number[][]; kernels: string[] }> {
  useFusedKernels(fused);
  const params = network(7);
  const [a, unused, c] = params;
  const adam = new PopulationAdam(params, [0.1, 0.003, 1e-5]);
  const before = tf.memory().numTensors;
  let kernels: string[] = [];
  for (let i = 0; i < 10; i++) {
    adam.scale = 1 - i / 10;
    const run = () => tf.dispose(adam.minimize(() => tf.add(tf.sum(tf.mul(tf.square(a), 1e3)), tf.sum(tf.exp(tf.mul(c, 1e-3)))) as tf.Scalar));
    if (i === 5) kernels = (await tf.profile(run)).kernels.map((k) => k.name);
    else run();
  }
  expect(tf.memory().numTensors).toBe(before);
  expect(Array.from(await unused.data())).toEqual(Array.from(await network(7)[1].data()));
  const moments = adam as unknown as { m: tf.Tensor; v: tf.Tensor };
  const values = await Promise.all([...params, moments.m, moments.v].map(async (t) => Array.from(await t.data())));
  adam.dispose();
  tf.dispose(params);
  useFusedKernels(true);
  return { values, kernels };
}

describe.each(['cpu', 'wasm'] as const)('fused Adam on %s', (backend) => {
  afterAll(() => useBackend('wasm'));

  it('is one kernel and bit for bit the update composed of tfjs ops', async () => {
    await useBackend(backend);
    expect(fusedAvailable(FUSED_ADAM)).toBe(true);
    const fused = await train(true);
    const composed = await train(false);
    expect(fused.values).toEqual(composed.values);
    // The step after the gradient: one kernel where the composed update launches ~30.
    expect(fused.kernels.filter((k) => k === FUSED_ADAM)).toHaveLength(1);
    expect(composed.kernels).not.toContain(FUSED_ADAM);
    expect(composed.kernels.length - fused.kernels.length).toBeGreaterThan(20);
  });
});
