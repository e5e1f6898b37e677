/** Log-probabilities of chosen tokens under per-position logits. */
import * as tf from '@tensorflow/tfjs-core';
import { oneHotFloat } from './one_hot';

/** logits [..., T, V], tokens [..., T] (int32) → log π(y_t | y_<t) [..., T]. */
export function tokenLogProbs(logits: tf.Tensor, tokens: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const V = logits.shape[logits.shape.length - 1];
    // A one-hot product instead of a gather: differentiable and supported by every backend.
    const mask = oneHotFloat(tokens, V);
    return tf.sum(tf.mul(tf.logSoftmax(logits), mask), -1);
  });
}
