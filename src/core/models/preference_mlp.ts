/**
 * The pairwise preference model P_ψ(y ≻ y' | x): sees both responses, so unlike a
 * reward model it can represent cycles (a ≻ b ≻ c ≻ a). Antisymmetric by construction:
 * logit = f(y, y') − f(y', y), hence P_ψ(y ≻ y') + P_ψ(y' ≻ y) = 1 and P_ψ(y ≻ y) = ½.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';
import { featureIndices, featureSize } from './features';
import { createScoreMlp } from './reward_mlp';
import type { SeqShape } from './seq_net';

export interface PreferenceNet {
  readonly params: tf.Variable[];
  /** prompts [P, B], a and b tokens [P, B, T] → logit of P_ψ(a ≻ b | x), [P, B]. */
  logit(prompts: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor;
  dispose(): void;
}

export function createPreferenceMlp(shape: SeqShape, hidden: number, rngs: readonly Rng[]): PreferenceNet {
  const mlp = createScoreMlp(featureSize(shape), 2, hidden, rngs);
  return {
    params: mlp.params,
    logit: (prompts, a, b) =>
      tf.tidy(() => {
        const fa = featureIndices(prompts, a, shape);
        const fb = featureIndices(prompts, b, shape);
        return tf.sub(mlp.score([fa, fb]), mlp.score([fb, fa]));
      }),
    dispose: () => tf.dispose(mlp.params),
  };
}
