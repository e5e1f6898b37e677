/**
 * Training a learned judge on the preparation's comparisons: the Bradley–Terry reward model
 * (ALGORITHMS.md §1; margin r_φ(y_w) − r_φ(y_l)) and the pairwise preference model
 * (margin logit P_ψ(y_w ≻ y_l)) minimise the same −log σ(margin).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkpoint } from '../cancel';
import { PopulationAdam } from '../math/adam';
import { bradleyTerryLoss, bradleyTerryMarginGrad } from '../math/losses';
import type { ScoreWithPullback } from '../models/reward_mlp';
import { drawMinibatch, headRows, REPORT_ROWS, streams, takeRows, type Population } from '../population';
import type { Rng } from '../rng';
import { hasGold } from '../tasks/task';
import type { Metrics } from '../types';
import type { Feedback, PairTensors } from './feedback';

export interface JudgeOptions {
  /** Metric prefix, e.g. `rm` or `pm`. */
  name: string;
  steps: number;
  lr: number;
  batchSize: number;
}

/** What training a judge needs of it: its parameters, its input encoding, and its margin on encoded pairs with the margin's pullback. */
export interface Judge {
  readonly params: tf.Variable[];
  /** The judge's inputs for (x, y), [P, B, ...]: each data set is encoded once, before training. */
  encode(prompts: tf.Tensor, tokens: tf.Tensor): tf.Tensor;
  /**
   * margin(chosen, rejected) on encoded responses → [P, B], positive when the judge agrees with
   * the label, and its pullback dMargin ↦ ∂/∂params, autograd's numbers (call inside the
   * caller's tidy).
   */
  marginWithPullback(chosen: tf.Tensor, rejected: tf.Tensor): ScoreWithPullback;
}

/** The judge's margin alone (its forward pass; differentiable on the tape). */
function margin(judge: Judge, chosen: tf.Tensor, rejected: tf.Tensor): tf.Tensor {
  return tf.tidy(() => judge.marginWithPullback(chosen, rejected).score);
}

/** Labelled pairs as the judge reads them: the encodings of each pair's winner and loser, [P, n, ...]. */
export interface EncodedPairs {
  chosen: tf.Tensor;
  rejected: tf.Tensor;
}

/** Encodes a set of labelled pairs (the caller disposes the result). */
export function encodePairs(judge: Judge, d: PairTensors): EncodedPairs {
  return { chosen: judge.encode(d.prompts, d.chosen), rejected: judge.encode(d.prompts, d.rejected) };
}

export async function trainJudge(
  pop: Population,
  feedback: Feedback,
  judge: Judge,
  opts: JudgeOptions,
  onProgress: (step: number, total: number, members: Metrics[]) => void,
  signal?: AbortSignal,
): Promise<Metrics[]> {
  let metrics: Metrics[] = pop.members.map(() => ({}));
  if (opts.steps === 0) return metrics; // an untrained judge: nothing to report, no pass over the data
  // Encoded once: every step and report reads rows of these.
  const [train, test, testGold] = [feedback.train, feedback.test, feedback.testGold].map((d) => encodePairs(judge, d));
  const nTrain = train.chosen.shape[1] as number;
  const optimizer = new PopulationAdam([...judge.params], pop.members.map(() => opts.lr));
  const rngs = streams(pop, `${opts.name}/batches`);
  const mb = Math.min(opts.batchSize, nTrain);
  const every = Math.max(1, Math.floor(opts.steps / 20));
  const loss = (d: EncodedPairs): tf.Tensor => judgeLoss(judge, d);
  // A tie (e.g. the same response twice, common on small tasks) counts as half right.
  const accuracy = (d: EncodedPairs): tf.Tensor =>
    tf.tidy(() => {
      const m = margin(judge, d.chosen, d.rejected);
      const right = tf.cast(tf.greater(m, 0), 'float32');
      return tf.mean(tf.add(right, tf.mul(0.5, tf.cast(tf.equal(m, 0), 'float32'))), 1);
    });
  const head = (d: EncodedPairs): EncodedPairs => ({ chosen: headRows(d.chosen, REPORT_ROWS), rejected: headRows(d.rejected, REPORT_ROWS) });
  const sample = { train: head(train), test: head(test), testGold: head(testGold) };
  const report = async (step: number): Promise<void> => {
    const d = step === opts.steps ? { train, test, testGold } : sample;
    const stacked = tf.tidy(() => tf.stack([loss(d.train), accuracy(d.test), accuracy(d.testGold)]));
    const v = await stacked.data();
    stacked.dispose();
    const n = opts.name;
    // Without a gold preference (a task from your data) the held-out rows' own labels are all there is.
    const gold = hasGold(pop.task);
    metrics = pop.members.map((_, p) => ({ [`${n}/loss`]: v[p], [`${n}/accuracy`]: v[pop.P + p], ...(gold ? { [`${n}/gold_accuracy`]: v[2 * pop.P + p] } : {}) }));
    onProgress(step, opts.steps, metrics);
  };
  try {
    await report(0);
    for (let step = 1; step <= opts.steps; step++) {
      await checkpoint(signal);
      judgeStep(optimizer, judge, train, rngs, mb);
      if (step % every === 0 || step === opts.steps) await report(step);
    }
  } finally {
    optimizer.dispose();
    tf.dispose([train, test, testGold, ...Object.values(sample)].flatMap((d) => [d.chosen, d.rejected]));
  }
  return metrics;
}

/** −log σ(margin) per member [P] on labelled pairs (a Bradley–Terry loss against a zero margin). */
export function judgeLoss(judge: Judge, d: EncodedPairs): tf.Tensor {
  return tf.tidy(() => bradleyTerryLoss(margin(judge, d.chosen, d.rejected), tf.scalar(0)));
}

/**
 * ∂/∂params of Σ_p judgeLoss(judge, d)_p, aligned with `judge.params`: written out (the judge's
 * pullback of the loss's), autograd's numbers bit for bit. The caller disposes them.
 */
export function judgeGrads(judge: Judge, d: EncodedPairs): tf.Tensor[] {
  return tf.tidy(() => {
    const { score, pullback } = judge.marginWithPullback(d.chosen, d.rejected);
    return pullback(bradleyTerryMarginGrad(score));
  });
}

/** One Adam step of a judge on a fresh minibatch of `mb` encoded training pairs per member. */
export function judgeStep(optimizer: PopulationAdam, judge: Judge, train: EncodedPairs, rngs: readonly Rng[], mb: number): void {
  const P = train.chosen.shape[0];
  const rows = drawMinibatch(rngs, train.chosen.shape[1] as number, mb);
  // Picked before the step, off the autograd tape: the rows are data, not functions of the weights.
  const batch = { chosen: takeRows(train.chosen, rows, P), rejected: takeRows(train.rejected, rows, P) };
  const grads = judgeGrads(judge, batch);
  optimizer.apply(grads);
  tf.dispose([rows, batch.chosen, batch.rejected, ...grads]);
}
