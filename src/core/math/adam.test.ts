import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { variableFrom } from '../models/init';
import { PopulationAdam } from './adam';

describe('PopulationAdam', () => {
  it('takes the first step of size lr per member, and leaves a parameter the loss does not reach', async () => {
    // Adam's first step is lr·m̂/(√v̂ + ε) = lr·g/|g| = lr·sign(g): member 0 (lr 0.1) moves 0.1, member 1 (lr 0.01) 0.01.
    const w = variableFrom(tf.tensor2d([[1], [1]]));
    const unused = variableFrom(tf.tensor2d([[5], [5]]));
    const adam = new PopulationAdam([w, unused], [0.1, 0.01]);
    tf.dispose(adam.minimize(() => tf.sum(tf.square(w)) as tf.Scalar));
    expect(((await w.array()) as number[][]).map((r) => r[0])).toEqual([expect.closeTo(0.9, 6), expect.closeTo(0.99, 6)]);
    expect(await unused.array()).toEqual([[5], [5]]);
    adam.dispose();
    tf.dispose([w, unused]);
  });

  it('step: minimises the sum of the members’ losses and returns the metrics of the pass before the update', async () => {
    // loss_p = w_p²: members move by −lr·sign(w_p); the returned metric is w as it was, (2, −3), not as it became.
    const w = variableFrom(tf.tensor1d([2, -3]));
    const adam = new PopulationAdam([w], [0.5, 0.5]);
    const count = tf.memory().numTensors;
    const metrics = adam.step(() => ({ loss: tf.square(w), metrics: { 'w/before': tf.mul(w, 1) } }));
    expect(tf.memory().numTensors).toBe(count + 1); // only the returned metric survives
    expect(Array.from(await metrics['w/before'].data())).toEqual([2, -3]);
    expect(Array.from(await w.data())).toEqual([expect.closeTo(1.5, 6), expect.closeTo(-2.5, 6)]);
    tf.dispose(metrics['w/before']);
    adam.dispose();
    w.dispose();
  });
});
