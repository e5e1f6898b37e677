import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { tokenLogProbs } from '../math/logprobs';
import { Rng } from '../rng';
import { useBackend } from '../testing';
import { useFusedKernels } from './array_kernel';
import { TOKEN_LOGP, TOKEN_LOGP_GRAD } from './fused_logprobs';

/** Logits [2, 5, 3, 7] spread over ±40 (so exp underflows for some), tokens, and an upstream gradient, seeded. */
function batch() {
  const rng = new Rng(3);
  const n = 2 * 5 * 3;
  const logits = tf.tensor4d(Array.from({ length: n * 7 }, () => 40 * (rng.uniform() - 0.5) * rng.uniform() ** 3), [2, 5, 3, 7]);
  const tokens = tf.tensor3d(Array.from({ length: n }, () => rng.int(7)), [2, 5, 3], 'int32');
  const dy = tf.tensor3d(Array.from({ length: n }, () => rng.normal()), [2, 5, 3]);
  return { logits, tokens, dy };
}

async function run(fused: boolean) {
  useFusedKernels(fused);
  const { logits, tokens, dy } = batch();
  const before = tf.memory().numTensors;
  const f = (z: tf.Tensor) => tf.sum(tf.mul(dy, tokenLogProbs(z, tokens)));
  const profile = await tf.profile(() => {
    const logp = tokenLogProbs(logits, tokens);
    const grad = tf.grad(f)(logits);
    return [logp, grad];
  });
  const kernels = profile.kernels.map((k) => k.name);
  tf.dispose(profile.result as tf.Tensor[]);
  const logp = tokenLogProbs(logits, tokens);
  const grad = tf.grad(f)(logits);
  const out = { logp: Array.from(await logp.data()), grad: Array.from(await grad.data()), kernels };
  tf.dispose([logp, grad]);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([logits, tokens, dy]);
  useFusedKernels(true);
  return out;
}

describe('fused log-softmax-gather', () => {
  afterAll(() => useBackend('wasm'));

  it('on CPU: bit for bit the composed ops, value and gradient, in one kernel each', async () => {
    await useBackend('cpu');
    const [fused, composed] = [await run(true), await run(false)];
    expect(fused.logp).toEqual(composed.logp);
    expect(fused.grad).toEqual(composed.grad);
    expect(fused.kernels).toContain(TOKEN_LOGP);
    expect(fused.kernels).toContain(TOKEN_LOGP_GRAD);
    expect(composed.kernels.length - fused.kernels.length).toBeGreaterThan(20);
  });

  it('on WASM: within a few float32 ulps of the composed ops', async () => {
    await useBackend('wasm');
    const [fused, composed] = [await run(true), await run(false)];
    fused.logp.forEach((x, i) => expect(Math.abs(x - composed.logp[i])).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(x))));
    fused.grad.forEach((x, i) => expect(Math.abs(x - composed.grad[i])).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(x))));
    expect(fused.kernels).toContain(TOKEN_LOGP);
  });
});
