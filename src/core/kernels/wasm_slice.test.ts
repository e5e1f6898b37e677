import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// test_setup registers these kernels over the WASM backend's; the CPU backend's are the reference.
describe('WASM Slice and SplitV that read the heap in place', () => {
  const cases: { shape: number[]; begin: number[]; size: number[] }[] = [
    { shape: [4, 10], begin: [0, 3], size: [4, 5] }, // strided rows (a member-first split)
    { shape: [4, 10], begin: [1, 0], size: [2, 10] }, // contiguous
    { shape: [3, 4, 5], begin: [1, 1, 2], size: [2, 3, 2] },
    { shape: [2, 3, 4, 5], begin: [0, 1, 0, 1], size: [2, 2, 4, 3] },
    { shape: [2, 3, 2, 2, 3], begin: [1, 0, 1, 0, 1], size: [1, 3, 1, 2, 2] }, // rank 5
  ];

  const onBackend = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const before = tf.getBackend();
    await tf.setBackend(name);
    try {
      return await fn();
    } finally {
      await tf.setBackend(before);
    }
  };

  it.each(cases)('slices $shape from $begin by $size as the CPU backend does', async ({ shape, begin, size }) => {
    const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i * 0.5 - 3);
    const run = () => tf.tidy(() => tf.slice(tf.tensor(values, shape), begin, size)).data();
    expect(tf.getBackend()).toBe('wasm');
    expect(Array.from(await run())).toEqual(Array.from(await onBackend('cpu', run)));
  });

  it.each([0, 1, 2, -1])('unstacks a [2, 3, 4] tensor along axis %i as the CPU backend does', async (axis) => {
    const values = Array.from({ length: 24 }, (_, i) => i * 1.5);
    const run = async () => {
      const parts = tf.unstack(tf.tensor3d(values, [2, 3, 4]), axis);
      const out = await Promise.all(parts.map((p) => p.array()));
      tf.dispose(parts);
      return out;
    };
    expect(await run()).toEqual(await onBackend('cpu', run));
  });

  it('splits a [P, n] buffer along axis 1 into the parts the CPU backend gives', async () => {
    const values = Array.from({ length: 3 * 9 }, (_, i) => i);
    const run = async () => {
      const parts = tf.split(tf.tensor2d(values, [3, 9]), [2, 4, 3], 1);
      const out = await Promise.all(parts.map((p) => p.array()));
      tf.dispose(parts);
      return out;
    };
    expect(await run()).toEqual(await onBackend('cpu', run));
    expect((await run())[1]).toEqual([[2, 3, 4, 5], [11, 12, 13, 14], [20, 21, 22, 23]]);
  });
});
