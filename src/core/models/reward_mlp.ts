/**
 * The reward model r_φ(x, y): an MLP with a linear skip over one-hot features
 * [x] ⊕ [y_t at position t] ⊕ [(x, y_t) at position t]. On a one-step bandit the
 * (x, y) block makes it exactly tabular; on sequences it can only add per-position
 * credit, so like a real reward model it generalises, and errs, off the data.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';
import { memberNormal, variableFrom } from './init';
import type { SeqShape } from './seq_net';

export interface RewardNet {
  readonly params: tf.Variable[];
  /** prompts [P, B], tokens [P, B, T] → r_φ [P, B]. */
  apply(prompts: tf.Tensor, tokens: tf.Tensor): tf.Tensor;
  dispose(): void;
}

export function createRewardMlp(shape: SeqShape, hidden: number, rngs: readonly Rng[]): RewardNet {
  const P = rngs.length;
  const { nPrompts, V, T } = shape;
  const F = nPrompts + T * V + T * nPrompts * V;
  const init = (dims: number[], std: number): tf.Variable => variableFrom(memberNormal(rngs, dims, std), true);
  const W1 = init([P, F, hidden], 0.3);
  const b1 = variableFrom(tf.zeros([P, 1, hidden]), true);
  const W2 = init([P, hidden, 1], 0.1);
  const wSkip = variableFrom(tf.zeros([P, F, 1]), true);
  const b2 = variableFrom(tf.zeros([P, 1, 1]), true);
  const params = [W1, b1, W2, wSkip, b2];

  return {
    params,
    apply(prompts, tokens) {
      return tf.tidy(() => {
        const [, B] = prompts.shape;
        const x = tf.cast(prompts, 'int32');
        const y = tf.cast(tokens, 'int32');
        const xy = tf.add(tf.mul(tf.reshape(x, [P, B, 1]), tf.scalar(V, 'int32')), y);
        const features = tf.concat(
          [
            tf.reshape(tf.oneHot(tf.reshape(x, [-1]), nPrompts), [P, B, nPrompts]),
            tf.reshape(tf.oneHot(tf.reshape(y, [-1]), V), [P, B, T * V]),
            tf.reshape(tf.oneHot(tf.reshape(xy, [-1]), nPrompts * V), [P, B, T * nPrompts * V]),
          ],
          2,
        );
        const h = tf.relu(tf.add(tf.matMul(features, W1), b1));
        const r = tf.add(tf.add(tf.matMul(h, W2), tf.matMul(features, wSkip)), b2);
        return tf.reshape(r, [P, B]);
      });
    },
    dispose() {
      tf.dispose(params);
    },
  };
}
