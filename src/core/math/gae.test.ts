import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gae, whitenPerMember } from './gae';

describe('gae', () => {
  it('matches a hand computation (γ = 1, λ = 0.5)', () => {
    // rewards [0, 0, 1], values [0.5, 0.2, 0.4], V_3 = 0:
    // t=2: δ = 1 − 0.4 = 0.6,             A = 0.6
    // t=1: δ = 0 + 0.4 − 0.2 = 0.2,       A = 0.2 + 0.5·0.6 = 0.5
    // t=0: δ = 0 + 0.2 − 0.5 = −0.3,      A = −0.3 + 0.5·0.5 = −0.05
    const { advantages, returns } = gae(tf.tensor2d([[0, 0, 1]]), tf.tensor2d([[0.5, 0.2, 0.4]]), 1, 0.5);
    expectClose(advantages.arraySync() as number[][], [[-0.05, 0.5, 0.6]]);
    expectClose(returns.arraySync() as number[][], [[0.45, 0.7, 1.0]]);
  });

  it('discounts with γ and λ (γ = 0.9, λ = 0.95)', () => {
    // t=1: δ = −1 − 0.5 = −1.5; t=0: δ = 1 + 0.9·0.5 = 1.45, A = 1.45 + 0.855·(−1.5) = 0.1675
    const { advantages, returns } = gae(tf.tensor3d([[[1, -1]]]), tf.tensor3d([[[0, 0.5]]]), 0.9, 0.95);
    expectClose((advantages.arraySync() as number[][][])[0], [[0.1675, -1.5]]);
    expectClose((returns.arraySync() as number[][][])[0], [[0.1675, -1.0]]);
  });

  it('with λ = 1 and γ = 1 gives the Monte Carlo return minus the value', () => {
    const { advantages } = gae(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[1, 1, 1]]), 1, 1);
    expectClose(advantages.arraySync() as number[][], [[5, 4, 2]]);
  });
});

describe('whitenPerMember', () => {
  it('whitens each population member separately', () => {
    const w = whitenPerMember(tf.tensor2d([[1, 2, 3], [10, 10, 40]])).arraySync() as number[][];
    for (const row of w) {
      const mean = row.reduce((a, b) => a + b) / row.length;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 4);
    }
    expect(w[0][0]).toBeCloseTo(-Math.sqrt(1.5), 4); // (1 − 2)/√(2/3)
  });
});

function expectClose(actual: number[][], expected: number[][]): void {
  actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5)));
}
