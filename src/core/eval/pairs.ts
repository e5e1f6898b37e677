/**
 * The stage walk's pairs view: the first labelled pairs (x, y_w, y_l) an iteration of a
 * pairwise method trained on (DPO's minibatch, online DPO's judged samples, Chain of
 * Hindsight's relabelled pairs), with log π_θ of each response before and after the update
 * and under π_ref. The tensor half rides in the iteration's one readback; `readPairs` turns
 * the numbers back into plain data.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pairLogProbs } from '../math/logprobs';
import type { SeqNet } from '../models/seq_net';
import type { Task } from '../tasks/task';

/** Labelled pairs [P, B] prompts and [P, B, T] responses, as a method hands them out. */
export interface PairBatch {
  prompts: tf.Tensor;
  chosen: tf.Tensor;
  rejected: tf.Tensor;
}

/** One pair as the walk shows it; log-probabilities are of the whole response, log π(y|x). */
export interface PairView {
  prompt: string;
  chosen: string;
  rejected: string;
  chosenBefore: number;
  chosenAfter: number;
  chosenRef: number;
  rejectedBefore: number;
  rejectedAfter: number;
  rejectedRef: number;
}

const FIELDS = ['chosenBefore', 'chosenAfter', 'chosenRef', 'rejectedBefore', 'rejectedAfter', 'rejectedRef'] as const;

/**
 * Member 0's first k pairs, flat: prompts [k], y_w [k·T], y_l [k·T], then the six log-probability
 * vectors [k] in `FIELDS` order. `theta` is π_θ (`before` its parameters before the update),
 * `policy` the network whose `reference` parameters are π_ref.
 */
export function pairTensors(pairs: PairBatch, theta: SeqNet, before: readonly tf.Tensor[], policy: SeqNet, reference: readonly tf.Tensor[], k: number): tf.Tensor {
  return tf.tidy(() => {
    const [P, , T] = pairs.chosen.shape;
    const x = tf.slice(pairs.prompts, [0, 0], [P, k]);
    const [yw, yl] = [pairs.chosen, pairs.rejected].map((y) => tf.slice(y, [0, 0, 0], [P, k, T]));
    const first = (t: tf.Tensor) => tf.reshape(tf.slice(t, 0, 1), [-1]);
    // Before, after, π_ref: one forward pass over both responses each.
    const [[wBefore, lBefore], [wAfter, lAfter], [wRef, lRef]] = [
      pairLogProbs(theta, x, yw, yl, false, before),
      pairLogProbs(theta, x, yw, yl, false),
      pairLogProbs(policy, x, yw, yl, false, reference),
    ];
    const logps = [wBefore, wAfter, wRef, lBefore, lAfter, lRef]; // FIELDS order
    return tf.concat([x, yw, yl, ...logps].map((t) => tf.cast(first(t), 'float32')));
  });
}

export function readPairs(task: Task, data: ArrayLike<number>, k: number): PairView[] {
  const T = task.T;
  const response = (offset: number, i: number) => task.render(Array.from({ length: T }, (_, t) => Number(data[offset + i * T + t])));
  const numbersAt = k + 2 * k * T;
  return Array.from({ length: k }, (_, i) => {
    const view: PairView = { prompt: task.prompts[Number(data[i])], chosen: response(k, i), rejected: response(k + k * T, i), chosenBefore: 0, chosenAfter: 0, chosenRef: 0, rejectedBefore: 0, rejectedAfter: 0, rejectedRef: 0 };
    FIELDS.forEach((name, f) => (view[name] = Number(data[numbersAt + f * k + i])));
    return view;
  });
}
