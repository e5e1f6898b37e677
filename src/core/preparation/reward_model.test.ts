import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config';
import { snapshot } from '../models/sample';
import { createNet, createPopulation } from '../population';
import type { Annotator, GoldTask } from '../tasks/task';
import { allResponses } from '../tasks/task';
import { collectFeedback, disposeFeedback } from './feedback';
import { trainRewardModel } from './reward_model';
import { trainSft } from './sft';

describe('Bradley–Terry reward model', () => {
  it('recovers reward differences from noise-free labels', async () => {
    // One annotator whose labels are exactly Bradley–Terry in the gold reward (temperature 1,
    // no bias, no coin toss): the fit is identified up to a constant per prompt, so the fitted
    // differences r(x, y) − r(x, y_0) must match gold(x, y) − gold(x, y_0).
    const base = createPopulation(
      defaultConfig({ sft: { steps: 100 }, feedback: { comparisons: 8000, labelNoise: 0 }, rewardModel: { steps: 800, lr: 0.05, heldOut: 0.1 } }),
    );
    const gold = (base.task as GoldTask).gold;
    const oracle: Annotator = { name: 'oracle', bias: 'none', utility: gold, positionBias: 0, temperature: 1 };
    const pop = { ...base, task: { ...base.task, annotators: [oracle] } };
    const policy = createNet(pop, pop.shape.V, 'policy');
    await trainSft(pop, policy, () => {});
    const reference = snapshot(policy.params);
    const feedback = await collectFeedback(pop, policy, reference);
    const { reward, metrics } = await trainRewardModel(pop, feedback, () => {});
    disposeFeedback(feedback);
    const ys = allResponses(pop.task);
    const n = pop.task.prompts.length;
    const x = tf.tensor2d([Array.from({ length: n * ys.length }, (_, i) => Math.floor(i / ys.length))], undefined, 'int32');
    const y = tf.tensor3d([Array.from({ length: n }, () => ys).flat()], undefined, 'int32');
    const r = (reward.apply(x, y).arraySync() as number[][])[0];
    const errors: number[] = [];
    for (let p = 0; p < n; p++) {
      ys.forEach((yy, i) => {
        const fitted = r[p * ys.length + i] - r[p * ys.length];
        errors.push(Math.abs(fitted - (gold(p, yy) - gold(p, ys[0]))));
      });
    }
    // Gold differences span up to 2.5; BT estimates from a few hundred comparisons per pair carry
    // standard errors of about 0.1–0.2 (rarer replies get fewer comparisons).
    expect(errors.reduce((a, b) => a + b) / errors.length).toBeLessThan(0.15);
    expect(Math.max(...errors)).toBeLessThan(0.45);
    expect(metrics[0]['rm/gold_accuracy']).toBeGreaterThan(0.6);
    tf.dispose([x, y, ...reference]);
    reward.dispose();
    policy.dispose();
  });
});
