import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type ConfigInput } from './config';
import { COMPUTE_BUDGET_FLOPS, estimateCost, MEMORY_BUDGET_BYTES, overBudget } from './cost';
import { createExperiment } from './experiment';
import { SCENARIOS } from './scenarios';

const small: Partial<ConfigInput> = { sft: { demos: 256, steps: 10 }, feedback: { comparisons: 256 }, rewardModel: { steps: 10 }, preferenceModel: { steps: 10 }, iterations: 2 };

describe('cost estimate', () => {
  // Each dominated by a different phase: exact evaluation, a tabular lookup while sampling, best-of-n candidates, SFT's pass over its demonstrations.
  it.each<[string, Partial<ConfigInput>]>([
    ['helpful, PPO (exact evaluation)', { task: { id: 'helpful' } }],
    ['sorting, tabular, 1,000 comparisons (feedback sampling)', { task: { id: 'sorting' }, policy: { kind: 'tabular', dModel: 32, layers: 1 }, feedback: { comparisons: 1000 } }],
    ['sorting, best-of-64 (candidates)', { task: { id: 'sorting' }, method: { id: 'best_of_n', n: 64 } }],
    ['helpful, 8,192 demonstrations (SFT)', { task: { id: 'helpful' }, sft: { demos: 8192, steps: 2, batchSize: 512 } }],
    ['helpful, two members, d = 64 (the population axis)', { task: { id: 'helpful' }, policy: { kind: 'transformer', dModel: 64, layers: 2 }, sweep: { kind: 'seed', count: 2 } }],
  ])('is within a factor of 2 of the measured peak: %s', async (_, overrides) => {
    const config = defaultConfig({ ...small, ...overrides });
    let experiment: ReturnType<typeof createExperiment> | null = null;
    const measured = await tf.profile(async () => {
      experiment = createExperiment(config);
      await experiment.prepare();
      await experiment.step();
    });
    experiment!.dispose();
    const ratio = estimateCost(config).peakBytes / measured.peakBytes;
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('refuses the issue’s 441-character link (terabytes), naming what drives it', () => {
    const config = defaultConfig({ task: { id: 'sorting' }, policy: { kind: 'transformer', dModel: 256, layers: 4 }, sweep: { kind: 'seed', count: 16 }, method: { id: 'best_of_n', n: 256, batchSize: 4096 } });
    const estimate = estimateCost(config);
    expect(estimate.peakBytes).toBeGreaterThan(1024 ** 4);
    const message = overBudget(estimate)!;
    expect(message).toMatch(/^This experiment would need about [\d.]+ TB of memory \(the lab allows 2.00 GB\), most of it in best_of_n iterations \(4,096 prompts × 256 candidates\)\. Lower: sweep \(16 members\), method\.n = 256, method\.batchSize = 4096/);
    expect(message.length).toBeLessThanOrEqual(300);
  });

  it('refuses 100,000 comparisons sampled from a sorting table (was "Invalid typed array length")', () => {
    const message = overBudget(estimateCost(defaultConfig({ task: { id: 'sorting' }, policy: { kind: 'tabular', dModel: 32, layers: 1 }, feedback: { comparisons: 100000 } })));
    expect(message).toMatch(/GB of memory .* most of it in feedback \(sampling 2 × 100,000 responses\)\. Lower: feedback\.comparisons = 100000/);
  });

  it('refuses a run of too much arithmetic even when it fits in memory', () => {
    const estimate = estimateCost(defaultConfig({ task: { id: 'helpful' }, iterations: 10000, policy: { kind: 'transformer', dModel: 128, layers: 4 }, method: { id: 'ppo', batchSize: 1024, epochs: 16 } }));
    expect(estimate.peakBytes).toBeLessThan(MEMORY_BUDGET_BYTES);
    expect(estimate.flops).toBeGreaterThan(COMPUTE_BUDGET_FLOPS);
    expect(overBudget(estimate)).toMatch(/floating-point operations .* most of it in ppo iterations/);
  });

  it('lets the defaults, every task and every scenario through', () => {
    for (const id of ['bandit', 'helpful', 'sorting', 'cycle'] as const) expect(overBudget(estimateCost(defaultConfig({ task: { id } })))).toBeNull();
    for (const scenario of SCENARIOS) expect(overBudget(estimateCost(scenario.config)), scenario.title).toBeNull();
  });
});
