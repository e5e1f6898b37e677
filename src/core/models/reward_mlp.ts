/**
 * The reward model r_φ(x, y): one hidden ReLU layer plus a linear skip over the sparse
 * (x, y) features of features.ts. Population-first: every weight is [P, ...].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';
import { featureIndices, featureSize, multiHot } from './features';
import { memberNormal, variableFrom } from './init';
import type { SeqShape } from './seq_net';

export interface RewardNet {
  readonly params: tf.Variable[];
  /** prompts [P, B], tokens [P, B, T] → r_φ [P, B]. */
  apply(prompts: tf.Tensor, tokens: tf.Tensor): tf.Tensor;
  /** The active feature indices of (x, y), [P, B, 1 + 2T]: a data set read many times encodes once. */
  encode(prompts: tf.Tensor, tokens: tf.Tensor): tf.Tensor;
  /** r_φ from `encode`'s indices → [P, B]. */
  applyEncoded(indices: tf.Tensor): tf.Tensor;
  dispose(): void;
}

/**
 * score(f) = w₂·relu(W₁ f + b₁) + w_skip·f + b₂ for `inputs` sparse feature blocks of width F
 * each (one block for a reward, two for a pair): indices [P, B, K] per block → [P, B].
 */
export function createScoreMlp(
  F: number,
  inputs: number,
  hidden: number,
  rngs: readonly Rng[],
): { params: tf.Variable[]; score: (indices: readonly tf.Tensor[]) => tf.Tensor } {
  const P = rngs.length;
  const W1 = Array.from({ length: inputs }, () => variableFrom(memberNormal(rngs, [P, F, hidden], 0.3)));
  const skip = Array.from({ length: inputs }, () => variableFrom(tf.zeros([P, F, 1])));
  const b1 = variableFrom(tf.zeros([P, 1, hidden]));
  const W2 = variableFrom(memberNormal(rngs, [P, hidden, 1], 0.1));
  const b2 = variableFrom(tf.zeros([P, 1, 1]));
  return {
    params: [...W1, ...skip, b1, W2, b2],
    score: (indices) =>
      tf.tidy(() => {
        // Each block's features once, for both the hidden layer and the skip.
        const f = indices.map((idx) => multiHot(idx, F));
        const sum = (ws: tf.Tensor[]) => f.map((fi, i) => tf.matMul(fi, ws[i])).reduce((a, b) => tf.add(a, b));
        const h = tf.relu(tf.add(sum(W1), b1));
        return tf.squeeze(tf.add(tf.add(tf.matMul(h, W2), sum(skip)), b2), [2]);
      }),
  };
}

export function createRewardMlp(shape: SeqShape, hidden: number, rngs: readonly Rng[]): RewardNet {
  const mlp = createScoreMlp(featureSize(shape), 1, hidden, rngs);
  const encode = (prompts: tf.Tensor, tokens: tf.Tensor) => featureIndices(prompts, tokens, shape);
  const applyEncoded = (indices: tf.Tensor) => mlp.score([indices]);
  return {
    params: mlp.params,
    encode,
    applyEncoded,
    apply: (prompts, tokens) => tf.tidy(() => applyEncoded(encode(prompts, tokens))),
    dispose: () => tf.dispose(mlp.params),
  };
}
