/**
 * The preparation's preference data: pairs of responses drawn from π_ref, labelled by the
 * simulated annotator pool (AlpacaFarm §3), and your own labels (alone or before the pool's),
 * split into training and held-out sets.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeqNet } from '../models/seq_net';
import { drawMinibatch, drawPrompts, sampleResponses, streams, takeRows, type Population } from '../population';
import type { Rng } from '../rng';
import { labelPairs, type Comparison } from '../tasks/annotators';
import { goldPrefers, hasGold, type Task } from '../tasks/task';
import { yourComparisons, type YourLabel } from '../your_labels';

/** Labelled pairs as tensors: the labelled winner and loser per member, [P, n, ...]. */
export interface PairTensors {
  prompts: tf.Tensor;
  chosen: tf.Tensor;
  rejected: tf.Tensor;
}

export interface Feedback {
  /** Per member: all labelled comparisons (training first, then held out). */
  comparisons: Comparison[][];
  train: PairTensors;
  test: PairTensors;
  /** The held-out pairs relabelled by the gold preference (a gold tie keeps the annotator's label; no gold: as labelled). */
  testGold: PairTensors;
}

/** Draws `n` pairs per member from π_ref and labels them (one readback). */
export async function collectFeedback(pop: Population, policy: SeqNet, reference: readonly tf.Tensor[]): Promise<Feedback> {
  if (pop.task.data) return feedbackFrom(pop, fileComparisons(pop, pop.task.data.pairs));
  const { yours } = pop.config.feedback;
  const mine = yours ? yourComparisons(pop.task, yours.labels as YourLabel[]) : [];
  // Alone: your labels are the farm, for every member. Mixed: yours first, so they all land in
  // the training split, then the pool's (the held-out split comes from the end).
  if (yours?.use === 'alone') return feedbackFrom(pop, pop.members.map(() => mine));
  const pool = await poolFeedback(pop, policy, reference);
  return feedbackFrom(pop, pool.map((list) => [...mine, ...list]));
}

/** The simulated pool's comparisons per member: pairs drawn from π_ref, labelled (one readback). */
async function poolFeedback(pop: Population, policy: SeqNet, reference: readonly tf.Tensor[]): Promise<Comparison[][]> {
  const { comparisons: n, labelNoise } = pop.config.feedback;
  const { T } = pop.shape;
  const rngs = streams(pop, 'rm/pairs');
  const prompts = drawPrompts(pop, rngs, n);
  const promptsTwice = tf.concat([prompts, prompts], 1);
  const tokens = sampleResponses(pop, rngs, policy, promptsTwice, reference);
  const [xs, ys] = await Promise.all([prompts.data(), tokens.data()]);
  tf.dispose([prompts, promptsTwice, tokens]);
  const labelRngs = streams(pop, 'rm/labels');
  return pop.members.map((_, p) => {
    const at = (j: number) => Array.from(ys.subarray((p * 2 * n + j) * T, (p * 2 * n + j + 1) * T));
    const pairs = Array.from({ length: n }, (_, i) => ({ x: xs[p * n + i], first: at(i), second: at(n + i) }));
    return labelPairs(pop.task, pairs, labelNoise, labelRngs[p]);
  });
}

/**
 * A task from your data: its rows are the comparisons (chosen shown first), in an order shuffled
 * with each member's stream so that the held-out split is a random part of the file.
 */
function fileComparisons(pop: Population, rows: NonNullable<Task['data']>['pairs']): Comparison[][] {
  return streams(pop, 'data/order').map((rng) =>
    Array.from(rng.permutation(rows.length), (i) => {
      const [x, chosen, rejected, annotator] = rows[i];
      return { x, first: [chosen], second: [rejected], annotator, firstWins: true, coinToss: false };
    }),
  );
}

/** The feedback of labelled comparisons (per member): the training and held-out splits as tensors. */
export function feedbackFrom(pop: Population, comparisons: Comparison[][]): Feedback {
  const n = comparisons[0].length;
  const nTest = Math.max(1, Math.round(n * pop.config.rewardModel.heldOut));
  const nTrain = n - nTest;
  const { task } = pop;
  const goldLabel = (c: Comparison): Comparison => {
    if (!hasGold(task)) return c;
    const p = goldPrefers(task, c.x, c.first, c.second);
    return { ...c, firstWins: p === 0.5 ? c.firstWins : p > 0.5 };
  };
  return {
    comparisons,
    train: toTensors(pop, comparisons.map((c) => c.slice(0, nTrain))),
    test: toTensors(pop, comparisons.map((c) => c.slice(nTrain))),
    testGold: toTensors(pop, comparisons.map((c) => c.slice(nTrain).map(goldLabel))),
  };
}

export function disposeFeedback(f: Feedback): void {
  tf.dispose([f.train, f.test, f.testGold].flatMap((d) => [d.prompts, d.chosen, d.rejected]));
}

function toTensors(pop: Population, comparisons: Comparison[][]): PairTensors {
  const { T } = pop.shape;
  const n = comparisons[0].length;
  const x = new Int32Array(pop.P * n);
  const w = new Int32Array(pop.P * n * T);
  const l = new Int32Array(pop.P * n * T);
  comparisons.forEach((list, p) =>
    list.forEach((c, i) => {
      x[p * n + i] = c.x;
      w.set(c.firstWins ? c.first : c.second, (p * n + i) * T);
      l.set(c.firstWins ? c.second : c.first, (p * n + i) * T);
    }),
  );
  return {
    prompts: tf.tensor2d(x, [pop.P, n], 'int32'),
    chosen: tf.tensor3d(w, [pop.P, n, T], 'int32'),
    rejected: tf.tensor3d(l, [pop.P, n, T], 'int32'),
  };
}

/** A minibatch of `n` labelled pairs per member, drawn from `pairs` (all [P, N, ...]) with each member's stream. */
export function pairMinibatch(rngs: readonly Rng[], pairs: PairTensors, n: number): PairTensors {
  const P = rngs.length;
  const rows = drawMinibatch(rngs, pairs.prompts.shape[1] as number, n);
  const picked = {
    prompts: takeRows(pairs.prompts, rows, P),
    chosen: takeRows(pairs.chosen, rows, P),
    rejected: takeRows(pairs.rejected, rows, P),
  };
  rows.dispose();
  return picked;
}
