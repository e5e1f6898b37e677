import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { epochMinibatches } from './population';
import { Rng } from './rng';

describe('epochMinibatches', () => {
  it('gives each member every one of its own rows once per epoch, in k minibatches, for every column alike', async () => {
    // P = 2 members, N = 6 rows, k = 3 minibatches of 2, 2 epochs. Row i of member p holds 10p + i
    // (and 100 + 10p + i in the second column), so a picked value says which row it came from.
    const [P, N, k, epochs] = [2, 6, 3, 2];
    const first = tf.tensor2d(Array.from({ length: P * N }, (_, j) => 10 * Math.floor(j / N) + (j % N)), [P, N]);
    const second = tf.add(first, 100);
    const before = tf.memory().numTensors;
    const batches = epochMinibatches([new Rng(1), new Rng(2)], N, k, epochs, [first, second]);
    expect(batches).toHaveLength(epochs * k);
    const rows = await Promise.all(batches.map(async ([a, b]) => ({ a: (await a.array()) as number[][], b: (await b.array()) as number[][] })));
    for (let e = 0; e < epochs; e++) {
      for (let p = 0; p < P; p++) {
        const seen = rows.slice(e * k, (e + 1) * k).flatMap((r) => r.a[p]);
        expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: N }, (_, i) => 10 * p + i));
      }
    }
    // The columns are picked with the same rows.
    rows.forEach((r) => expect(r.b).toEqual(r.a.map((row) => row.map((x) => x + 100))));
    // Two epochs are two permutations (seeded: they differ here), and the members' differ too.
    expect(rows.slice(0, k).map((r) => r.a[0])).not.toEqual(rows.slice(k).map((r) => r.a[0]));
    expect(rows.slice(0, k).map((r) => r.a[0])).not.toEqual(rows.slice(0, k).map((r) => r.a[1].map((x) => x - 10)));
    tf.dispose(batches.flat());
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([first, second]);
  });
});
