/**
 * Loss functions shared by the methods. All take population-first tensors [P, ...]
 * and return a per-member loss [P] (mean over the other axes), so that the sum over
 * members has independent gradients for each member.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedAvailable } from '../kernels/array_kernel';
import { PPO_SURROGATE, PPO_VALUE_LOSS, registerFusedPpo } from '../kernels/fused_ppo';

// The CPU, WASM and WebGPU backends run PPO's two losses as one kernel each (kernels/fused_ppo.ts).
registerFusedPpo();

function meanPerMember(x: tf.Tensor): tf.Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
  return axes.length ? tf.mean(x, axes) : x;
}

/** Bradley–Terry (ALGORITHMS.md §1): −log σ(r_w − r_l) = softplus(r_l − r_w). */
export function bradleyTerryLoss(rChosen: tf.Tensor, rRejected: tf.Tensor): tf.Tensor {
  return tf.tidy(() => meanPerMember(tf.softplus(tf.sub(rRejected, rChosen))));
}

/**
 * ∂/∂margin of Σ_p bradleyTerryLoss(margin, 0)_p, the judges' loss: −σ(−margin)/n per member
 * of n margins. Autograd's rounding: Mean_grad's 1/n (a float32 division, which fround(1/n)
 * equals: 1/n is never within a double's precision of a float32 tie) times Softplus_grad's σ.
 */
export function bradleyTerryMarginGrad(margin: tf.Tensor): tf.Tensor {
  const n = margin.size / margin.shape[0];
  return tf.tidy(() => tf.mul(tf.sigmoid(tf.neg(margin)), -Math.fround(1 / n)));
}

/**
 * PPO clipped surrogate (Schulman et al. 2017, eq. 7), as a loss:
 * ρ = exp(log π_θ − log π_old); L_pg = mean(max(−A·ρ, −A·clip(ρ, 1−ε, 1+ε))).
 * Also returns the fraction of clipped ratios and cleanrl's approx_kl = mean((ρ − 1) − log ρ).
 *
 * The gradient is written out: ∂L_pg/∂log π_θ = −A·ρ/n where the unclipped side is the max,
 * else 0 (the max is then the clipped side, with ρ outside the clip range, where it is
 * constant; inside the range both sides are equal). One product in the backward pass instead
 * of autograd through max, clip, product and exp. On CPU, WASM and WebGPU the loss, both metrics and
 * that gradient are one kernel, the same numbers.
 */
export function ppoPolicyLoss(
  logp: tf.Tensor,
  logpOld: tf.Tensor,
  advantages: tf.Tensor,
  clipRange: number,
): { loss: tf.Tensor; clipfrac: tf.Tensor; approxKl: tf.Tensor } {
  if (fusedAvailable(PPO_SURROGATE)) {
    // The fourth output is the gradient, which the tape has kept for itself (a clone).
    const { dLogp, ...rest } = ppoPolicyLossWithGrad(logp, logpOld, advantages, clipRange);
    dLogp.dispose();
    return rest;
  }
  const surrogate = tf.customGrad((lp, save) => {
    const { value, dLogp } = clippedSurrogate(tf.exp(tf.sub(lp as tf.Tensor, logpOld)), advantages, clipRange);
    (save as tf.GradSaveFunc)([dLogp]);
    return { value, gradFunc: (dy, [dLoss]) => tf.mul(perMemberColumn(dy, dLoss.rank), dLoss) };
  });
  return tf.tidy(() => {
    const logratio = tf.sub(logp, logpOld);
    return { loss: surrogate(logp), ...ratioMetrics(logratio, tf.exp(logratio), clipRange) };
  });
}

/** `ppoPolicyLoss` and ∂L_pg/∂log π_θ for a unit upstream gradient per member (dLogp), for a gradient written out by the caller. */
export function ppoPolicyLossWithGrad(logp: tf.Tensor, logpOld: tf.Tensor, advantages: tf.Tensor, clipRange: number): { loss: tf.Tensor; clipfrac: tf.Tensor; approxKl: tf.Tensor; dLogp: tf.Tensor } {
  if (fusedAvailable(PPO_SURROGATE)) {
    const [loss, clipfrac, approxKl, dLogp] = tf.engine().runKernel(PPO_SURROGATE, { logp, logpOld, advantages }, { clipRange }) as tf.Tensor[];
    return { loss, clipfrac, approxKl, dLogp };
  }
  return tf.tidy(() => {
    // One ratio for the surrogate and both metrics: off the tape, nothing needs it twice.
    const logratio = tf.sub(logp, logpOld);
    const ratio = tf.exp(logratio);
    const { value, dLogp } = clippedSurrogate(ratio, advantages, clipRange);
    return { loss: value, dLogp, ...ratioMetrics(logratio, ratio, clipRange) };
  });
}

