/**
 * Loss functions shared by the methods. All take population-first tensors [P, ...]
 * and return a per-member loss [P] (mean over the other axes), so that the sum over
 * members has independent gradients for each member.
 */
import * as tf from '@tensorflow/tfjs-core';

function meanPerMember(x: tf.Tensor): tf.Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
  return axes.length ? tf.mean(x, axes) : x;
}

/** Bradley–Terry (ALGORITHMS.md §1): −log σ(r_w − r_l) = softplus(r_l − r_w). */
export function bradleyTerryLoss(rChosen: tf.Tensor, rRejected: tf.Tensor): tf.Tensor {
  return tf.tidy(() => meanPerMember(tf.softplus(tf.sub(rRejected, rChosen))));
}

/**
 * PPO clipped surrogate (Schulman et al. 2017, eq. 7), as a loss:
 * ρ = exp(log π_θ − log π_old); L_pg = mean(max(−A·ρ, −A·clip(ρ, 1−ε, 1+ε))).
 * Also returns the fraction of clipped ratios and cleanrl's approx_kl = mean((ρ − 1) − log ρ).
 */
export function ppoPolicyLoss(
  logp: tf.Tensor,
  logpOld: tf.Tensor,
  advantages: tf.Tensor,
  clipRange: number,
): { loss: tf.Tensor; clipfrac: tf.Tensor; approxKl: tf.Tensor } {
  return tf.tidy(() => {
    const logratio = tf.sub(logp, logpOld);
    const ratio = tf.exp(logratio);
    const unclipped = tf.mul(tf.neg(advantages), ratio);
    const clipped = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - clipRange, 1 + clipRange));
    const loss = meanPerMember(tf.maximum(unclipped, clipped));
    const clipfrac = meanPerMember(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), clipRange), 'float32'));
    const approxKl = meanPerMember(tf.sub(tf.sub(ratio, 1), logratio));
    return { loss, clipfrac, approxKl };
  });
}

/**
 * PPO clipped value loss (ALGORITHMS.md §2):
 * ½·mean(max((V − R)², (V_old + clip(V − V_old, −ε_v, ε_v) − R)²)).
 */
export function ppoValueLoss(values: tf.Tensor, valuesOld: tf.Tensor, returns: tf.Tensor, clipRangeValue: number): tf.Tensor {
  return tf.tidy(() => {
    const vClipped = tf.add(valuesOld, tf.clipByValue(tf.sub(values, valuesOld), -clipRangeValue, clipRangeValue));
    const a = tf.square(tf.sub(values, returns));
    const b = tf.square(tf.sub(vClipped, returns));
    return tf.mul(0.5, meanPerMember(tf.maximum(a, b)));
  });
}

/** Explained variance 1 − Var(R − V)/Var(R) per member. */
export function explainedVariance(values: tf.Tensor, returns: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const axes = Array.from({ length: returns.rank - 1 }, (_, i) => i + 1);
    const varR = tf.moments(returns, axes).variance;
    const varResid = tf.moments(tf.sub(returns, values), axes).variance;
    return tf.sub(1, tf.div(varResid, tf.add(varR, 1e-8)));
  });
}
