/**
 * The written-out gradients PPO and RLOO chain by hand (pg_loop's writtenUpdate) against
 * autograd through the same functions: equal bit for bit piece by piece, so the chain is too.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tokenLogProbs, tokenLogProbsWithPullback } from '../math/logprobs';
import { ppoPolicyLoss, ppoPolicyLossWithGrad, ppoValueLoss, ppoValueLossWithGrad } from '../math/losses';
import { Rng } from '../rng';
import { createTabularNet } from './tabular';
import { createTransformer } from './transformer';
import type { SeqNet, SeqShape } from './seq_net';

const rng = new Rng(21);
const draw = (shape: number[], scale = 1) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => scale * rng.normal()), shape);
const ints = (shape: number[], max: number) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.int(max)), shape, 'int32');
const values = async (ts: tf.Tensor[]) => Promise.all(ts.map(async (t) => Array.from(await t.data())));

describe.each([
  ['tabular', { nPrompts: 3, V: 4, T: 2 }, (s: SeqShape) => createTabularNet(s, s.V, 2)],
  ['tabular with one prompt and one token (a one-row table)', { nPrompts: 1, V: 4, T: 1 }, (s: SeqShape) => createTabularNet(s, s.V, 2)],
  ['transformer', { nPrompts: 3, V: 4, T: 3 }, (s: SeqShape) => createTransformer(s, s.V, [new Rng(1), new Rng(2)], { dModel: 8, layers: 1 })],
] as const)('%s: applyWithPullback', (_, shape, make) => {
  it('gives applyEncoded’s output and autograd’s gradient, bit for bit', async () => {
    const net: SeqNet = make(shape);
    net.params.forEach((w) => w.assign(draw(w.shape, 0.5)));
    const inputs = net.encode(ints([2, 5], shape.nPrompts), ints([2, 5, shape.T], shape.V));
    const dOut = draw([2, 5, shape.T, shape.V]);
    const taped = tf.variableGrads(() => tf.sum(tf.mul(dOut, net.applyEncoded(inputs))) as tf.Scalar, net.params);
    const before = tf.memory().numTensors;
    const written = tf.tidy(() => {
      const { out, pullback } = net.applyWithPullback(inputs);
      return [out, ...pullback(dOut)];
    });
    expect(await values(written)).toEqual(await values([net.applyEncoded(inputs), ...net.params.map((p) => taped.grads[p.name])]));
    tf.dispose(written);
    expect(tf.memory().numTensors).toBe(before + 1); // the applyEncoded compared against
    tf.dispose([inputs, dOut, taped.value, ...Object.values(taped.grads)]);
    net.dispose();
  });
});

describe('the losses’ written gradients', () => {
  const logits = draw([2, 6, 3, 5], 2);
  const tokens = ints([2, 6, 3], 5);
  const logpOld = tf.sub(tokenLogProbs(logits, tokens), draw([2, 6, 3], 0.3));
  const A = draw([2, 6, 3]);
  const dy = tf.tensor1d([0.7, -1.3]);

  it('tokenLogProbsWithPullback: log π(y_t) and dlogp ↦ ∂/∂logits as autograd finds them', async () => {
    const up = draw([2, 6, 3]);
    const taped = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(up, tokenLogProbs(z, tokens))))(logits);
    const written = tf.tidy(() => {
      const { logp, pullback } = tokenLogProbsWithPullback(logits, tokens);
      return [logp, pullback(up)];
    });
    expect(await values(written)).toEqual(await values([tokenLogProbs(logits, tokens), taped]));
  });

  it('ppoPolicyLossWithGrad: the loss, its metrics, and dy·dLogp is autograd’s gradient', async () => {
    const logp = tokenLogProbs(logits, tokens);
    const taped = tf.grad((lp: tf.Tensor) => tf.sum(tf.mul(dy, ppoPolicyLoss(lp, logpOld, A, 0.2).loss)))(logp);
    const w = ppoPolicyLossWithGrad(logp, logpOld, A, 0.2);
    const plain = ppoPolicyLoss(logp, logpOld, A, 0.2);
    expect(await values([w.loss, w.clipfrac, w.approxKl, tf.mul(tf.reshape(dy, [2, 1, 1]), w.dLogp)])).toEqual(await values([plain.loss, plain.clipfrac, plain.approxKl, taped]));
    expect((await w.clipfrac.data()).every((c) => c > 0)).toBe(true); // some ratios clipped: both branches in play
  });

  it('ppoValueLossWithGrad: the loss, and dy·dValues is autograd’s gradient', async () => {
    const [V, Vold, R] = [draw([2, 6, 3]), draw([2, 6, 3]), draw([2, 6, 3])];
    const taped = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(dy, ppoValueLoss(v, Vold, R, 0.2))))(V);
    const w = ppoValueLossWithGrad(V, Vold, R, 0.2);
    expect(await values([w.loss, tf.mul(tf.reshape(dy, [2, 1, 1]), w.dValues)])).toEqual(await values([ppoValueLoss(V, Vold, R, 0.2), taped]));
  });
});

describe('applyBesideWithPullback: a policy and its value head in one stacked pass', () => {
  const shape = { nPrompts: 3, V: 4, T: 3 };
  const make = (outDim: number, seed: number, dModel = 8) => {
    const net = createTransformer(shape, outDim, [new Rng(seed), new Rng(seed + 1)], { dModel, layers: 1 });
    net.params.forEach((w) => w.assign(draw(w.shape, 0.5)));
    return net;
  };

  it('gives each network’s own output and gradient, bit for bit', async () => {
    const [policy, value] = [make(shape.V, 1), make(1, 7)];
    const inputs = policy.encode(ints([2, 5], shape.nPrompts), ints([2, 5, shape.T], shape.V));
    const [dPolicy, dValue] = [draw([2, 5, shape.T, shape.V]), draw([2, 5, shape.T, 1])];
    const before = tf.memory().numTensors;
    const paired = tf.tidy(() => {
      const both = policy.applyBesideWithPullback!(value, inputs)!;
      return [...both.outs, ...both.pullback([dPolicy, dValue]).flat()];
    });
    const separate = tf.tidy(() => {
      const [p, v] = [policy.applyWithPullback(inputs), value.applyWithPullback(inputs)];
      return [p.out, v.out, ...p.pullback(dPolicy), ...v.pullback(dValue)];
    });
    expect(paired).toHaveLength(2 + policy.params.length + value.params.length);
    expect(await values(paired)).toEqual(await values(separate));
    tf.dispose([...paired, ...separate]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([inputs, dPolicy, dValue]);
    [policy, value].forEach((n) => n.dispose());
  });

  it('declines a network of another architecture', () => {
    const [policy, wider] = [make(shape.V, 1), make(1, 7, 16)];
    const inputs = policy.encode(ints([2, 5], shape.nPrompts), ints([2, 5, shape.T], shape.V));
    expect(policy.applyBesideWithPullback!(wider, inputs)).toBeNull();
    tf.dispose(inputs);
    [policy, wider].forEach((n) => n.dispose());
  });
});
