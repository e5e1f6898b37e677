/**
 * The fused kernels' test cases, each run fused and composed by the tests that compare them:
 * on CPU and WASM here (kernels/*.test.ts), on WebGPU in engine/webgpu_kernels.test.ts. Each
 * returns the numbers it computed and the kernels one step launched, and checks it leaked no
 * tensor. Test-only.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { PopulationAdam } from '../math/adam';
import { tokenLogProbs } from '../math/logprobs';
import { ppoPolicyLoss, ppoValueLoss } from '../math/losses';
import { variableFrom } from '../models/init';
import { Rng } from '../rng';
import { useFusedKernels } from './array_kernel';

/** Three parameters of a 3-member population, seeded (the first wider than a GPU workgroup); the middle one never gets a gradient. */
function network(seed: number) {
  const rng = new Rng(seed);
  const normal = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal()), shape);
  return [variableFrom(normal([3, 4, 25])), variableFrom(normal([3, 2])), variableFrom(normal([3, 1, 7]))];
}

/** Ten steps on Σ_p loss_p with a schedule factor and widely spread gradients; the parameters and moments after. */
export async function adamCase(fused: boolean): Promise<{ values: number[][]; kernels: string[] }> {
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

/** Logits [4, 5, 5, 7] (more rows than a GPU workgroup) spread over ±40 (so exp underflows for some), tokens, and an upstream gradient, seeded. */
function logitsBatch() {
  const rng = new Rng(3);
  const n = 4 * 5 * 5;
  const logits = tf.tensor4d(Array.from({ length: n * 7 }, () => 40 * (rng.uniform() - 0.5) * rng.uniform() ** 3), [4, 5, 5, 7]);
  const tokens = tf.tensor3d(Array.from({ length: n }, () => rng.int(7)), [4, 5, 5], 'int32');
  const dy = tf.tensor3d(Array.from({ length: n }, () => rng.normal()), [4, 5, 5]);
  return { logits, tokens, dy };
}

export async function logProbsCase(fused: boolean) {
  useFusedKernels(fused);
  const { logits, tokens, dy } = logitsBatch();
  const before = tf.memory().numTensors;
  const f = (z: tf.Tensor) => tf.sum(tf.mul(dy, tokenLogProbs(z, tokens)));
  const profile = await tf.profile(() => {
    const logp = tokenLogProbs(logits, tokens);
    const grad = tf.grad(f)(logits);
    return [logp, grad];
  });
  const kernels = profile.kernels.map((k) => k.name);
  tf.dispose(profile.result as tf.Tensor[]);
  const logp = tokenLogProbs(logits, tokens);
  const grad = tf.grad(f)(logits);
  const out = { logp: Array.from(await logp.data()), grad: Array.from(await grad.data()), kernels };
  tf.dispose([logp, grad]);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([logits, tokens, dy]);
  useFusedKernels(true);
  return out;
}

/**
 * Two members, B responses × 3 tokens (B = 6 by default; 50 puts more numbers in a member than a
 * GPU workgroup has threads); log-ratios up to ±0.6 so that both clips bind on some tokens, seeded.
 */
export function ppoBatch(B = 6) {
  const rng = new Rng(11);
  const shape: [number, number, number] = [2, B, 3];
  const draw = (scale: number) => tf.tensor3d(Array.from({ length: 2 * B * 3 }, () => scale * rng.normal()), shape);
  const logpOld = tf.sub(draw(1), 2);
  return { logp: tf.add(logpOld, draw(0.3)), logpOld, A: draw(1), values: draw(1), valuesOld: draw(1), returns: draw(1), dy: tf.tensor1d([1.5, -0.5]) };
}

export async function ppoCase(fused: boolean, B?: number) {
  useFusedKernels(fused);
  const b = ppoBatch(B);
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

/**
 * Member 0's first log-probability and first value NaN (a diverged network): its policy and
 * value losses must be NaN, as the composed ops make them, so that divergence is seen; member
 * 1's stay finite. Returns [policy loss, value loss] per member.
 */
export async function ppoNanCase(fused: boolean): Promise<number[][]> {
  useFusedKernels(fused);
  const b = ppoBatch();
  const poison = (t: tf.Tensor) => tf.where(tf.equal(tf.range(0, t.size, 1, 'int32').reshape(t.shape), 0), tf.fill(t.shape, NaN), t);
  const [logp, values] = [poison(b.logp), poison(b.values)];
  const policy = ppoPolicyLoss(logp, b.logpOld, b.A, 0.2);
  const value = ppoValueLoss(values, b.valuesOld, b.returns, 0.2);
  const out = await Promise.all([policy.loss, value].map(async (t) => Array.from(await t.data())));
  tf.dispose([logp, values, policy.loss, policy.clipfrac, policy.approxKl, value, ...Object.values(b)]);
  useFusedKernels(true);
  return out;
}
