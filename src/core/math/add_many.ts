import * as tf from '@tensorflow/tfjs-core';

/**
 * Σ ts (same shapes), a few at a time. WebGPU binds each AddN input as a storage buffer and
 * tfjs-webgpu 4.22 does not split a long list (Chromium allows 8 per shader, the output
 * included), so at most 7 go into one AddN.
 */
export function addMany(ts: readonly tf.Tensor[]): tf.Tensor {
  if (ts.length === 1) return ts[0];
  if (ts.length <= 7) return tf.addN([...ts]);
  return tf.tidy(() => {
    const partials: tf.Tensor[] = [];
    for (let i = 0; i < ts.length; i += 7) partials.push(addMany(ts.slice(i, i + 7)));
    return addMany(partials);
  });
}
