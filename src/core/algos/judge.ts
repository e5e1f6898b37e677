/**
 * Training a learned judge on the farm's comparisons: the Bradley–Terry reward model
 * (ALGORITHMS.md §1; margin r_φ(y_w) − r_φ(y_l)) and the pairwise preference model
 * (margin logit P_ψ(y_w ≻ y_l)) minimise the same −log σ(margin).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkpoint } from '../cancel';
import { PopulationAdam } from '../math/adam';
import { bradleyTerryLoss } from '../math/losses';
import { drawMinibatch, headRows, REPORT_ROWS, streams, takeRows, type Population } from '../population';
import type { Rng } from '../rng';
import type { Metrics } from '../types';
import type { Feedback, PairTensors } from './feedback';

export interface JudgeOptions {
  /** Metric prefix, e.g. `rm` or `pm`. */
  name: string;
  steps: number;
  lr: number;
  batchSize: number;
}

/** margin(prompts, chosen, rejected) → [P, B]; positive when the judge agrees with the label. */
export type Margin = (prompts: tf.Tensor, chosen: tf.Tensor, rejected: tf.Tensor) => tf.Tensor;

export async function trainJudge(
  pop: Population,
  feedback: Feedback,
  params: tf.Variable[],
  margin: Margin,
  opts: JudgeOptions,
  onProgress: (step: number, total: number, members: Metrics[]) => void,
  signal?: AbortSignal,
): Promise<Metrics[]> {
  let metrics: Metrics[] = pop.members.map(() => ({}));
  if (opts.steps === 0) return metrics; // an untrained judge: nothing to report, no pass over the data
  const { train, test, testGold } = feedback;
  const nTrain = train.prompts.shape[1] as number;
  const optimizer = new PopulationAdam(params, pop.members.map(() => opts.lr));
  const rngs = streams(pop, `${opts.name}/batches`);
  const mb = Math.min(opts.batchSize, nTrain);
  const every = Math.max(1, Math.floor(opts.steps / 20));
  const loss = (d: PairTensors): tf.Tensor => judgeLoss(margin, d);
  // A tie (e.g. the same response twice, common on small tasks) counts as half right.
  const accuracy = (d: PairTensors): tf.Tensor =>
    tf.tidy(() => {
      const m = margin(d.prompts, d.chosen, d.rejected);
      const right = tf.cast(tf.greater(m, 0), 'float32');
      return tf.mean(tf.add(right, tf.mul(0.5, tf.cast(tf.equal(m, 0), 'float32'))), 1);
    });
  const head = (d: PairTensors): PairTensors => ({ prompts: headRows(d.prompts, REPORT_ROWS), chosen: headRows(d.chosen, REPORT_ROWS), rejected: headRows(d.rejected, REPORT_ROWS) });
  const sample = { train: head(train), test: head(test), testGold: head(testGold) };
  const report = async (step: number): Promise<void> => {
    const d = step === opts.steps ? { train, test, testGold } : sample;
    const stacked = tf.tidy(() => tf.stack([loss(d.train), accuracy(d.test), accuracy(d.testGold)]));
    const v = await stacked.data();
    stacked.dispose();
    const n = opts.name;
    metrics = pop.members.map((_, p) => ({ [`${n}/loss`]: v[p], [`${n}/accuracy`]: v[pop.P + p], [`${n}/gold_accuracy`]: v[2 * pop.P + p] }));
    onProgress(step, opts.steps, metrics);
  };
  try {
    await report(0);
    for (let step = 1; step <= opts.steps; step++) {
      await checkpoint(signal);
      judgeStep(optimizer, margin, train, rngs, mb);
      if (step % every === 0 || step === opts.steps) await report(step);
    }
  } finally {
    optimizer.dispose();
    tf.dispose(Object.values(sample).flatMap((d) => [d.prompts, d.chosen, d.rejected]));
  }
  return metrics;
}

/** −log σ(margin) per member [P] on labelled pairs (a Bradley–Terry loss against a zero margin). */
export function judgeLoss(margin: Margin, d: PairTensors): tf.Tensor {
  return tf.tidy(() => bradleyTerryLoss(margin(d.prompts, d.chosen, d.rejected), tf.scalar(0)));
}

/** One Adam step of a judge on a fresh minibatch of `mb` training pairs per member. */
export function judgeStep(optimizer: PopulationAdam, margin: Margin, train: PairTensors, rngs: readonly Rng[], mb: number): void {
  const P = train.prompts.shape[0];
  const rows = drawMinibatch(rngs, train.prompts.shape[1] as number, mb);
  const batch = (t: tf.Tensor) => takeRows(t, rows, P);
  optimizer.step(() => ({ loss: judgeLoss(margin, { prompts: batch(train.prompts), chosen: batch(train.chosen), rejected: batch(train.rejected) }) }));
  rows.dispose();
}
