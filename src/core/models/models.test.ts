import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { createTabularNet } from './tabular';
import { createTransformer } from './transformer';
import { sampleTokens } from './sample';

const shape = { nPrompts: 2, V: 3, T: 3 };

describe('sequence networks', () => {
  it.each([
    ['tabular', () => createTabularNet(shape, 3, 2)],
    ['transformer', () => createTransformer(shape, 3, [new Rng(1), new Rng(2)], { dModel: 16, layers: 1 })],
  ])('%s: output t depends on the prompt and y_<t only (causal)', (_, make) => {
    const net = make();
    // Give the tabular net non-zero entries so that a dependence would show.
    // Randomise every parameter (the transformer's head starts at zero) so a dependence would show.
    net.params.forEach((w, i) => w.assign(tf.randomNormal(w.shape, 0, 0.5, 'float32', 7 + i)));
    const prompts = tf.tensor2d([[0, 1], [1, 0]], [2, 2], 'int32');
    const a = tf.tensor3d([[[0, 1, 2], [2, 2, 2]], [[1, 1, 0], [0, 2, 1]]], [2, 2, 3], 'int32');
    const b = tf.tensor3d([[[0, 1, 0], [2, 2, 0]], [[1, 1, 2], [0, 2, 2]]], [2, 2, 3], 'int32'); // only y_2 differs
    const outA = net.apply(prompts, a).arraySync() as number[][][][];
    const outB = net.apply(prompts, b).arraySync() as number[][][][];
    for (let p = 0; p < 2; p++) for (let i = 0; i < 2; i++) for (let t = 0; t < 3; t++) {
      outA[p][i][t].forEach((v, k) => expect(outB[p][i][t][k]).toBeCloseTo(v, 5));
    }
    // …and does depend on the prompt.
    const swapped = net.apply(tf.tensor2d([[1, 0], [0, 1]], [2, 2], 'int32'), a).arraySync() as number[][][][];
    expect(swapped[0][0][0]).not.toEqual(outA[0][0][0]);
    net.dispose();
  });

  it('transformer members sharing a seed start identical; different seeds differ', () => {
    const same = createTransformer(shape, 1, [new Rng(4), new Rng(4)], { dModel: 8, layers: 1 });
    const w = same.params[0].arraySync() as number[][][];
    expect(w[1]).toEqual(w[0]);
    const diff = createTransformer(shape, 1, [new Rng(4), new Rng(5)], { dModel: 8, layers: 1 });
    expect((diff.params[0].arraySync() as number[][][])[1]).not.toEqual(w[0]);
    same.dispose();
    diff.dispose();
  });

  it('Gumbel-max sampling draws tokens with the policy’s probabilities', () => {
    // Tabular policy, T = 1: logits log[0.2, 0.3, 0.5] for prompt 0.
    const net = createTabularNet({ nPrompts: 1, V: 3, T: 1 }, 3, 1);
    net.params[0].assign(tf.tensor3d([[[Math.log(0.2), Math.log(0.3), Math.log(0.5)]]]));
    const n = 6000;
    const rng = new Rng(9);
    const tokens = sampleTokens(net, tf.zeros([1, n], 'int32'), tf.tensor4d(rng.gumbelArray(n * 3), [1, n, 1, 3]));
    const counts = [0, 0, 0];
    tokens.dataSync().forEach((t) => counts[t]++);
    // Binomial standard error at n = 6000 is ≤ 0.0065; allow 4 of them.
    [0.2, 0.3, 0.5].forEach((p, i) => expect(Math.abs(counts[i] / n - p)).toBeLessThan(0.026));
    net.dispose();
  });
});
