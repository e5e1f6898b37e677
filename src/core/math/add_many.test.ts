import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { addMany } from './add_many';

describe('addMany', () => {
  it.each([1, 2, 7, 8, 16, 50])('sums %i tensors, at most 7 per AddN (WebGPU’s limit), leaving no tensors behind', async (n) => {
    // Tensor i holds (i, 2i): the sum is (n(n−1)/2, n(n−1)).
    const ts = Array.from({ length: n }, (_, i) => tf.tensor1d([i, 2 * i]));
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => addMany(ts));
    const sum = profile.result as tf.Tensor;
    expect(Array.from(await sum.data())).toEqual([(n * (n - 1)) / 2, n * (n - 1)]);
    const addNs = profile.kernels.filter((k) => k.name === 'AddN');
    expect(addNs.every((k) => k.inputShapes.length <= 7)).toBe(true);
    expect(addNs.length > 0).toBe(n > 1);
    if (n > 1) sum.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(ts);
  });
});