/** The clipped surrogate per member from ρ, and its per-element gradient −A·ρ/n where the unclipped side is the max, else 0. */
function clippedSurrogate(ratio: tf.Tensor, advantages: tf.Tensor, clipRange: number): { value: tf.Tensor; dLogp: tf.Tensor } {
  const unclipped = tf.mul(tf.neg(advantages), ratio);
  const clipped = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - clipRange, 1 + clipRange));
  const live = tf.cast(tf.greaterEqual(unclipped, clipped), 'float32');
  return { value: meanPerMember(tf.maximum(unclipped, clipped)), dLogp: tf.div(tf.mul(unclipped, live), elementsPerMember(ratio)) };
}

/** The fraction of ratios outside 1 ± ε and cleanrl's approx_kl, per member, from log ρ and ρ. */
function ratioMetrics(logratio: tf.Tensor, ratio: tf.Tensor, clipRange: number): { clipfrac: tf.Tensor; approxKl: tf.Tensor } {
  return {
    clipfrac: meanPerMember(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), clipRange), 'float32')),
    approxKl: meanPerMember(tf.sub(tf.sub(ratio, 1), logratio)),
  };
}

/**
 * PPO clipped value loss (ALGORITHMS.md §2):
 * ½·mean(max((V − R)², (V_old + clip(V − V_old, −ε_v, ε_v) − R)²)).
 *
 * The gradient is written out: ∂/∂V = (V − R)/n where the unclipped square is the max, else 0
 * (the clipped square is then the max with V − V_old outside ±ε_v, where it is constant;
 * inside, the two squares are equal). On CPU, WASM and WebGPU, loss and gradient are one kernel.
 */
export function ppoValueLoss(values: tf.Tensor, valuesOld: tf.Tensor, returns: tf.Tensor, clipRangeValue: number): tf.Tensor {
  if (fusedAvailable(PPO_VALUE_LOSS)) {
    const { loss, dValues } = ppoValueLossWithGrad(values, valuesOld, returns, clipRangeValue);
    dValues.dispose();
    return loss;
  }
  const clippedLoss = tf.customGrad((v, save) => {
    const { loss, dValues } = clippedValueLoss(v as tf.Tensor, valuesOld, returns, clipRangeValue);
    (save as tf.GradSaveFunc)([dValues]);
    return { value: loss, gradFunc: (dy, [dLoss]) => tf.mul(perMemberColumn(dy, dLoss.rank), dLoss) };
  });
  return clippedLoss(values);
}

/** `ppoValueLoss` and ∂L_v/∂V for a unit upstream gradient per member, for a gradient written out by the caller. */
export function ppoValueLossWithGrad(values: tf.Tensor, valuesOld: tf.Tensor, returns: tf.Tensor, clipRangeValue: number): { loss: tf.Tensor; dValues: tf.Tensor } {
  if (fusedAvailable(PPO_VALUE_LOSS)) {
    const [loss, dValues] = tf.engine().runKernel(PPO_VALUE_LOSS, { values, valuesOld, returns }, { clipRangeValue }) as tf.Tensor[];
    return { loss, dValues };
  }
  return tf.tidy(() => clippedValueLoss(values, valuesOld, returns, clipRangeValue));
}

function clippedValueLoss(values: tf.Tensor, valuesOld: tf.Tensor, returns: tf.Tensor, clipRangeValue: number): { loss: tf.Tensor; dValues: tf.Tensor } {
  const vClipped = tf.add(valuesOld, tf.clipByValue(tf.sub(values, valuesOld), -clipRangeValue, clipRangeValue));
  const errUnclipped = tf.sub(values, returns);
  const errClipped = tf.sub(vClipped, returns);
  const a = tf.square(errUnclipped);
  const b = tf.square(errClipped);
  const live = tf.cast(tf.greaterEqual(a, b), 'float32');
  return { loss: tf.mul(0.5, meanPerMember(tf.maximum(a, b))), dValues: tf.div(tf.mul(errUnclipped, live), elementsPerMember(a)) };
}

/** Elements averaged per member of a [P, ...] tensor. */
const elementsPerMember = (x: tf.Tensor): number => x.size / x.shape[0];

/** A per-member [P] upstream gradient as [P, 1, …] to scale a [P, ...] one. */
const perMemberColumn = (dy: tf.Tensor, rank: number): tf.Tensor => tf.reshape(dy, [dy.shape[0], ...new Array(rank - 1).fill(1)]);

/** Explained variance 1 − Var(R − V)/Var(R) per member. */
export function explainedVariance(values: tf.Tensor, returns: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const axes = Array.from({ length: returns.rank - 1 }, (_, i) => i + 1);
    const varR = tf.moments(returns, axes).variance;
    const varResid = tf.moments(tf.sub(returns, values), axes).variance;
    return tf.sub(1, tf.div(varResid, tf.add(varR, 1e-8)));
  });
}
