/**
 * Autoregressive sampling on the device with the Gumbel-max trick:
 * y_t = argmax_v (logits_t(v) + g_v), g ~ Gumbel(0, 1) drawn from the seeded rng on
 * the host and uploaded once. Same seed + same backend ⇒ the same responses, and no
 * readback between tokens.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeqNet } from './seq_net';

/** prompts [P, B], gumbel [P, B, T, V] → tokens [P, B, T] int32. */
export function sampleTokens(
  net: SeqNet,
  prompts: tf.Tensor,
  gumbel: tf.Tensor,
  params?: readonly tf.Tensor[],
): tf.Tensor {
  return sampleAutoregressive(gumbel, (tokens) => net.apply(prompts, tokens, params));
}

/**
 * The Gumbel-max loop for any next-token logits: `logitsOf(tokens)` → [P, B, T, V] for the
 * prefix in `tokens` (later positions are ignored); gumbel [P, B, T, V] → tokens [P, B, T] int32.
 */
export function sampleAutoregressive(gumbel: tf.Tensor, logitsOf: (tokens: tf.Tensor) => tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [P, B, T, V] = gumbel.shape;
    let tokens: tf.Tensor = tf.zeros([P, B, T], 'int32');
    for (let t = 0; t < T; t++) {
      const logits = tf.slice(logitsOf(tokens), [0, 0, t, 0], [P, B, 1, V]);
      const noise = tf.slice(gumbel, [0, 0, t, 0], [P, B, 1, V]);
      const choice = tf.cast(tf.argMax(tf.add(logits, noise), -1), 'int32'); // [P, B, 1]
      const at = positionMask(T, t, 'int32');
      tokens = tf.add(tf.mul(tokens, tf.sub(tf.scalar(1, 'int32'), at)), tf.mul(choice, at));
    }
    return tokens;
  });
}

/** [1, 1, T] indicator of position t (oneHot needs depth ≥ 2, and T may be 1). */
export function positionMask(T: number, t: number, dtype: 'int32' | 'float32' = 'float32'): tf.Tensor {
  return tf.tensor3d(Array.from({ length: T }, (_, i) => (i === t ? 1 : 0)), [1, 1, T], dtype);
}

/** Frozen copies of parameters (e.g. the reference policy π_ref after SFT). */
export function snapshot(params: readonly tf.Tensor[]): tf.Tensor[] {
  return params.map((p) => tf.keep(tf.clone(p)));
}
