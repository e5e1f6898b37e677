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

/** The learned reward model: a RewardNet that can also be trained. */
export interface RewardMlp extends RewardNet {
  /** `applyEncoded` with its pullback to `params` (call inside the caller's tidy). */
  applyEncodedWithPullback(indices: tf.Tensor): ScoreWithPullback;
}

/** A score and its pullback dScore ↦ ∂/∂params (aligned with `params`), off the autograd tape. */
export interface ScoreWithPullback {
  score: tf.Tensor;
  pullback: (dScore: tf.Tensor) => tf.Tensor[];
}

/**
 * a − b for two scores of the same network, with its pullback: each score's own, summed as
 * autograd sums a parameter's gradients (a float32 add, exact in either order).
 */
export function differenceWithPullback(a: ScoreWithPullback, b: ScoreWithPullback): ScoreWithPullback {
  return {
    score: tf.sub(a.score, b.score),
    pullback: (d) => {
      const ga = a.pullback(d);
      const gb = b.pullback(tf.neg(d));
      return ga.map((g, i) => tf.add(g, gb[i]));
    },
  };
}

/**
 * score(f) = w₂·relu(W₁ f + b₁) + w_skip·f + b₂ for `inputs` sparse feature blocks of width F
 * each (one block for a reward, two for a pair): indices [P, B, K] per block → [P, B].
 *
 * The gradient is written out: the pullback runs the very kernels autograd's gradients of
 * matMul, relu and a broadcast add run (tfjs-core's BatchMatMul_grad, Relu_grad, Add_grad), so
 * its numbers are autograd's bit for bit, without the tape's bookkeeping (a judge step was
 * 122 kernels, two thirds of them Identity and Reshape around eight small matmuls).
 */
export function createScoreMlp(
  F: number,
  inputs: number,
  hidden: number,
  rngs: readonly Rng[],
): { params: tf.Variable[]; score: (indices: readonly tf.Tensor[]) => tf.Tensor; scoreWithPullback: (indices: readonly tf.Tensor[]) => ScoreWithPullback } {
  const P = rngs.length;
  const W1 = Array.from({ length: inputs }, () => variableFrom(memberNormal(rngs, [P, F, hidden], 0.3)));
  const skip = Array.from({ length: inputs }, () => variableFrom(tf.zeros([P, F, 1])));
  const b1 = variableFrom(tf.zeros([P, 1, hidden]));
  const W2 = variableFrom(memberNormal(rngs, [P, hidden, 1], 0.1));
  const b2 = variableFrom(tf.zeros([P, 1, 1]));
  // Call inside the caller's tidy: the pullback reads the forward pass's tensors.
  const scoreWithPullback = (indices: readonly tf.Tensor[]): ScoreWithPullback => {
    // Each block's features once, for the hidden layer, the skip and their gradients.
    const f = indices.map((idx) => multiHot(idx, F));
    const sum = (ws: tf.Tensor[]) => f.map((fi, i) => tf.matMul(fi, ws[i])).reduce((a, b) => tf.add(a, b));
    const pre = tf.add(sum(W1), b1);
    const h = tf.relu(pre);
    const out = tf.add(tf.add(tf.matMul(h, W2), sum(skip)), b2);
    const pullback = (dScore: tf.Tensor): tf.Tensor[] => {
      const dOut = tf.reshape(dScore, out.shape);
      const dPre = tf.mul(tf.matMul(dOut, W2, false, true), tf.step(pre)); // Relu_grad casts step(pre), already float32
      const dW1 = f.map((fi) => tf.matMul(fi, dPre, true, false));
      const dSkip = f.map((fi) => tf.matMul(fi, dOut, true, false));
      const db1 = tf.reshape(tf.sum(dPre, 1), b1.shape);
      const dW2 = tf.matMul(h, dOut, true, false);
      const db2 = tf.reshape(tf.sum(dOut, 1), b2.shape);
      return [...dW1, ...dSkip, db1, dW2, db2];
    };
    return { score: tf.squeeze(out, [2]), pullback };
  };
  return {
    params: [...W1, ...skip, b1, W2, b2],
    score: (indices) => tf.tidy(() => scoreWithPullback(indices).score),
    scoreWithPullback,
  };
}

export function createRewardMlp(shape: SeqShape, hidden: number, rngs: readonly Rng[]): RewardMlp {
  const mlp = createScoreMlp(featureSize(shape), 1, hidden, rngs);
  const encode = (prompts: tf.Tensor, tokens: tf.Tensor) => featureIndices(prompts, tokens, shape);
  const applyEncoded = (indices: tf.Tensor) => mlp.score([indices]);
  return {
    params: mlp.params,
    encode,
    applyEncoded,
    applyEncodedWithPullback: (indices) => mlp.scoreWithPullback([indices]),
    apply: (prompts, tokens) => tf.tidy(() => applyEncoded(encode(prompts, tokens))),
    dispose: () => tf.dispose(mlp.params),
  };
}
