import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { dpoLoss, ipoLoss, logRatioMargin, preferenceLoss, rankAccuracy, rewardMargin } from './preference_losses';

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe('logRatioMargin', () => {
  it('is the chosen log-ratio minus the rejected one', () => {
    // (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)) = (−1 + 2) − (−3 + 1) = 1 + 2 = 3
    // second pair: (0 − 0) − (−1 + 0.5) = 0.5
    const h = logRatioMargin(tf.tensor2d([[-1, 0]]), tf.tensor2d([[-2, 0]]), tf.tensor2d([[-3, -1]]), tf.tensor2d([[-1, -0.5]]));
    expect(values(h)[0]).toBeCloseTo(3, 6);
    expect(values(h)[1]).toBeCloseTo(0.5, 6);
  });
});

describe('dpoLoss', () => {
  it.each([
    // −log σ(β·h) = ln(1 + e^{−βh})
    { h: 2, beta: 0.5, want: 0.313262 }, // βh = 1: ln(1 + 0.367879) = 0.313262
    { h: 0, beta: 0.5, want: 0.693147 }, // βh = 0: ln 2
    { h: -1, beta: 0.5, want: 0.974077 }, // βh = −0.5: ln(1 + 1.648721) = 0.974077
    { h: 10, beta: 0.1, want: 0.313262 }, // βh = 1 again: only the product matters
  ])('h = $h, β = $beta → $want', ({ h, beta, want }) => {
    expect(values(dpoLoss(tf.tensor2d([[h]]), beta))[0]).toBeCloseTo(want, 5);
  });

  it('takes a per-member β [P]', () => {
    // member 0: β = 0.5, h = 2 → ln(1 + e^−1) = 0.313262; member 1: β = 2, h = 1 → ln(1 + e^−2) = 0.126928
    const loss = dpoLoss(tf.tensor2d([[2], [1]]), tf.tensor1d([0.5, 2]));
    expect(loss.shape).toEqual([2, 1]);
    expect(values(loss)[0]).toBeCloseTo(0.313262, 5);
    expect(values(loss)[1]).toBeCloseTo(0.126928, 5);
  });

  it('has gradient −β·σ(−β·h): descending it raises h', () => {
    // h = 0, β = 0.5: −0.5·σ(0) = −0.25
    const grad = tf.grad((h: tf.Tensor) => tf.sum(dpoLoss(h, 0.5)))(tf.tensor2d([[0]]));
    expect(values(grad)[0]).toBeCloseTo(-0.25, 6);
  });
});

describe('ipoLoss', () => {
  it.each([
    // (h − 1/(2β))²
    { h: 3, beta: 0.5, want: 4 }, // 1/(2·0.5) = 1: (3 − 1)² = 4
    { h: 0, beta: 0.5, want: 1 }, // (0 − 1)² = 1
    { h: 2, beta: 0.1, want: 9 }, // 1/(2·0.1) = 5: (2 − 5)² = 9
    { h: 1, beta: 2, want: 0.5625 }, // 1/4: (0.75)² = 0.5625
  ])('h = $h, β = $beta → $want', ({ h, beta, want }) => {
    expect(values(ipoLoss(tf.tensor2d([[h]]), beta))[0]).toBeCloseTo(want, 5);
  });

  it('takes a per-member β [P] and is minimal at h = 1/(2β)', () => {
    // member 0: β = 0.5, target 1, h = 1 → 0; member 1: β = 0.25, target 2, h = 0 → 4
    const loss = ipoLoss(tf.tensor2d([[1], [0]]), tf.tensor1d([0.5, 0.25]));
    expect(values(loss)[0]).toBeCloseTo(0, 6);
    expect(values(loss)[1]).toBeCloseTo(4, 5);
  });

  it('is what preferenceLoss("ipo") picks', () => {
    expect(values(preferenceLoss('ipo', tf.tensor2d([[3]]), 0.5))[0]).toBeCloseTo(4, 5);
    expect(values(preferenceLoss('sigmoid', tf.tensor2d([[2]]), 0.5))[0]).toBeCloseTo(0.313262, 5);
  });
});

describe('rewardMargin and rankAccuracy', () => {
  it('scale h by each member’s β and count ties as half', () => {
    // β = [0.1, 1]: margins [0.1·2, 0.1·−1] and [1·0, 1·4]
    const margin = values(rewardMargin(tf.tensor2d([[2, -1], [0, 4]]), tf.tensor1d([0.1, 1])));
    expect(margin).toEqual([expect.closeTo(0.2, 6), expect.closeTo(-0.1, 6), 0, 4]);
    // [1, −1, 0, 2]: right, wrong, tie (½), right → 2.5/4 = 0.625
    expect(values(rankAccuracy(tf.tensor2d([[1, -1, 0, 2]])))[0]).toBeCloseTo(0.625, 6);
  });
});
