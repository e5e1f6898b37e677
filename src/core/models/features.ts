/**
 * Sparse one-hot features of (x, y) shared by the reward and preference networks:
 * [x] ⊕ [y_t at position t] ⊕ [(x, y_t) at position t]. The (x, y_t) block makes a one-step
 * task exactly tabular; on sequences the network only gets per-position credit, so like a
 * real learned judge it generalises, and errs, off its data.
 *
 * Networks take the 1 + 2T active indices; `multiHot` turns them into f, which they multiply.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeqShape } from './seq_net';
import { oneHotFloat } from '../math/one_hot';

/** Feature width F. */
export function featureSize({ nPrompts, V, T }: SeqShape): number {
  return nPrompts + T * V + T * nPrompts * V;
}

/** Active feature indices: prompts [P, B], tokens [P, B, T] → int32 [P, B, 1 + 2T]. */
export function featureIndices(prompts: tf.Tensor, tokens: tf.Tensor, { nPrompts, V, T }: SeqShape): tf.Tensor {
  return tf.tidy(() => {
    const [P, B] = prompts.shape;
    const int = (v: number) => tf.scalar(v, 'int32');
    const x = tf.reshape(tf.cast(prompts, 'int32'), [P, B, 1]);
    const y = tf.cast(tokens, 'int32');
    const t = tf.reshape(tf.range(0, T, 1, 'int32'), [1, 1, T]);
    const position = tf.add(int(nPrompts), tf.add(tf.mul(t, int(V)), y));
    const withPrompt = tf.add(int(nPrompts + T * V), tf.add(tf.mul(tf.add(tf.mul(x, int(T)), t), int(V)), y));
    return tf.concat([x, position, withPrompt], 2);
  });
}

/**
 * The multi-hot features f [P, B, F] of indices [P, B, K], for W·f with weights W [P, F, H].
 *
 * f is materialised (F ≤ a few hundred here) and multiplied: a gather of W's rows would be
 * cheaper forward, but its gradient (unsorted segment sum) costs one pass per row of W on
 * tfjs's CPU backend, which made judge training 50× slower.
 */
export function multiHot(indices: tf.Tensor, F: number): tf.Tensor {
  // float32: tfjs's default int32 one-hot hits a WebGPU int transpose bug (f32/i32 WGSL mismatch) in the sum.
  return tf.tidy(() => tf.sum(oneHotFloat(indices, F), 2));
}
