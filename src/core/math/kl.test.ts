import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { entropy, klExact, klK1, klK3 } from './kl';

// π = [0.5, 0.5], π_ref = [0.25, 0.75].
const logPi = [Math.log(0.5), Math.log(0.5)];
const logRef = [Math.log(0.25), Math.log(0.75)];

describe('KL estimators', () => {
  it('exact KL of a next-token distribution', () => {
    // 0.5·ln(0.5/0.25) + 0.5·ln(0.5/0.75) = 0.5·0.693147 − 0.5·0.405465 = 0.143841
    expect(klExact(tf.tensor1d(logPi), tf.tensor1d(logRef)).dataSync()[0]).toBeCloseTo(0.143841, 5);
  });

  it('k1 and k3 per sampled token match hand values', () => {
    // token 0: k1 = ln 2 = 0.693147; k3 = 0.5 − 1 + ln 2 = 0.193147
    // token 1: k1 = ln(2/3) = −0.405465; k3 = 1.5 − 1 − 0.405465 = 0.094535
    const k1 = klK1(tf.tensor1d(logPi), tf.tensor1d(logRef)).dataSync();
    const k3 = klK3(tf.tensor1d(logPi), tf.tensor1d(logRef)).dataSync();
    expect(k1[0]).toBeCloseTo(0.693147, 5);
    expect(k1[1]).toBeCloseTo(-0.405465, 5);
    expect(k3[0]).toBeCloseTo(0.193147, 5);
    expect(k3[1]).toBeCloseTo(0.094535, 5);
  });

  it('k1 and k3 are unbiased: their expectation under π is the exact KL', () => {
    const k1 = klK1(tf.tensor1d(logPi), tf.tensor1d(logRef)).dataSync();
    const k3 = klK3(tf.tensor1d(logPi), tf.tensor1d(logRef)).dataSync();
    expect(0.5 * k1[0] + 0.5 * k1[1]).toBeCloseTo(0.143841, 5);
    expect(0.5 * k3[0] + 0.5 * k3[1]).toBeCloseTo(0.143841, 5);
    expect(Math.min(...k3)).toBeGreaterThan(0); // k3 never negative; k1 can be
  });

  it('entropy of a uniform distribution is log V', () => {
    expect(entropy(tf.zeros([4])).dataSync()[0]).toBeCloseTo(Math.log(4), 5);
  });
});
