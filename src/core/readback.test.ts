import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Readback } from './readback';

describe('Readback', () => {
  it('reads named tensors of any dtype back in one readback, each as its own values, and frees them', async () => {
    const count = tf.memory().numTensors;
    const rb = new Readback().add('metrics', tf.tensor2d([[1, 2], [3, 4]])).add('tokens', tf.tensor1d([5, 6, 7], 'int32')).add('flag', tf.scalar(0.5));
    const reads: number[] = [];
    const orig = tf.Tensor.prototype.data;
    tf.Tensor.prototype.data = function (this: tf.Tensor) {
      reads.push(this.size);
      return orig.call(this);
    } as typeof orig;
    const data = await rb.read().finally(() => (tf.Tensor.prototype.data = orig));
    expect(reads).toEqual([8]); // one readback of all eight values
    expect(Array.from(data.get('metrics'))).toEqual([1, 2, 3, 4]);
    expect(Array.from(data.get('tokens'))).toEqual([5, 6, 7]);
    expect(Array.from(data.get('flag'))).toEqual([0.5]);
    expect(data.has('bars')).toBe(false);
    expect(() => data.get('bars')).toThrow(/nothing was added as "bars"/);
    expect(tf.memory().numTensors).toBe(count);
  });

  it('refuses a name twice', () => {
    tf.tidy(() => {
      const rb = new Readback().add('x', tf.scalar(1));
      expect(() => rb.add('x', tf.scalar(2))).toThrow(/added twice/);
    });
  });
});
