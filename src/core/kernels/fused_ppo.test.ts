import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ppoPolicyLoss, ppoValueLoss } from '../math/losses';
import { Rng } from '../rng';
import { useBackend } from '../testing';
import { useFusedKernels } from './array_kernel';
import { PPO_SURROGATE, PPO_VALUE_LOSS } from './fused_ppo';

/** Two members, 6 responses × 3 tokens; log-ratios up to ±0.6 so that both clips bind on some tokens, seeded. */
function batch() {
  const rng = new Rng(11);
  const shape: [number, number, number] = [2, 6, 3];
  const draw = (scale: number) => tf.tensor3d(Array.from({ length: 36 }, () => scale * rng.normal()), shape);
  const logpOld = tf.sub(draw(1), 2);
  return { logp: tf.add(logpOld, draw(0.3)), logpOld, A: draw(1), values: draw(1), valuesOld: draw(1), returns: draw(1), dy: tf.tensor1d([1.5, -0.5]) };
}

async function run(fused: boolean) {
  useFusedKernels(fused);
  const b = batch();
  const before = tf.memory().numTensors;
  const policy = ppoPolicyLoss(b.logp, b.logpOld, b.A, 0.2);
  const value = ppoValueLoss(b.values, b.valuesOld, b.returns, 0.2);
  // Upstream gradients per member, as the members' losses are summed with weights.
  const gPolicy = tf.grad((lp: tf.Tensor) => tf.sum(tf.mul(b.dy, ppoPolicyLoss(lp, b.logpOld, b.A, 0.2).loss)))(b.logp);
  const gValue = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(b.dy, ppoValueLoss(v, b.valuesOld, b.returns, 0.2))))(b.values);
  const profile = await tf.profile(() => tf.grad((lp: tf.Tensor) => tf.sum(ppoPolicyLoss(lp, b.logpOld, b.A, 0.2).loss))(b.logp));
  tf.dispose(profile.result as tf.Tensor);
  const kernels = profile.kernels.map((k) => k.name);
  const all = [policy.loss, policy.clipfrac, policy.approxKl, value, gPolicy, gValue];
  const out = { numbers: await Promise.all(all.map(async (t) => Array.from(await t.data()))), kernels };
  tf.dispose(all);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose(Object.values(b));
  useFusedKernels(true);
  return out;
}

describe('fused PPO losses', () => {
  afterAll(() => useBackend('wasm'));

  it('on CPU: loss, clip fraction, approx_kl and both gradients bit for bit the composed ops', async () => {
    await useBackend('cpu');
    const [fused, composed] = [await run(true), await run(false)];
    expect(fused.numbers).toEqual(composed.numbers);
    // Both clips bind somewhere (else the test would not tell the clipped branches apart).
    expect(composed.numbers[1].every((c) => c > 0 && c < 1)).toBe(true);
    expect(fused.kernels).toContain(PPO_SURROGATE);
    expect(composed.kernels.length - fused.kernels.length).toBeGreaterThan(15);
  });

  it('on WASM: within float32 rounding of the composed ops', async () => {
    await useBackend('wasm');
    const [fused, composed] = [await run(true), await run(false)];
    fused.numbers.forEach((xs, j) => xs.forEach((x, i) => expect(Math.abs(x - composed.numbers[j][i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x)))));
    expect(fused.kernels).toContain(PPO_SURROGATE);
  });

  it('value loss is one kernel where fused', async () => {
    await useBackend('cpu');
    const b = batch();
    const kernels = (await tf.profile(() => ppoValueLoss(b.values, b.valuesOld, b.returns, 0.2))).kernels.map((k) => k.name);
    expect(kernels).toEqual([PPO_VALUE_LOSS]);
    tf.dispose(Object.values(b));
  });
});
