import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // registers the gradients (autograd is the reference here)
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { createTransformer } from './transformer';
import type { SeqShape } from './seq_net';

/** Two members' parameters randomised (the head starts at zero), inputs and an upstream gradient, all seeded. */
function setup(shape: SeqShape, outDim: number, layers: number, written: boolean) {
  const net = createTransformer(shape, outDim, [new Rng(1), new Rng(2)], { dModel: 8, layers }, written);
  const rng = new Rng(5);
  const draw = (dims: number[], scale: number) => tf.tensor(Array.from({ length: dims.reduce((a, b) => a * b) }, () => scale * rng.normal()), dims);
  net.params.forEach((w) => w.assign(draw(w.shape, 0.4)));
  const B = 5;
  const prompts = tf.tensor2d(Array.from({ length: 2 * B }, () => rng.int(shape.nPrompts)), [2, B], 'int32');
  const tokens = tf.tensor3d(Array.from({ length: 2 * B * shape.T }, () => rng.int(shape.V)), [2, B, shape.T], 'int32');
  const keep = tf.tensor3d(Array.from({ length: 2 * B * shape.T }, (_, i) => (i % shape.T === 0 || rng.uniform() < 0.6 ? 1 : 0)), [2, B, shape.T]);
  const dy = draw([2, B, shape.T, outDim], 1);
  return { net, prompts, tokens, keep, dy };
}

/** Σ dy·net(x) differentiated with respect to every parameter, with and without forgetful masking. */
async function gradients(shape: SeqShape, outDim: number, layers: number, written: boolean, masked: boolean) {
  const { net, prompts, tokens, keep, dy } = setup(shape, outDim, layers, written);
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(dy, net.apply(prompts, tokens, undefined, masked ? keep : undefined))) as tf.Scalar, net.params);
  // Autograd leaves out a parameter the output does not read (T = 1: the token embedding): its gradient is zero.
  const out = { value: (await value.data())[0], grads: await Promise.all(net.params.map(async (p) => (grads[p.name] ? Array.from(await grads[p.name].data()) : new Array<number>(p.size).fill(0)))) };
  tf.dispose([value, ...Object.values(grads)]);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([prompts, tokens, keep, dy]);
  net.dispose();
  return out;
}

describe('transformer: the written-out gradient', () => {
  it.each([
    ['one layer', { nPrompts: 3, V: 4, T: 3 }, 4, 1, false],
    ['two layers, a value head', { nPrompts: 3, V: 4, T: 3 }, 1, 2, false],
    ['forgetful causal masking', { nPrompts: 3, V: 4, T: 4 }, 4, 1, true],
    ['one prompt (the broadcast lookup)', { nPrompts: 1, V: 4, T: 3 }, 4, 1, false],
    ['one token (no token embedding is read)', { nPrompts: 2, V: 3, T: 1 }, 3, 1, false],
  ] as const)('%s: equals autograd through the same forward pass, parameter by parameter', async (_, shape, outDim, layers, masked) => {
    const written = await gradients(shape, outDim, layers, true, masked);
    const taped = await gradients(shape, outDim, layers, false, masked);
    expect(written.value).toBe(taped.value); // the forward pass is the same ops
    written.grads.forEach((g, i) => {
      const scale = Math.max(1e-3, ...taped.grads[i].map(Math.abs));
      g.forEach((x, j) => expect(Math.abs(x - taped.grads[i][j])).toBeLessThanOrEqual(2e-5 * scale));
    });
    // Every parameter the output depends on gets a gradient; at T = 1 no token embedding is read,
    // and attention over one position is 1 whatever W_q and W_k are.
    expect(written.grads.filter((g) => g.some((x) => x !== 0)).length).toBe(shape.T === 1 ? written.grads.length - 3 : written.grads.length);
  });

  it('takes under 60% of the kernels autograd takes, and fewer that dispatch work', async () => {
    const count = async (written: boolean) => {
      const { net, prompts, tokens, dy } = setup({ nPrompts: 3, V: 4, T: 3 }, 4, 1, written);
      const profile = await tf.profile(() => tf.variableGrads(() => tf.sum(tf.mul(dy, net.apply(prompts, tokens))) as tf.Scalar, net.params));
      const result = profile.result as { value: tf.Tensor; grads: tf.NamedTensorMap };
      tf.dispose([result.value, ...Object.values(result.grads), prompts, tokens, dy]);
      net.dispose();
      const names = profile.kernels.map((k) => k.name);
      return { kernels: names.length, dispatches: names.filter((n) => n !== 'Identity' && n !== 'Reshape').length };
    };
    const [written, taped] = [await count(true), await count(false)];
    // Here 164 against 301, and 118 against 163 that dispatch (no tape clones, casts or broadcast bookkeeping).
    expect(written.kernels).toBeLessThan(0.6 * taped.kernels);
    expect(written.dispatches).toBeLessThan(0.8 * taped.dispatches);
  });
});
