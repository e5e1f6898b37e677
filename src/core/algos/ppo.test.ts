import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config';
import { totalVariation } from '../eval/optimum';
import { createExperiment } from '../experiment';

describe('PPO on the tabular bandit', () => {
  it('converges to π* ∝ π_ref·exp(r_φ/β) of its reward model (total variation < 0.02)', async () => {
    // Fixed β and the k1 penalty: the KL-regularised objective's maximiser is π* (ALGORITHMS.md §0).
    const config = defaultConfig({
      task: { id: 'bandit' },
      iterations: 150,
      evalEvery: 150,
      sft: { steps: 150 },
      rewardModel: { steps: 150 },
      method: { id: 'ppo', beta: 0.2, batchSize: 256, lr: 0.02, klEstimator: 'k1', annealLr: true },
    });
    const experiment = createExperiment(config);
    for (let i = 0; i < config.iterations; i++) await experiment.step();
    const { members } = await experiment.summary();
    const tables = members[0].tables!;
    const tv = tables.policy.map((pi, x) => totalVariation(pi, tables.optimum[x]));
    // And it moved: π_ref itself is far from π*, so the test cannot pass by standing still.
    const tvRef = tables.reference.map((ref, x) => totalVariation(ref, tables.optimum[x]));
    experiment.dispose();
    expect(Math.min(...tvRef)).toBeGreaterThan(0.1);
    expect(Math.max(...tv)).toBeLessThan(0.02);
  });

  it('keeps the tensor count flat across iterations and frees everything on dispose', async () => {
    const before = tf.memory().numTensors;
    const experiment = createExperiment(
      defaultConfig({ iterations: 6, sft: { steps: 10 }, rewardModel: { steps: 10 }, sweep: { kind: 'beta', values: [0.05, 0.5] } }),
    );
    await experiment.step();
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await experiment.step();
    expect(tf.memory().numTensors).toBe(after1);
    await experiment.summary();
    expect(tf.memory().numTensors).toBe(after1);
    experiment.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
