import * as tf from '@tensorflow/tfjs-core';
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
