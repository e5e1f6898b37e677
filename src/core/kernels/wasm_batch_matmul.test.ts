import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';

// test_setup registers this kernel over the WASM backend's BatchMatMul.
describe('WASM BatchMatMul, one XNNPACK matmul per member', () => {
  const rng = new Rng(3);
  const random = (shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1), 1), shape);
  // [m, k, n] per member and the transposes: above and below the per-member threshold.
  const cases: { m: number; k: number; n: number; transposeA: boolean; transposeB: boolean }[] = [
    { m: 64, k: 32, n: 128, transposeA: false, transposeB: false },
    { m: 32, k: 64, n: 128, transposeA: true, transposeB: false },
    { m: 64, k: 128, n: 32, transposeA: false, transposeB: true },
    { m: 48, k: 40, n: 24, transposeA: true, transposeB: true },
    { m: 64, k: 3, n: 6, transposeA: false, transposeB: false }, // small: the original's loop
  ];

  it.each(cases)('$m×$k·$k×$n (Aᵀ $transposeA, Bᵀ $transposeB): each member equals its own one-member product, and the CPU backend’s', async ({ m, k, n, transposeA, transposeB }) => {
    expect(tf.getBackend()).toBe('wasm');
    const P = 5;
    const a = random(transposeA ? [P, k, m] : [P, m, k]);
    const b = random(transposeB ? [P, n, k] : [P, k, n]);
    const batched = await tf.matMul(a, b, transposeA, transposeB).array() as number[][][];
    for (let p = 0; p < P; p++) {
      const one = tf.tidy(() => tf.matMul(tf.slice(a, [p, 0, 0], [1, -1, -1]), tf.slice(b, [p, 0, 0], [1, -1, -1]), transposeA, transposeB));
      expect((await one.array() as number[][][])[0]).toEqual(batched[p]); // bit for bit: a sweep member computes what it computes alone
      one.dispose();
    }
    const av = await a.array(), bv = await b.array();
    await tf.setBackend('cpu');
    const reference = tf.matMul(tf.tensor(av as number[][][]), tf.tensor(bv as number[][][]), transposeA, transposeB);
    const cpu = await reference.array() as number[][][];
    reference.dispose();
    await tf.setBackend('wasm');
    cpu.forEach((rows, p) => rows.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - batched[p][i][j])).toBeLessThan(1e-4 * Math.sqrt(k)))));
    tf.dispose([a, b]);
  });

  it('broadcasts a one-member operand over the other’s members', async () => {
    const a = random([4, 64, 32]);
    const b = random([1, 32, 64]);
    const out = await tf.matMul(a, b).array() as number[][][];
    for (let p = 0; p < 4; p++) {
      const one = tf.tidy(() => tf.matMul(tf.slice(a, [p, 0, 0], [1, -1, -1]), b));
      expect((await one.array() as number[][][])[0]).toEqual(out[p]);
      one.dispose();
    }
    tf.dispose([a, b]);
  });
});
