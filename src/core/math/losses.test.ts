import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // registers the gradients (autograd is the reference here)
import { describe, expect, it } from 'vitest';
import { bradleyTerryLoss, explainedVariance, ppoPolicyLoss, ppoValueLoss } from './losses';

describe('bradleyTerryLoss', () => {
  it('is −log σ(r_w − r_l), averaged per member', () => {
    // members: [r_w − r_l = 1] → ln(1 + e^−1) = 0.313262; [0 and −2] → (ln 2 + ln(1 + e^2))/2 = (0.693147 + 2.126928)/2
    const loss = bradleyTerryLoss(tf.tensor2d([[1, 0], [0, 0]]), tf.tensor2d([[0, -1], [0, 2]])).dataSync();
    expect(loss[0]).toBeCloseTo(0.313262, 5);
    expect(loss[1]).toBeCloseTo((0.693147 + 2.126928) / 2, 5);
  });
});

describe('ppoPolicyLoss', () => {
  it('takes the pessimistic side of the clip', () => {
    // ρ = 1.5, A = +1: max(−1.5, −1.2) = −1.2 (clipped)
    // ρ = 0.5, A = +1: max(−0.5, −0.8) = −0.5 (unclipped wins)
    // ρ = 0.5, A = −1: max(0.5, 0.8) = 0.8 (clipped)
    // mean = (−1.2 − 0.5 + 0.8)/3 = −0.3; all three ratios are outside [0.8, 1.2]
    const logOld = tf.tensor2d([[0, 0, 0]]);
    const logp = tf.tensor2d([[Math.log(1.5), Math.log(0.5), Math.log(0.5)]]);
    const { loss, clipfrac, approxKl } = ppoPolicyLoss(logp, logOld, tf.tensor2d([[1, 1, -1]]), 0.2);
    expect(loss.dataSync()[0]).toBeCloseTo(-0.3, 5);
    expect(clipfrac.dataSync()[0]).toBeCloseTo(1, 5);
    // (ρ − 1) − log ρ: 0.5 − 0.405465, −0.5 + 0.693147 (twice) → mean 0.160276
    expect(approxKl.dataSync()[0]).toBeCloseTo((0.094535 + 2 * 0.193147) / 3, 5);
  });

  it('equals −mean(A) when nothing moved', () => {
    const z = tf.zeros([1, 4]);
    const { loss, clipfrac } = ppoPolicyLoss(z, z, tf.tensor2d([[1, 2, 3, 4]]), 0.2);
    expect(loss.dataSync()[0]).toBeCloseTo(-2.5, 5);
    expect(clipfrac.dataSync()[0]).toBe(0);
  });
});

describe('ppoValueLoss', () => {
  it('matches a hand computation', () => {
    // V=1, V_old=0.5, R=0.8: clipped V = 0.7; max(0.04, 0.01) = 0.04
    // V=0, V_old=0.5, R=1:   clipped V = 0.3; max(1, 0.49) = 1
    // ½·mean = ½·0.52 = 0.26
    const loss = ppoValueLoss(tf.tensor2d([[1, 0]]), tf.tensor2d([[0.5, 0.5]]), tf.tensor2d([[0.8, 1]]), 0.2);
    expect(loss.dataSync()[0]).toBeCloseTo(0.26, 5);
  });
});

describe('explainedVariance', () => {
  it('is 1 for perfect values and 0 for constant ones', () => {
    const R = tf.tensor2d([[1, 2, 3, 4]]);
    expect(explainedVariance(R, R).dataSync()[0]).toBeCloseTo(1, 5);
    expect(explainedVariance(tf.fill([1, 4], 2.5), R).dataSync()[0]).toBeCloseTo(0, 5);
  });
});

describe('the PPO losses’ written-out gradients', () => {
  // Autograd through the plain formulas of eq. 7 and the clipped value loss is the reference.
  const plainPolicy = (logp: tf.Tensor, logpOld: tf.Tensor, A: tf.Tensor, eps: number) => {
    const ratio = tf.exp(tf.sub(logp, logpOld));
    return tf.mean(tf.maximum(tf.mul(tf.neg(A), ratio), tf.mul(tf.neg(A), tf.clipByValue(ratio, 1 - eps, 1 + eps))), [1, 2]);
  };
  const plainValue = (v: tf.Tensor, vOld: tf.Tensor, R: tf.Tensor, eps: number) => {
    const vClipped = tf.add(vOld, tf.clipByValue(tf.sub(v, vOld), -eps, eps));
    return tf.mul(0.5, tf.mean(tf.maximum(tf.square(tf.sub(v, R)), tf.square(tf.sub(vClipped, R))), [1, 2]));
  };
  // Two members weighted differently (the upstream gradient is per member), every branch:
  // ratios inside and outside the clip range, positive and negative advantages and errors.
  const weights = tf.tensor1d([1, -3]);
  const old = tf.tensor3d([[[0, 0.1, -0.2], [0.3, 0, 0]], [[0, 0, 0], [-0.1, 0.2, 0]]]);
  const now = tf.tensor3d([[[0.5, 0.05, -0.6], [0.3, -0.4, 0.1]], [[0.1, 0.25, -0.3], [-0.1, 0.9, -0.05]]]);
  const other = tf.tensor3d([[[1, -1, 2], [-0.5, 1, -2]], [[0.7, -0.2, 1], [1, -1, 0.3]]]);

  it('∂L_pg/∂log π matches autograd through the formula, member by member', async () => {
    const fused = tf.grad((lp: tf.Tensor) => tf.sum(tf.mul(weights, ppoPolicyLoss(lp, old, other, 0.2).loss)))(now);
    const plain = tf.grad((lp: tf.Tensor) => tf.sum(tf.mul(weights, plainPolicy(lp, old, other, 0.2))))(now);
    expect(Array.from(await fused.data()).map((x) => x.toFixed(6))).toEqual(Array.from(await plain.data()).map((x) => x.toFixed(6)));
    expect(Array.from(await plain.data()).some((x) => x === 0)).toBe(true); // some clipped elements: the mask matters
  });

  it('∂L_v/∂V matches autograd through the formula, member by member', async () => {
    const fused = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(weights, ppoValueLoss(v, old, other, 0.2))))(now);
    const plain = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(weights, plainValue(v, old, other, 0.2))))(now);
    expect(Array.from(await fused.data()).map((x) => x.toFixed(6))).toEqual(Array.from(await plain.data()).map((x) => x.toFixed(6)));
    expect(Array.from(await plain.data()).some((x) => x === 0)).toBe(true);
  });

  it('the values are the formulas’ (to float32 rounding: on WASM the fused kernel takes the mean as the CPU backend does)', async () => {
    const close = async (got: tf.Tensor, want: tf.Tensor) => {
      const w = Array.from(await want.data());
      Array.from(await got.data()).forEach((x, i) => expect(Math.abs(x - w[i])).toBeLessThanOrEqual(1e-7 + 1e-6 * Math.abs(w[i])));
    };
    await close(ppoPolicyLoss(now, old, other, 0.2).loss, plainPolicy(now, old, other, 0.2));
    await close(ppoValueLoss(now, old, other, 0.2), plainValue(now, old, other, 0.2));
  });
});
