import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../config';
import { createRewardMlp, type RewardMlp, type RewardNet } from '../models/reward_mlp';
import { snapshot } from '../models/sample';
import { createNet, createPopulation, REPORT_ROWS, streams, type Population } from '../population';
import type { Metrics } from '../types';
import { collectFeedback, disposeFeedback, type Feedback } from './feedback';
import { trainJudge } from './judge';
import { rewardJudge } from './reward_model';
import { trainSft } from './sft';

/**
 * Share of held-out pairs (all, or the first `n`) whose labelled winner `reward` scores higher,
 * ties counting ½, computed on the host from the scores of each response.
 */
async function accuracy(reward: RewardNet, feedback: Feedback, n = Infinity): Promise<number> {
  const { prompts, chosen, rejected } = feedback.test;
  const [w, l] = (await Promise.all([reward.apply(prompts, chosen).array(), reward.apply(prompts, rejected).array()])) as number[][][];
  const rows = w[0].slice(0, n).map((rw, i) => (rw > l[0][i] ? 1 : rw === l[0][i] ? 0.5 : 0));
  return rows.reduce<number>((a, b) => a + b, 0) / rows.length;
}

describe('training a judge', () => {
  let pop: Population;
  let feedback: Feedback;
  let reference: tf.Tensor[];
  beforeAll(async () => {
    // 2000 comparisons, 20% held out: 400 held-out pairs, more than a progress report reads.
    pop = createPopulation(defaultConfig({ sft: { steps: 30 }, feedback: { comparisons: 2000 }, rewardModel: { batchSize: 64 } }));
    const policy = createNet(pop, pop.shape.V, 'policy');
    await trainSft(pop, policy, () => {});
    reference = snapshot(policy.params);
    feedback = await collectFeedback(pop, policy, reference);
    policy.dispose();
  });
  afterAll(() => {
    disposeFeedback(feedback);
    tf.dispose(reference);
  });

  const train = async (reward: RewardMlp, steps: number) => {
    const reports: { step: number; members: Metrics[] }[] = [];
    const metrics = await trainJudge(pop, feedback, rewardJudge(reward), { name: 'rm', steps, lr: 0.03, batchSize: 64 }, (step, _, members) => reports.push({ step, members }));
    return { metrics, reports };
  };

  it('reports progress on a bounded sample of the pairs, and its final metrics on every held-out pair', async () => {
    expect(feedback.test.prompts.shape[1]).toBeGreaterThan(REPORT_ROWS);
    const reward = createRewardMlp(pop.shape, 32, streams(pop, 'rm/init'));
    const [headBefore, allBefore] = [await accuracy(reward, feedback, REPORT_ROWS), await accuracy(reward, feedback)];
    expect(headBefore).not.toBeCloseTo(allBefore, 6); // the two readings must differ for the test to mean something
    const { metrics, reports } = await train(reward, 1);
    expect(reports.map((r) => r.step)).toEqual([0, 1]);
    // Step 0 (the untrained judge) read the first REPORT_ROWS pairs; the last report read all of them.
    expect(reports[0].members[0]['rm/accuracy']).toBeCloseTo(headBefore, 6);
    expect(reports[1].members[0]['rm/accuracy']).toBeCloseTo(await accuracy(reward, feedback), 6);
    expect(metrics).toEqual(reports[1].members);
    reward.dispose();
  });

  it('with zero steps reports nothing, reads no data and leaves the judge as it was', async () => {
    const reward = createRewardMlp(pop.shape, 32, streams(pop, 'rm/init'));
    const before = snapshot(reward.params);
    const tensors = tf.memory().numTensors;
    let out: Awaited<ReturnType<typeof train>> | null = null;
    const profile = await tf.profile(async () => {
      out = await train(reward, 0);
    });
    const { metrics, reports } = out!;
    // No kernel touched a tensor the size of the labelled pairs (training or held out).
    const rows = [feedback.train.prompts.shape[1], feedback.test.prompts.shape[1]];
    expect(profile.kernels.filter((k) => k.inputShapes.some((shape) => shape && shape[1] !== undefined && rows.includes(shape[1])))).toEqual([]);
    expect(reports).toEqual([]);
    expect(metrics).toEqual([{}]);
    expect(tf.memory().numTensors).toBe(tensors);
    for (let i = 0; i < before.length; i++) expect(Array.from(reward.params[i].dataSync())).toEqual(Array.from(before[i].dataSync()));
    tf.dispose(before);
    reward.dispose();
  });
});
