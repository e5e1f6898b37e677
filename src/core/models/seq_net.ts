/**
 * The shape every policy/value network shares: population-first parameters and a
 * teacher-forced forward pass. Output t depends on the prompt and y_<t only, so one
 * call scores a whole response and the same call drives autoregressive sampling.
 */
import type * as tf from '@tensorflow/tfjs-core';

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
   */
  apply(prompts: tf.Tensor, tokens: tf.Tensor, params?: readonly tf.Tensor[]): tf.Tensor;
  /** Frees the parameters and any constants the network owns. */
  dispose(): void;
}

/** Row index p·rows + local[p, ...] for gathering from a population table flattened to [P·rows, ...]. */
export function populationRows(local: tf.Tensor, P: number, rows: number, tfns: typeof tf): tf.Tensor {
  const offsets = tfns.reshape(tfns.mul(tfns.range(0, P, 1, 'int32'), tfns.scalar(rows, 'int32')), [P, ...new Array(local.rank - 1).fill(1)]);
  return tfns.add(local, offsets);
}
