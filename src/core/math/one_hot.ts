/**
 * float32 one-hot vectors that are right on every backend.
 *
 * Two tfjs 4.22 bugs meet here: on WebGPU, an int32 one-hot that is later summed hits an
 * int transpose with mismatched WGSL types, so one-hots are made as float32; but the WASM
 * backend's OneHot kernel ignores the dtype and writes the integer 1 into the float buffer
 * (it reads back as 1.4e-45), which silently zeroes every log-probability and lookup. On
 * WASM the one-hot is therefore made as int32 and cast.
 */
import * as tf from '@tensorflow/tfjs-core';

/** indices (any shape, integer-valued) → float32 one-hot [..., depth]. */
export function oneHotFloat(indices: tf.Tensor, depth: number): tf.Tensor {
  return tf.tidy(() => {
    const int = asInt32(indices);
    return tf.getBackend() === 'wasm' ? tf.cast(tf.oneHot(int, depth), 'float32') : tf.oneHot(int, depth, 1, 0, 'float32');
  });
}

/** `x` as int32, without a (no-op, but taped and counted) Cast when it already is. */
export function asInt32(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'int32' ? x : tf.cast(x, 'int32');
}
