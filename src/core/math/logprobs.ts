/** Log-probabilities of chosen tokens and of whole responses under per-position logits. */
import * as tf from '@tensorflow/tfjs-core';
import type { SeqNet } from '../models/seq_net';
import { fusedAvailable } from '../kernels/array_kernel';
import { registerFusedLogProbs, TOKEN_LOGP, TOKEN_LOGP_GRAD } from '../kernels/fused_logprobs';
import { asInt32, oneHotFloat } from './one_hot';

// Wherever log-probabilities are taken, the CPU, WASM and WebGPU backends can take them in one kernel.
registerFusedLogProbs();

/**
 * logits [..., T, V], tokens [..., T] (int32) → log π(y_t | y_<t) [..., T].
 *
 * Fused log-softmax-gather with its gradient written out, (onehot(y) − softmax(logits))·dy,
 * instead of autograd through log-softmax, product and sum, with nothing kept on the tape but
 * the log-softmax. On CPU, WASM and WebGPU the forward pass and the gradient are one kernel each
 * (kernels/fused_logprobs.ts); on WebGL they are composed of the same ops as the kernels
 * compute (tfjs's log-softmax gradient applied to the one-hot upstream gradient).
 */
export function tokenLogProbs(logits: tf.Tensor, tokens: tf.Tensor): tf.Tensor {
  const fused = tf.customGrad((z, save) => {
    const { logp, saved } = logProbsForward(z as tf.Tensor, tokens);
    (save as tf.GradSaveFunc)(saved);
    return { value: logp, gradFunc: (dy, s) => logProbsBackward(dy as tf.Tensor, s) };
  });
  return fused(logits);
}

/** `tokenLogProbs` with its pullback dlogp ↦ ∂/∂logits, off the autograd tape (call it inside the caller's tidy). */
export function tokenLogProbsWithPullback(logits: tf.Tensor, tokens: tf.Tensor): { logp: tf.Tensor; pullback: (dlogp: tf.Tensor) => tf.Tensor } {
  const { logp, saved } = logProbsForward(logits, tokens);
  return { logp, pullback: (dlogp) => logProbsBackward(dlogp, saved) };
}

/** log π(y_t) and what its gradient reads: the whole log-softmax and the tokens (fused) or their one-hot (composed). */
function logProbsForward(logits: tf.Tensor, tokens: tf.Tensor): { logp: tf.Tensor; saved: tf.Tensor[] } {
  if (fusedAvailable(TOKEN_LOGP)) {
    const y = asInt32(tokens);
    const [logp, logpAll] = tf.engine().runKernel(TOKEN_LOGP, { logits, tokens: y }) as tf.Tensor[];
    return { logp, saved: [logpAll, y] };
  }
  // A one-hot product instead of a gather: supported by every backend.
  const mask = oneHotFloat(tokens, logits.shape[logits.shape.length - 1]);
  const logpAll = tf.logSoftmax(logits);
  return { logp: tf.sum(tf.mul(logpAll, mask), -1), saved: [logpAll, mask] };
}

/** (onehot(y) − softmax)·dy: tfjs's log-softmax gradient applied to the one-hot upstream gradient. */
function logProbsBackward(dy: tf.Tensor, [logpAll, tokensOrMask]: tf.Tensor[]): tf.Tensor {
  if (tokensOrMask.dtype === 'int32') return (tf.engine().runKernel(TOKEN_LOGP_GRAD, { dy, logpAll, tokens: tokensOrMask }) as tf.Tensor[])[0];
  const up = tf.expandDims(dy, -1);
  return tf.sub(tf.mul(up, tokensOrMask), tf.mul(tf.exp(logpAll), up));
}

/** log π(y | x) = Σ_t log π(y_t | x, y_<t): logits [..., T, V], tokens [..., T] → [...]. */
export function sequenceLogProbs(logits: tf.Tensor, tokens: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tokenLogProbs(logits, tokens), -1));
}

/** log π(y | x) of each response under `net` (with `params`, e.g. π_ref's): prompts [P, B], tokens [P, B, T] → [P, B]. */
export function sequenceLogProb(net: SeqNet, prompts: tf.Tensor, tokens: tf.Tensor, params?: readonly tf.Tensor[], keep?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => sequenceLogProbs(net.apply(prompts, tokens, params, keep), tokens));
}

/**
 * log π(y|x) [P, B] of both responses of each pair under `params` (default: the net's own),
 * in one forward pass over [y_a; y_b]: summed over tokens, or averaged (`average`: IPO's and
 * SimPO's per-token normalisation, as TRL).
 */
export function pairLogProbs(net: SeqNet, prompts: tf.Tensor, a: tf.Tensor, b: tf.Tensor, average: boolean, params?: readonly tf.Tensor[]): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const [, B, T] = a.shape;
    const both = sequenceLogProb(net, tf.concat([prompts, prompts], 1), tf.concat([a, b], 1), params);
    const logp = average ? tf.div(both, T) : both;
    const [la, lb] = tf.split(logp, [B, B], 1);
    return [la, lb] as [tf.Tensor, tf.Tensor];
  });
}

/** Maximum-likelihood loss per member, −mean_b log π(y_b | x_b): prompts [P, B], tokens [P, B, T] → [P]. */
export function sequenceNll(net: SeqNet, prompts: tf.Tensor, tokens: tf.Tensor, keep?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.mean(sequenceLogProb(net, prompts, tokens, undefined, keep), 1)));
}
