/** Parameter initialisation on the population axis. */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';

/**
 * Normal(0, std²) tensor of shape [P, ...rest], member p's slice drawn from rngs[p]:
 * members sharing a seed (a β sweep) start from identical weights.
 */
export function memberNormal(rngs: readonly Rng[], dims: number[], std: number): tf.Tensor {
  const per = dims.slice(1).reduce((a, b) => a * b, 1);
  const values = new Float32Array(rngs.length * per);
  rngs.forEach((rng, p) => values.set(rng.normalArray(per, std), p * per));
  return tf.tensor(values, dims);
}

/** A variable initialised from `value`, which it takes over (tf.variable copies, leaving the original to free). */
export function variableFrom(value: tf.Tensor, trainable = true): tf.Variable {
  const v = tf.variable(value, trainable);
  value.dispose();
  return v;
}
