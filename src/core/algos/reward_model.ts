/**
 * The Bradley–Terry reward model (ALGORITHMS.md §1; InstructGPT step 2):
 * pairs of responses sampled from π_ref are labelled by the simulated annotator pool
 * (with AlpacaFarm's coin-toss noise), and r_φ minimises −log σ(r_φ(y_w) − r_φ(y_l)).
 */
import * as tf from '@tensorflow/tfjs-core';
import { PopulationAdam } from '../math/adam';
import { bradleyTerryLoss } from '../math/losses';
import { sampleTokens } from '../models/sample';
import { createRewardMlp, type RewardNet } from '../models/reward_mlp';
import type { SeqNet } from '../models/seq_net';
import { drawGumbel, drawMinibatch, drawPrompts, streams, takeRows, type Population } from '../population';
import { labelPairs, type Comparison } from '../tasks/annotators';
import type { Metrics } from '../types';

export interface RewardModelResult {
  reward: RewardNet;
  metrics: Metrics[];
  /** A sample of member 0's labelled comparisons, for people to inspect. */
  sample: Comparison[];
}

/** Draws `n` pairs per member from π_ref and labels them (one readback). */
async function collectComparisons(pop: Population, policy: SeqNet, reference: readonly tf.Tensor[], n: number): Promise<Comparison[][]> {
  const { T } = pop.shape;
  const rngs = streams(pop, 'rm/pairs');
  const prompts = drawPrompts(pop, rngs, n);
  const promptsTwice = tf.concat([prompts, prompts], 1);
  const gumbel = drawGumbel(pop, rngs, 2 * n);
  const tokens = sampleTokens(policy, promptsTwice, gumbel, reference);
  const [xs, ys] = await Promise.all([prompts.data(), tokens.data()]);
  tf.dispose([prompts, promptsTwice, gumbel, tokens]);
  const labelRngs = streams(pop, 'rm/labels');
  return pop.members.map((_, p) => {
    const pairs = Array.from({ length: n }, (_, i) => {
      const x = xs[p * n + i];
      const at = (j: number) => Array.from(ys.subarray((p * 2 * n + j) * T, (p * 2 * n + j + 1) * T));
      return { x, first: at(i), second: at(n + i) };
    });
    return labelPairs(pop.task, pairs, pop.config.feedback.labelNoise, labelRngs[p]);
  });
}

/** Comparisons → chosen/rejected tensors [P, n, ...]. */
function toTensors(pop: Population, comparisons: Comparison[][]): { prompts: tf.Tensor; chosen: tf.Tensor; rejected: tf.Tensor } {
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

/** Per-member fraction of pairs where r_φ ranks the labelled winner higher → [P]. */
function accuracy(reward: RewardNet, d: { prompts: tf.Tensor; chosen: tf.Tensor; rejected: tf.Tensor }): tf.Tensor {
  return tf.tidy(() =>
    tf.mean(tf.cast(tf.greater(reward.apply(d.prompts, d.chosen), reward.apply(d.prompts, d.rejected)), 'float32'), 1),
  );
}

export async function trainRewardModel(
  pop: Population,
  policy: SeqNet,
  reference: readonly tf.Tensor[],
  onProgress: (step: number, total: number, members: Metrics[]) => void,
): Promise<RewardModelResult> {
  const { comparisons: n } = pop.config.feedback;
  const { steps, lr, hidden, batchSize, heldOut } = pop.config.rewardModel;
  const labelled = await collectComparisons(pop, policy, reference, n);
  const nTest = Math.max(1, Math.round(n * heldOut));
  const nTrain = n - nTest;
  const train = toTensors(pop, labelled.map((c) => c.slice(0, nTrain)));
  const test = toTensors(pop, labelled.map((c) => c.slice(nTrain)));
  // Held-out agreement with the gold reward (ties excluded): what the labels were a noisy view of.
  const goldTest = toTensors(pop, labelled.map((c) => c.slice(nTrain).map((cmp) => goldOrdered(pop, cmp))));

  const reward = createRewardMlp(pop.shape, hidden, streams(pop, 'rm/init'));
  const optimizer = new PopulationAdam(reward.params, pop.members.map(() => lr));
  const rngs = streams(pop, 'rm/batches');
  const mb = Math.min(batchSize, nTrain);
  const every = Math.max(1, Math.floor(steps / 20));
  let metrics: Metrics[] = [];
  const report = async (step: number): Promise<void> => {
    const stacked = tf.tidy(() => {
      const loss = bradleyTerryLoss(reward.apply(train.prompts, train.chosen), reward.apply(train.prompts, train.rejected));
      return tf.stack([loss, accuracy(reward, test), accuracy(reward, goldTest)]);
    });
    const v = await stacked.data();
    stacked.dispose();
    metrics = pop.members.map((_, p) => ({ 'rm/loss': v[p], 'rm/accuracy': v[pop.P + p], 'rm/gold_accuracy': v[2 * pop.P + p] }));
    onProgress(step, steps, metrics);
  };
  await report(0);
  for (let step = 1; step <= steps; step++) {
    const rows = drawMinibatch(rngs, nTrain, mb);
    tf.dispose(
      optimizer.minimize(() =>
        tf.tidy(() => {
          const x = takeRows(train.prompts, rows, pop.P);
          const rw = reward.apply(x, takeRows(train.chosen, rows, pop.P));
          const rl = reward.apply(x, takeRows(train.rejected, rows, pop.P));
          return tf.sum(bradleyTerryLoss(rw, rl));
        }),
      ),
    );
    rows.dispose();
    if (step % every === 0 || step === steps) await report(step);
  }
  optimizer.dispose();
  tf.dispose([train, test, goldTest].flatMap((d) => [d.prompts, d.chosen, d.rejected]));
  return { reward, metrics, sample: labelled[0].slice(0, 64) };
}

/** The comparison relabelled by the gold reward (a tie keeps the annotator's label). */
function goldOrdered(pop: Population, c: Comparison): Comparison {
  const d = pop.task.gold(c.x, c.first) - pop.task.gold(c.x, c.second);
  return { ...c, firstWins: d === 0 ? c.firstWins : d > 0 };
}
