/**
 * The pairwise preference model P_ψ(y ≻ y' | x): sees both responses, so unlike a
 * reward model it can represent cycles (a ≻ b ≻ c ≻ a). Antisymmetric by construction:
 * logit = f(y, y') − f(y', y), hence P_ψ(y ≻ y') + P_ψ(y' ≻ y) = 1 and P_ψ(y ≻ y) = ½.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';
import { featureIndices, featureSize } from './features';
import { createScoreMlp, differenceWithPullback, type ScoreWithPullback } from './reward_mlp';
import type { SeqShape } from './seq_net';

export interface PreferenceNet {
  readonly params: tf.Variable[];
  /** prompts [P, B], a and b tokens [P, B, T] → logit of P_ψ(a ≻ b | x), [P, B]. */
  logit(prompts: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor;
  /** The active feature indices of (x, y), [P, B, 1 + 2T]: a data set read many times encodes once. */
  encode(prompts: tf.Tensor, tokens: tf.Tensor): tf.Tensor;
  /** The logit from `encode`'s indices of a and b. */
  logitEncoded(a: tf.Tensor, b: tf.Tensor): tf.Tensor;
  /** `logitEncoded` with its pullback to `params` (call inside the caller's tidy). */
  logitEncodedWithPullback(a: tf.Tensor, b: tf.Tensor): ScoreWithPullback;
  dispose(): void;
}

export function createPreferenceMlp(shape: SeqShape, hidden: number, rngs: readonly Rng[]): PreferenceNet {
  const mlp = createScoreMlp(featureSize(shape), 2, hidden, rngs);
  const encode = (prompts: tf.Tensor, tokens: tf.Tensor) => featureIndices(prompts, tokens, shape);
  const logitEncodedWithPullback = (fa: tf.Tensor, fb: tf.Tensor) => differenceWithPullback(mlp.scoreWithPullback([fa, fb]), mlp.scoreWithPullback([fb, fa]));
  const logitEncoded = (fa: tf.Tensor, fb: tf.Tensor) => tf.tidy(() => logitEncodedWithPullback(fa, fb).score);
  return {
    params: mlp.params,
    encode,
    logitEncoded,
    logitEncodedWithPullback,
    logit: (prompts, a, b) => tf.tidy(() => logitEncoded(encode(prompts, a), encode(prompts, b))),
    dispose: () => tf.dispose(mlp.params),
  };
}
