import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // registers the gradients (autograd is the reference here)
import { describe, expect, it } from 'vitest';
import { sequenceLogProbs, tokenLogProbs } from './logprobs';
import { oneHotFloat } from './one_hot';

describe('tokenLogProbs (fused log-softmax-gather)', () => {
  // One sequence of two positions over V = 3: logits (0, ln 2, ln 3) → π = (1, 2, 3)/6.
  const logits = tf.tensor3d([[[0, Math.log(2), Math.log(3)], [1, 1, 1]]]);
  const tokens = tf.tensor2d([[2, 0]], undefined, 'int32');

  it('is log π(y_t | y_<t), and sums to log π(y | x)', async () => {
    // log(3/6) and log(1/3)
    expect(Array.from(await tokenLogProbs(logits, tokens).data())).toEqual([expect.closeTo(Math.log(0.5), 6), expect.closeTo(-Math.log(3), 6)]);
    expect((await sequenceLogProbs(logits, tokens).data())[0]).toBeCloseTo(Math.log(0.5 / 3), 6);
  });

  it('has gradient (onehot(y) − π)·dy, as autograd through log-softmax finds', async () => {
    // Upstream dy = (2, −1): position 0 → 2·((0, 0, 1) − (1, 2, 3)/6); position 1 → −1·((1, 0, 0) − (1, 1, 1)/3).
    const dy = tf.tensor2d([[2, -1]]);
    const fused = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(dy, tokenLogProbs(z, tokens))))(logits);
    const plain = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(dy, tf.sum(tf.mul(tf.logSoftmax(z), oneHotFloat(tokens, 3)), -1))))(logits);
    const expected = [-2 / 6, -4 / 6, 2 - 1, -(1 - 1 / 3), 1 / 3, 1 / 3];
    expect(Array.from(await fused.data()).map((x, i) => x - expected[i]).every((e) => Math.abs(e) < 1e-6)).toBe(true);
    expect(Array.from(await fused.data())).toEqual(Array.from(await plain.data()));
  });
});
