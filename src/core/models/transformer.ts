/**
 * A tiny causal transformer on the population axis (Vaswani et al. 2017; pre-norm as in
 * GPT-2). Position 0 reads the prompt embedding, position t ≥ 1 reads y_{t−1}; output t
 * predicts y_t, so the causal mask gives output t exactly the prompt and y_<t.
 * Every weight is [P, ...]; batched matMuls train P independent networks in one program.
 * Single-head attention: at d ≈ 32 and T ≤ 8, more heads buy nothing here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';
import { asInt32, oneHotFloat } from '../math/one_hot';
import { memberNormal, variableFrom } from './init';
import type { PairedPullback, SeqNet, SeqShape } from './seq_net';

export interface TransformerOptions {
  dModel: number;
  layers: number;
}

/** `writtenGradient: false` leaves the gradient to autograd, op by op (the reference the written one is tested against). */
export function createTransformer(shape: SeqShape, outDim: number, rngs: readonly Rng[], opts: TransformerOptions, writtenGradient = true): SeqNet {
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

  /** x / √(mean x² + 1e-5) (x̂, kept with the root for the gradient) and x̂·g. */
  const rmsNorm = (x: tf.Tensor, gain: tf.Tensor): { xhat: tf.Tensor; root: tf.Tensor; y: tf.Tensor } => {
    const root = tf.sqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-5));
    const xhat = tf.div(x, root);
    return { xhat, root, y: tf.mul(xhat, gain) };
  };

  // Input of each position: the prompt at position 0, y_{t−1} after.
  const encode = (prompts: tf.Tensor, tokens: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const [, B] = prompts.shape;
      const first = tf.reshape(asInt32(prompts), [P, B, 1]);
      return T === 1 ? first : tf.concat([first, tf.slice(asInt32(tokens), [0, 0, 0], [P, B, T - 1])], 2);
    });

  /** One-hot rows of an embedding table for the inputs at positions [from, from + count): [M, B·count, rows], or null for a one-row table (a broadcast). */
  const hotRows = (inputs: tf.Tensor, from: number, count: number, rows: number): tf.Tensor | null => {
    const [M, B] = inputs.shape;
    return rows === 1 ? null : oneHotFloat(tf.reshape(tf.slice(inputs, [0, 0, from], [M, B, count]), [M, -1]), rows);
  };
  const lookup = (hot: tf.Tensor | null, table: tf.Tensor, rowsOut: number): tf.Tensor => (hot ? tf.matMul(hot, table) : tf.mul(tf.ones([table.shape[0], rowsOut, 1]), table));

  /**
   * Everything but the head's projection, for the M members of `inputs` [M, B, T] (P, or 2P
   * when two networks run side by side): the final norm's output [M, N, d] and what the
   * gradient reads (in the order `trunkBackward` takes it). `w`: all parameters; the last two
   * (the head's W_out, b_out) are not read.
   */
  const trunk = (inputs: tf.Tensor, w: readonly tf.Tensor[], keep?: tf.Tensor): { y: tf.Tensor; saved: tf.Tensor[] } => {
    const [P, B] = inputs.shape; // the members of this pass: P, or 2P side by side
    const N = B * T;
    const bias = keep ? tf.add(mask, forgetBias(keep, P * B, T)) : mask;
    const [tokEmb, promptEmb, posEmb] = w;
    // Two lookups, not one in concat(promptEmb, tokEmb): the forward pass keeps the numbers it has
    // always computed, so sampling and evaluation of a given policy do not move.
    const hotPrompt = hotRows(inputs, 0, 1, nPrompts);
    const hotToken = T > 1 ? hotRows(inputs, 1, T - 1, V) : null;
    const embedded = [tf.reshape(lookup(hotPrompt, promptEmb, B), [P, B, 1, d])];
    if (hotToken) embedded.push(tf.reshape(lookup(hotToken, tokEmb, B * (T - 1)), [P, B, T - 1, d]));
    let x: tf.Tensor = tf.add(embedded.length > 1 ? tf.concat(embedded, 2) : embedded[0], tf.reshape(posEmb, [P, 1, T, d]));
    x = tf.reshape(x, [P, N, d]);
    const saved: tf.Tensor[] = [...(hotPrompt ? [hotPrompt] : []), ...(hotToken ? [hotToken] : [])];
    for (let l = 0; l < opts.layers; l++) {
      const [g1, Wq, Wk, Wv, Wo, g2, W1, b1, W2, b2] = w.slice(3 + 10 * l, 13 + 10 * l);
      const n1 = rmsNorm(x, g1);
      const q = tf.reshape(tf.matMul(n1.y, Wq), [P * B, T, d]);
      const k = tf.reshape(tf.matMul(n1.y, Wk), [P * B, T, d]);
      const v = tf.reshape(tf.matMul(n1.y, Wv), [P * B, T, d]);
      const att = tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), bias));
      const a = tf.reshape(tf.matMul(att, v), [P, N, d]);
      x = tf.add(x, tf.matMul(a, Wo));
      const n2 = rmsNorm(x, g2);
      const u = tf.relu(tf.add(tf.matMul(n2.y, W1), b1));
      x = tf.add(x, tf.add(tf.matMul(u, W2), b2));
      saved.push(n1.xhat, n1.root, n1.y, q, k, v, att, a, n2.xhat, n2.root, n2.y, u);
    }
    const nf = rmsNorm(x, w[w.length - 3]);
    saved.push(nf.xhat, nf.root, nf.y);
    return { y: nf.y, saved };
  };

  /** The head: y [M, N, d] → [M, B, T, width of W_out]. */
  const head = (y: tf.Tensor, Wout: tf.Tensor, bout: tf.Tensor, B: number): tf.Tensor => tf.reshape(tf.add(tf.matMul(y, Wout), bout), [y.shape[0], B, T, Wout.shape[2] as number]);

  /** The forward pass, and what its gradient reads (in the order `backward` takes it). */
  const forward = (inputs: tf.Tensor, w: readonly tf.Tensor[], keep?: tf.Tensor): { out: tf.Tensor; saved: tf.Tensor[] } => {
    const { y, saved } = trunk(inputs, w, keep);
    return { out: head(y, w[w.length - 2], w[w.length - 1], inputs.shape[1] as number), saved };
  };

  /** ∂/∂y·g and ∂/∂x of y = x̂·g, x̂ = x/√(mean x² + ε): dx = (dx̂ − x̂·mean(dx̂·x̂))/√(mean x² + ε). */
  const rmsNormGrad = (dy: tf.Tensor, xhat: tf.Tensor, root: tf.Tensor, gain: tf.Tensor): { dx: tf.Tensor; dgain: tf.Tensor } => {
    const dxhat = tf.mul(dy, gain);
    return { dgain: tf.sum(tf.mul(dy, xhat), 1, true), dx: tf.div(tf.sub(dxhat, tf.mul(xhat, tf.mean(tf.mul(dxhat, xhat), -1, true))), root) };
  };
  /** y = x·W (+ b), batched per member: ∂/∂x, ∂/∂W and (for a bias broadcast over rows) ∂/∂b. */
  const linearGrad = (dy: tf.Tensor, x: tf.Tensor, W: tf.Tensor) => ({ dx: tf.matMul(dy, W, false, true), dW: tf.matMul(x, dy, true, false), db: tf.sum(dy, 1, true) });

  /** The head's gradient from the output's: ∂/∂y (the trunk's output) and ∂/∂W_out, ∂/∂b_out. */
  const headGrad = (dOut: tf.Tensor, y: tf.Tensor, Wout: tf.Tensor) => linearGrad(tf.reshape(dOut, y.shape.slice(0, 2).concat(Wout.shape[2] as number)), y, Wout);

  /** The gradient of every parameter (in `params` order) from the output's, written out layer by layer. */
  const backward = (dOut: tf.Tensor, saved: tf.Tensor[], w: readonly tf.Tensor[], B: number): tf.Tensor[] => {
    const h = headGrad(dOut, saved[saved.length - 1], w[w.length - 2]);
    return [...trunkBackward(h.dx, saved, w, B), h.dW, h.db];
  };

  /** The trunk's parameters' gradients (all but the head's two) from its output's, dy [M, N, d]. */
  const trunkBackward = (dy: tf.Tensor, saved: tf.Tensor[], w: readonly tf.Tensor[], B: number): tf.Tensor[] => {
    const P = dy.shape[0]; // the members of this pass: P, or 2P side by side
    const N = B * T;
    let i = 0;
    const hotPrompt = nPrompts > 1 ? saved[i++] : null;
    const hotToken = T > 1 ? saved[i++] : null;
    const layers = Array.from({ length: opts.layers }, () => saved.slice(i, (i += 12)));
    const [xhatF, rootF] = saved.slice(i);
    const grads: tf.Tensor[] = new Array(w.length - 2);
    const final = rmsNormGrad(dy, xhatF, rootF, w[w.length - 3]);
    grads[w.length - 3] = final.dgain;
    let dx = final.dx;
    for (let l = opts.layers - 1; l >= 0; l--) {
      const [g1, Wq, Wk, Wv, Wo, g2, W1, , W2] = w.slice(3 + 10 * l, 13 + 10 * l);
      const [xhat1, root1, y1, q, k, v, att, a, xhat2, root2, y2, u] = layers[l];
      // x ← x + (relu(y₂W₁ + b₁)W₂ + b₂), y₂ = norm₂(x)
      const mlpOut = linearGrad(dx, u, W2);
      const mlpIn = linearGrad(tf.mul(mlpOut.dx, tf.step(u)), y2, W1);
      const n2 = rmsNormGrad(mlpIn.dx, xhat2, root2, g2);
      dx = tf.add(dx, n2.dx);
      // x ← x + softmax(qkᵀ/√d + bias)·v·W_o, q, k, v = norm₁(x)·W_{q,k,v}
      const proj = linearGrad(dx, a, Wo);
      const da = tf.reshape(proj.dx, [P * B, T, d]);
      const dAtt = tf.matMul(da, v, false, true);
      const dScores = tf.div(tf.mul(att, tf.sub(dAtt, tf.sum(tf.mul(dAtt, att), -1, true))), Math.sqrt(d));
      const flat = (t: tf.Tensor) => tf.reshape(t, [P, N, d]);
      const dq = linearGrad(flat(tf.matMul(dScores, k)), y1, Wq);
      const dk = linearGrad(flat(tf.matMul(dScores, q, true, false)), y1, Wk);
      const dv = linearGrad(flat(tf.matMul(att, da, true, false)), y1, Wv);
      const n1 = rmsNormGrad(tf.add(tf.add(dq.dx, dk.dx), dv.dx), xhat1, root1, g1);
      dx = tf.add(dx, n1.dx);
      grads.splice(3 + 10 * l, 10, n1.dgain, dq.dW, dk.dW, dv.dW, proj.dW, n2.dgain, mlpIn.dW, mlpIn.db, mlpOut.dW, mlpOut.db);
    }
    // x = [promptEmb[x]; tokEmb[y_<T]] + posEmb
    const dx4 = tf.reshape(dx, [P, B, T, d]);
    grads[2] = tf.sum(dx4, 1);
    const dPrompt = tf.reshape(tf.slice(dx4, [0, 0, 0, 0], [P, B, 1, d]), [P, B, d]);
    grads[1] = hotPrompt ? tf.matMul(hotPrompt, dPrompt, true, false) : tf.sum(dPrompt, 1, true);
    grads[0] = hotToken ? tf.matMul(hotToken, tf.reshape(tf.slice(dx4, [0, 0, 1, 0], [P, B, T - 1, d]), [P, B * (T - 1), d]), true, false) : tf.zerosLike(w[0]);
    return grads;
  };

  /**
   * The network as one differentiable op whose gradient is written out (`backward`) instead of
   * taped op by op: the same forward numbers, a third of the kernels for the gradient (no tape
   * clones, no casts, no broadcast bookkeeping), and the tape holds only what `backward` reads.
   */
  const applyEncoded = (inputs: tf.Tensor, w: readonly tf.Tensor[] = params, keep?: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      if (!writtenGradient) return forward(inputs, w, keep).out;
      const [, B] = inputs.shape;
      const net = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
        const save = args.pop() as tf.GradSaveFunc;
        const { out, saved } = forward(inputs, args as tf.Tensor[], keep);
        save(saved);
        return { value: out, gradFunc: (dy: tf.Tensor | tf.Tensor[], s: tf.Tensor[]) => backward(dy as tf.Tensor, s, w, B) };
      });
      return net(...w);
    });

  const applyWithPullback = (inputs: tf.Tensor) => {
    const { out, saved } = forward(inputs, params);
    return { out, pullback: (dOut: tf.Tensor) => backward(dOut, saved, params, inputs.shape[1] as number) };
  };

  const applyBesideWithPullback = (other: SeqNet, inputs: tf.Tensor): PairedPullback | null => {
    const k = params.length - 2;
    const theirs = other.params;
    if (theirs.length !== params.length || theirs.slice(0, k).some((t, i) => t.shape.join() !== params[i].shape.join())) return null;
    const B = inputs.shape[1] as number;
    const w = [...params.slice(0, k).map((mine, i) => tf.concat([mine, theirs[i]], 0)), ...params.slice(k)];
    const { y, saved } = trunk(tf.concat([inputs, inputs], 0), w);
    const ys = tf.split(y, 2, 0);
    const nets = [params, theirs];
    return {
      outs: [head(ys[0], params[k], params[k + 1], B), head(ys[1], theirs[k], theirs[k + 1], B)],
      pullback: (dOuts) => {
        const heads = dOuts.map((dOut, j) => headGrad(dOut, ys[j], nets[j][k]));
        const trunkGrads = trunkBackward(tf.concat([heads[0].dx, heads[1].dx], 0), saved, w, B).map((g) => tf.split(g, 2, 0));
        return [0, 1].map((j) => [...trunkGrads.map((g) => g[j]), heads[j].dW, heads[j].db]) as [tf.Tensor[], tf.Tensor[]];
      },
    };
  };

  return {
    params,
    encode,
    applyEncoded,
    applyWithPullback,
    applyBesideWithPullback,
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
