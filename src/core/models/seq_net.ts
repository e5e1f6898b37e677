/**
 * The shape every policy/value network shares: population-first parameters and a
 * teacher-forced forward pass. Output t depends on the prompt and y_<t only, so one
 * call scores a whole response and the same call drives autoregressive sampling.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { asInt32, oneHotFloat } from '../math/one_hot';

export interface SeqShape {
  /** Number of prompts n_x. */
  nPrompts: number;
  /** Vocabulary size V. */
  V: number;
  /** Response length T. */
  T: number;
}

export interface SeqNet {
  /** Trainable parameters, each with leading dimension P. */
  readonly params: tf.Variable[];
  /**
   * prompts [P, B] int32, tokens [P, B, T] int32 → outputs [P, B, T, outDim], where
   * output t sees the prompt and y_<t. `params` defaults to `this.params`; passing a
   * frozen copy evaluates e.g. the reference policy with the same code.
   *
   * `keep` [P, B, T] (0/1, float32) hides key positions from attention, for forgetful causal
   * masking (Chain of Hindsight): key 0 (the prompt) and each position's own input stay
   * visible. Networks without attention (the table) ignore it.
   */
  apply(prompts: tf.Tensor, tokens: tf.Tensor, params?: readonly tf.Tensor[], keep?: tf.Tensor): tf.Tensor;
  /**
   * The network's inputs for (prompts, tokens) as row indices [P, B, T] (int32): what `apply`
   * computes first. A batch read by several forward passes (PPO's epochs, a policy and a
   * value head of one kind) encodes once; rows of the encoding are rows of the batch.
   */
  encode(prompts: tf.Tensor, tokens: tf.Tensor): tf.Tensor;
  /** `apply` from an encoding: apply(x, y, w, keep) = applyEncoded(encode(x, y), w, keep). */
  applyEncoded(inputs: tf.Tensor, params?: readonly tf.Tensor[], keep?: tf.Tensor): tf.Tensor;
  /**
   * `applyEncoded` with the network's own parameters, and its gradient written out: dOut
   * [P, B, T, outDim] ↦ ∂(Σ dOut·out)/∂params, in `params` order, off the autograd tape. The
   * numbers autograd finds through `applyEncoded`; call the pullback inside the caller's tidy
   * (it reads the forward pass's tensors).
   */
  applyWithPullback(inputs: tf.Tensor): { out: tf.Tensor; pullback: (dOut: tf.Tensor) => tf.Tensor[] };
  /**
   * `applyWithPullback` of this network and `other` on the same inputs in one pass, where their
   * architectures allow (a transformer beside one that differs only in its head's width, as
   * PPO's value head beside its policy: their trunks run stacked on the population axis, each
   * member computing exactly what it computes alone); null where they do not.
   */
  applyBesideWithPullback?(other: SeqNet, inputs: tf.Tensor): PairedPullback | null;
  /** Frees the parameters and any constants the network owns. */
  dispose(): void;
}

/** Two networks' outputs and the pullback of both: (dOut, dOut′) ↦ (∂/∂params, ∂/∂params′). */
export interface PairedPullback {
  outs: [tf.Tensor, tf.Tensor];
  pullback: (dOuts: [tf.Tensor, tf.Tensor]) => [tf.Tensor[], tf.Tensor[]];
}

/**
 * Rows of each member's own table: table [P, rows, D], local [P, ...] (row indices) →
 * [P, ..., D]. A one-hot batched matmul rather than a gather: the gather's gradient
 * (UnsortedSegmentSum) is missing on the WASM backend and slow on CPU. Its gradient is
 * written out, onehotᵀ·dy (the matmul autograd would run for the table), without the product
 * for the one-hot that autograd would add and nothing on the tape but the one-hot.
 */
export function lookupRows(table: tf.Tensor, local: tf.Tensor, tfns: typeof tf): tf.Tensor {
  return tfns.tidy(() => {
    const [P, rows, D] = table.shape;
    const flat = tfns.reshape(asInt32(local), [P, -1]);
    // oneHot needs depth ≥ 2; a one-row table (a single prompt) is a broadcast.
    if (rows === 1) return tfns.reshape(tfns.mul(tfns.ones([P, flat.shape[1] as number, 1]), table), [...local.shape, D]);
    const lookup = tfns.customGrad((w, save) => {
      const hot = oneHotFloat(flat, rows);
      (save as tf.GradSaveFunc)([hot]);
      return { value: tfns.matMul(hot, w as tf.Tensor), gradFunc: (dy, [saved]) => lookupRowsGrad(saved, dy, tfns) };
    });
    return tfns.reshape(lookup(table), [...local.shape, D]);
  });
}

/** `lookupRows` with its pullback, off the autograd tape. */
export function lookupRowsWithPullback(table: tf.Tensor, local: tf.Tensor, tfns: typeof tf): { out: tf.Tensor; pullback: (dOut: tf.Tensor) => tf.Tensor } {
  const [P, rows, D] = table.shape;
  if (rows === 1) return { out: lookupRows(table, local, tfns), pullback: (dOut) => tfns.sum(tfns.reshape(dOut, [P, -1, D]), 1, true) };
  const hot = oneHotFloat(tfns.reshape(asInt32(local), [P, -1]), rows);
  return { out: tfns.reshape(tfns.matMul(hot, table), [...local.shape, D]), pullback: (dOut) => lookupRowsGrad(hot, tfns.reshape(dOut, [P, -1, D]), tfns) };
}

/** ∂/∂table of a one-hot lookup: onehotᵀ·dy. */
const lookupRowsGrad = (hot: tf.Tensor, dy: tf.Tensor, tfns: typeof tf): tf.Tensor => tfns.matMul(hot, dy, true, false);
