/**
 * The DPO family's losses on the implicit reward margin (ALGORITHMS.md §3).
 *
 *   h   = (log π_θ − log π_ref)(y_w) − (log π_θ − log π_ref)(y_l)
 *   DPO = −log σ(β·h)           Rafailov et al. 2023, eq. 7 (https://arxiv.org/abs/2305.18290)
 *   IPO = (h − 1/(2β))²         Azar et al. 2023, eq. 17 (https://arxiv.org/abs/2310.12036)
 *
 * All take population-first tensors: h [P, B] and β a number or a per-member [P] tensor
 * (a β sweep), and return one loss per pair [P, B]; the caller averages per member.
 */
import * as tf from '@tensorflow/tfjs-core';

export type PreferenceLossKind = 'sigmoid' | 'ipo';

/** β as a number or [P], shaped to broadcast against x [P, ...]. */
function perMemberBeta(beta: tf.Tensor | number, x: tf.Tensor): tf.Tensor | number {
  if (typeof beta === 'number') return beta;
  return tf.reshape(beta, [beta.shape[0], ...new Array<number>(x.rank - 1).fill(1)]);
}

/**
 * h: the log-ratio of the chosen response minus that of the rejected one, each log π a
 * sequence log-probability [P, B] (summed over tokens, or averaged for IPO).
 */
export function logRatioMargin(logpChosen: tf.Tensor, logpRefChosen: tf.Tensor, logpRejected: tf.Tensor, logpRefRejected: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.sub(logpChosen, logpRefChosen), tf.sub(logpRejected, logpRefRejected)));
}

/** DPO (sigmoid) loss per pair: −log σ(β·h) = softplus(−β·h). */
export function dpoLoss(h: tf.Tensor, beta: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => tf.softplus(tf.neg(tf.mul(perMemberBeta(beta, h), h))));
}

/** IPO loss per pair: (h − 1/(2β))², regressing the margin onto 1/(2β) instead of pushing it to ∞. */
export function ipoLoss(h: tf.Tensor, beta: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => tf.square(tf.sub(h, tf.div(0.5, perMemberBeta(beta, h)))));
}

export function preferenceLoss(kind: PreferenceLossKind, h: tf.Tensor, beta: tf.Tensor | number): tf.Tensor {
  return kind === 'ipo' ? ipoLoss(h, beta) : dpoLoss(h, beta);
}

/** β·h per pair: the implicit reward margin (TRL's `rewards/margins`). */
export function rewardMargin(h: tf.Tensor, beta: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => tf.mul(perMemberBeta(beta, h), h));
}

/**
 * Per member [P]: fraction of pairs whose implicit reward ranks the chosen response
 * above the rejected one (h > 0). A tie counts as half, as for the reward model's
 * accuracy: h is exactly 0 when both responses are the same, common on small tasks.
 */
export function rankAccuracy(h: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const flat = tf.reshape(h, [h.shape[0], -1]);
    const right = tf.cast(tf.greater(flat, 0), 'float32');
    const tie = tf.cast(tf.equal(flat, 0), 'float32');
    return tf.mean(tf.add(right, tf.mul(0.5, tie)), 1);
  });
}
