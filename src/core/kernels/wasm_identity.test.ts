import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// test_setup registers these kernels over the WASM backend's.
describe('WASM Identity and same-dtype Cast share the buffer', () => {
  const bytesAfter = (make: (x: tf.Tensor) => tf.Tensor) => {
    const x = tf.tensor1d([1.5, -2, 3]);
    const before = tf.memory().numDataBuffers;
    const y = make(x);
    const grown = tf.memory().numDataBuffers - before;
    return { x, y, grown };
  };

  it.each([
    ['clone', (x: tf.Tensor) => tf.clone(x)],
    ['cast to its own dtype', (x: tf.Tensor) => tf.cast(x, 'float32')],
  ])('%s allocates no new buffer, and the copy outlives its source', async (_, make) => {
    expect(tf.getBackend()).toBe('wasm');
    const { x, y, grown } = bytesAfter(make);
    expect(grown).toBe(0);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1.5, -2, 3]);
    const z = tf.add(y, 1);
    expect(Array.from(await z.data())).toEqual([2.5, -1, 4]);
    tf.dispose([y, z]);
  });

  it('a cast that changes the dtype still converts the values', async () => {
    const x = tf.tensor1d([1.7, -2.2, 3]);
    const y = tf.cast(x, 'int32');
    expect(y.dtype).toBe('int32');
    expect(Array.from(await y.data())).toEqual([1, -2, 3]);
    tf.dispose([x, y]);
  });

  it('a variable assigned after a clone leaves the clone as it was', async () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const kept = tf.clone(v);
    v.assign(tf.tensor1d([5, 6]));
    expect(Array.from(await kept.data())).toEqual([1, 2]);
    expect(Array.from(await v.data())).toEqual([5, 6]);
    tf.dispose([v, kept]);
  });
});
