/**
 * Per-token KL estimators (ALGORITHMS.md §2; Schulman, "Approximating KL divergence").
 * With logr = log π_ref(y_t) − log π(y_t) at the sampled token:
 *   k1 = −logr                      (unbiased, can be negative),
 *   k3 = (e^logr − 1) − logr        (unbiased, always ≥ 0),
 *   exact = Σ_v π(v)·(log π(v) − log π_ref(v))  (from the full next-token distributions).
 */
import * as tf from '@tensorflow/tfjs-core';

export type KlEstimator = 'k1' | 'k3' | 'exact';

export function klK1(logp: tf.Tensor, logpRef: tf.Tensor): tf.Tensor {
  return tf.sub(logp, logpRef);
}

export function klK3(logp: tf.Tensor, logpRef: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const logr = tf.sub(logpRef, logp);
    return tf.sub(tf.sub(tf.exp(logr), 1), logr);
  });
}

/** Exact KL(π‖π_ref) of each next-token distribution: logits [..., V] → [...]. */
export function klExact(logits: tf.Tensor, logitsRef: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const logpi = tf.logSoftmax(logits);
    const logref = tf.logSoftmax(logitsRef);
    return tf.sum(tf.mul(tf.exp(logpi), tf.sub(logpi, logref)), -1);
  });
}

/** Entropy of each next-token distribution: logits [..., V] → [...]. */
export function entropy(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const logpi = tf.logSoftmax(logits);
    return tf.neg(tf.sum(tf.mul(tf.exp(logpi), logpi), -1));
  });
}

/** The per-token KL the PPO reward is penalised with. */
export function klPenalty(
  estimator: KlEstimator,
  logp: tf.Tensor,
  logpRef: tf.Tensor,
  logits: tf.Tensor,
  logitsRef: tf.Tensor,
): tf.Tensor {
  if (estimator === 'k1') return klK1(logp, logpRef);
  if (estimator === 'k3') return klK3(logp, logpRef);
  return klExact(logits, logitsRef);
}

/**
 * Monte Carlo estimate of the sequence KL(π‖π_ref) from sampled responses, with its standard
 * error: per sample Σ_t exact KL of the next-token distributions along the sampled path (an
 * unbiased estimator with less variance than Σ_t k1). logits [P, B, T, V] → mean, se [P].
 */
export function sequenceKlEstimate(logits: tf.Tensor, logitsRef: tf.Tensor): { mean: tf.Tensor; se: tf.Tensor } {
  return tf.tidy(() => {
    const perSample = tf.sum(klExact(logits, logitsRef), 2); // [P, B]
    const { mean, variance } = tf.moments(perSample, 1);
    const B = perSample.shape[1] as number;
    return { mean, se: tf.sqrt(tf.div(variance, Math.max(B - 1, 1))) };
  });
}
