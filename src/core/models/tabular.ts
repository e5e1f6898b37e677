/**
 * Tabular autoregressive network: one row of outputs per (prompt, prefix) node of the
 * response tree, Σ_{t<T} V^t nodes per prompt. As a policy (outDim = V) it can express
 * every distribution over responses; as a value head (outDim = 1) every state value.
 * This is the "tabular policy" whose PPO/DPO fixed points are checked against π*.
 */
import * as tf from '@tensorflow/tfjs-core';
import { variableFrom } from './init';
import { lookupRows, lookupRowsWithPullback, type SeqNet, type SeqShape } from './seq_net';

export function createTabularNet(shape: SeqShape, outDim: number, P: number): SeqNet {
  const { nPrompts, V, T } = shape;
  const offsets: number[] = [];
  let nodes = 0;
  for (let t = 0; t < T; t++) {
    offsets.push(nodes);
    nodes += V ** t;
  }
  const rows = nPrompts * nodes;
  // Zero logits: the untrained policy is uniform (SFT then fits the demonstrator).
  const table = variableFrom(tf.zeros([P, rows, outDim]));
  // prefixCode_t = Σ_{i<t} y_i·V^{t−1−i}, as a matmul with a fixed upper-triangular matrix.
  const powers = tf.tensor2d(
    Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, t) => (i < t ? V ** (t - 1 - i) : 0))),
  );
  const offsetRow = tf.tensor1d(offsets);

  const encode = (prompts: tf.Tensor, tokens: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const [, B] = prompts.shape;
      const code = tf.matMul(tf.reshape(tf.cast(tokens, 'float32'), [P * B, T]), powers);
      const node = tf.add(tf.add(tf.reshape(code, [P, B, T]), offsetRow), tf.reshape(tf.mul(tf.cast(prompts, 'float32'), nodes), [P, B, 1]));
      return tf.cast(tf.round(node), 'int32');
    });
  const applyEncoded = (node: tf.Tensor, params: readonly tf.Tensor[] = [table]): tf.Tensor => lookupRows(params[0], node, tf);
  const applyWithPullback = (node: tf.Tensor) => {
    const { out, pullback } = lookupRowsWithPullback(table, node, tf);
    return { out, pullback: (dOut: tf.Tensor) => [pullback(dOut)] };
  };

  return {
    params: [table],
    encode,
    applyEncoded,
    applyWithPullback,
    apply: (prompts, tokens, params) => tf.tidy(() => applyEncoded(encode(prompts, tokens), params)),
    dispose() {
      tf.dispose([table, powers, offsetRow]);
    },
  };
}
