/**
 * Generalized advantage estimation (Schulman et al. 2016, eq. 16), over the last axis:
 *   δ_t = r_t + γ·V_{t+1} − V_t   (V_T = 0: the episode ends after the last token)
 *   A_t = δ_t + γλ·A_{t+1}
 *   returns = A + V
 */
import * as tf from '@tensorflow/tfjs-core';

/** rewards, values: [..., T] → { advantages, returns } of the same shape. */
export function gae(
  rewards: tf.Tensor,
  values: tf.Tensor,
  gamma: number,
  lambda: number,
): { advantages: tf.Tensor; returns: tf.Tensor } {
  return tf.tidy(() => {
    const T = rewards.shape[rewards.shape.length - 1];
    const rs = tf.unstack(rewards, rewards.rank - 1);
    const vs = tf.unstack(values, values.rank - 1);
    const advantages: tf.Tensor[] = new Array(T);
    let next: tf.Tensor = tf.zerosLike(rs[0]);
    let nextValue: tf.Tensor = tf.zerosLike(vs[0]);
    for (let t = T - 1; t >= 0; t--) {
      const delta = tf.sub(tf.add(rs[t], tf.mul(gamma, nextValue)), vs[t]);
      next = tf.add(delta, tf.mul(gamma * lambda, next));
      advantages[t] = next;
      nextValue = vs[t];
    }
    const A = tf.stack(advantages, rewards.rank - 1);
    return { advantages: A, returns: tf.add(A, values) };
  });
}

/** Whitening per population member: x [P, ...] → (x − mean_p) / (std_p + 1e-8). */
export function whitenPerMember(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
    const { mean, variance } = tf.moments(x, axes, true);
    return tf.div(tf.sub(x, mean), tf.add(tf.sqrt(variance), 1e-8));
  });
}
