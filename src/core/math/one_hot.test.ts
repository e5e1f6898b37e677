import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { tokenLogProbs } from './logprobs';
import { oneHotFloat } from './one_hot';

const initial = tf.getBackend();
afterAll(async () => {
  await tf.setBackend(initial);
});

describe.each(['cpu', 'wasm'])('oneHotFloat on %s', (backend) => {
  it('is exactly 1 at the index and 0 elsewhere, and log-probabilities read through it', async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    const hot = oneHotFloat(tf.tensor2d([[0, 2]], [1, 2], 'int32'), 3);
    expect(hot.dtype).toBe('float32');
    expect(await hot.array()).toEqual([[[1, 0, 0], [0, 0, 1]]]);
    // log softmax of (1, 2, 3) at token 2: 3 − log(e + e² + e³) = −0.40761.
    const logp = tokenLogProbs(tf.tensor3d([[[1, 2, 3]]]), tf.tensor2d([[2]], [1, 1], 'int32'));
    expect(((await logp.array()) as number[][])[0][0]).toBeCloseTo(-0.40761, 4);
    tf.dispose([hot, logp]);
  });
});
