/**
 * A tiny causal transformer on the population axis (Vaswani et al. 2017; pre-norm as in
 * GPT-2). Position 0 reads the prompt embedding, position t ≥ 1 reads y_{t−1}; output t
 * predicts y_t, so the causal mask gives output t exactly the prompt and y_<t.
 * Every weight is [P, ...]; batched matMuls train P independent networks in one program.
 * Single-head attention: at d ≈ 32 and T ≤ 8, more heads buy nothing here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';
import { asInt32 } from '../math/one_hot';
import { memberNormal, variableFrom } from './init';
import { lookupRows, type SeqNet, type SeqShape } from './seq_net';

export interface TransformerOptions {
  dModel: number;
  layers: number;
}

export function createTransformer(shape: SeqShape, outDim: number, rngs: readonly Rng[], opts: TransformerOptions): SeqNet {
  const P = rngs.length;
  const { nPrompts, V, T } = shape;
  const d = opts.dModel;
  const dff = 4 * d;
  const init = (dims: number[], std: number): tf.Variable => variableFrom(memberNormal(rngs, dims, std), true);
  const zeros = (dims: number[]): tf.Variable => variableFrom(tf.zeros(dims), true);
  const ones = (dims: number[]): tf.Variable => variableFrom(tf.ones(dims), true);

  const params: tf.Variable[] = [init([P, V, d], 0.3), init([P, nPrompts, d], 0.3), init([P, T, d], 0.1)];
  for (let l = 0; l < opts.layers; l++) {
    params.push(
      ones([P, 1, d]), // norm 1 gain
      init([P, d, d], 1 / Math.sqrt(d)), // W_q
      init([P, d, d], 1 / Math.sqrt(d)), // W_k
      init([P, d, d], 1 / Math.sqrt(d)), // W_v
      init([P, d, d], 0.5 / Math.sqrt(d)), // W_o
      ones([P, 1, d]), // norm 2 gain
      init([P, d, dff], 1 / Math.sqrt(d)), // W_1
      zeros([P, 1, dff]), // b_1
      init([P, dff, d], 0.5 / Math.sqrt(dff)), // W_2
      zeros([P, 1, d]), // b_2
    );
  }
  // Zero head: the untrained network outputs 0 (a uniform policy, a zero value).
  params.push(ones([P, 1, d]), zeros([P, d, outDim]), zeros([P, 1, outDim]));

  const mask = tf.tensor2d(Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => (j <= i ? 0 : -1e9))));

  const rmsNorm = (x: tf.Tensor, gain: tf.Tensor): tf.Tensor =>
    tf.mul(tf.div(x, tf.sqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-5))), gain);

  // Input of each position: the prompt at position 0, y_{t−1} after.
  const encode = (prompts: tf.Tensor, tokens: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const [, B] = prompts.shape;
      const first = tf.reshape(asInt32(prompts), [P, B, 1]);
      return T === 1 ? first : tf.concat([first, tf.slice(asInt32(tokens), [0, 0, 0], [P, B, T - 1])], 2);
    });

  const applyEncoded = (inputs: tf.Tensor, w: readonly tf.Tensor[] = params, keep?: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const [, B] = inputs.shape;
      const N = B * T;
      const bias = keep ? tf.add(mask, forgetBias(keep, P * B, T)) : mask;
      let i = 0;
      const next = (): tf.Tensor => w[i++];
      const [tokEmb, promptEmb, posEmb] = [next(), next(), next()];
      // Two lookups, not one in concat(promptEmb, tokEmb): the embedding gradients then sum in the same
      // order as before encodings existed, so SFT, and every preparation made from it, keeps its numbers.
      const embedded = [lookupRows(promptEmb, tf.slice(inputs, [0, 0, 0], [P, B, 1]), tf)];
      if (T > 1) embedded.push(lookupRows(tokEmb, tf.slice(inputs, [0, 0, 1], [P, B, T - 1]), tf));
      let x: tf.Tensor = tf.add(embedded.length > 1 ? tf.concat(embedded, 2) : embedded[0], tf.reshape(posEmb, [P, 1, T, d]));
      x = tf.reshape(x, [P, N, d]);
      for (let l = 0; l < opts.layers; l++) {
        const [g1, Wq, Wk, Wv, Wo, g2, W1, b1, W2, b2] = Array.from({ length: 10 }, next);
        const h = rmsNorm(x, g1);
        const q = tf.reshape(tf.matMul(h, Wq), [P * B, T, d]);
        const k = tf.reshape(tf.matMul(h, Wk), [P * B, T, d]);
        const v = tf.reshape(tf.matMul(h, Wv), [P * B, T, d]);
        const att = tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), bias));
        const a = tf.reshape(tf.matMul(att, v), [P, N, d]);
        x = tf.add(x, tf.matMul(a, Wo));
        const h2 = rmsNorm(x, g2);
        x = tf.add(x, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(h2, W1), b1)), W2), b2));
      }
      const [gf, Wout, bout] = [next(), next(), next()];
      const out = tf.add(tf.matMul(rmsNorm(x, gf), Wout), bout);
      return tf.reshape(out, [P, B, T, outDim]);
    });

  return {
    params,
    encode,
    applyEncoded,
    apply: (prompts, tokens, w, keep) => tf.tidy(() => applyEncoded(encode(prompts, tokens), w, keep)),
    dispose() {
      tf.dispose([...params, mask]);
    },
  };
}

/**
 * The additive attention bias of forgetful causal masking: −1e9 where key j is dropped for
 * every query of its sequence, except the diagonal (a position always reads its own input)
 * and key 0, which the caller's `keep` always holds at 1. keep [P, B, T] → [P·B, T, T].
 */
function forgetBias(keep: tf.Tensor, rows: number, T: number): tf.Tensor {
  return tf.tidy(() => {
    const visible = tf.maximum(tf.reshape(keep, [rows, 1, T]), tf.eye(T));
    return tf.mul(tf.sub(1, visible), -1e9);
  });
}
