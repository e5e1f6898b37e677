/** Log-probabilities of chosen tokens under per-position logits. */
import * as tf from '@tensorflow/tfjs-core';

/** logits [..., T, V], tokens [..., T] (int32) → log π(y_t | y_<t) [..., T]. */
export function tokenLogProbs(logits: tf.Tensor, tokens: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const V = logits.shape[logits.shape.length - 1];
    // A one-hot product instead of a gather: differentiable and supported by every backend.
    const mask = tf.oneHot(tf.cast(tokens, 'int32'), V, 1, 0, 'float32');
    return tf.sum(tf.mul(tf.logSoftmax(logits), mask), -1);
  });
}
