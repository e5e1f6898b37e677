import { describe, expect, it } from 'vitest';
import type { Config, ConfigInput } from '../config';
import { createExperiment } from '../experiment';
import { methodDefaults } from '../method_fields';
import { availableMethods, methodStages } from '../method_info';
import { sharedPreparation, leakCheck } from '../testing';
import { bestOfNDistribution, bestOfNKlBound } from './best_of_n';

const kl = (p: number[], q: number[]) => p.reduce((s, pi, i) => (pi > 0 ? s + pi * Math.log(pi / q[i]) : s), 0);

/**
 * A quick preparation on the bandit (small judges, no label noise), prepared once for every test in
 * this file: each method runs on the same π_ref and judges, as it would alone (preparation/shared.test.ts).
 */
const bandit = sharedPreparation(
  { sft: { steps: 60 }, feedback: { comparisons: 400, labelNoise: 0 }, rewardModel: { steps: 60 }, preferenceModel: { steps: 5 } },
  { preferenceModel: true }, // the every-method test includes Nash-MD
);
const preparation = (method: ConfigInput['method'], iterations: number) => bandit.config({ iterations, method });
const experimentOn = (config: Config) => createExperiment(config, { shared: bandit.preparation() });

describe('best-of-n', () => {
  it('has the closed-form distribution on a hand-worked example', () => {
    // π_ref = (½, ¼, ¼), r = (0, 1, 2), n = 2: F = (½, ¾, 1);
    // π_bon = (½² − 0, ¾² − ½², 1 − ¾²) = (0.25, 0.3125, 0.4375).
    const q = bestOfNDistribution([0.5, 0.25, 0.25], [0, 1, 2], 2);
    expect(q[0]).toBeCloseTo(0.25, 12);
    expect(q[1]).toBeCloseTo(0.3125, 12);
    expect(q[2]).toBeCloseTo(0.4375, 12);
    // Tied scores share their group's mass in proportion to π_ref: r = (1, 1, 0) gives the
    // low response ¼² = 1/16 and the tied pair 1 − 1/16 = 15/16, split 2 : 1 → (5/8, 5/16).
    const tied = bestOfNDistribution([0.5, 0.25, 0.25], [1, 1, 0], 2);
    expect(tied).toEqual([expect.closeTo(0.625, 12), expect.closeTo(0.3125, 12), expect.closeTo(0.0625, 12)]);
  });

  it.each([2, 4, 16])('has KL = log n − (n−1)/n in the continuous limit (n = %i)', (n) => {
    // 20 000 equally likely responses with distinct rewards approximate a continuous reward.
    const M = 20_000;
    const ref = new Array(M).fill(1 / M);
    const r = ref.map((_, i) => i);
    const q = bestOfNDistribution(ref, r, n);
    expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const value = kl(q, ref);
    expect(value).toBeLessThanOrEqual(bestOfNKlBound(n) + 1e-12);
    expect(bestOfNKlBound(n) - value).toBeLessThan(2e-3);
  });

  it('reports the exact KL of its distribution, samples from it, and beats π_ref by the reward model', async () => {
    const n = 4;
    const run = async (method: ConfigInput['method']) => {
      const experiment = experimentOn(preparation(method, 1));
      const { members } = await experiment.step();
      const { members: summary } = await experiment.summary();
      experiment.dispose();
      return { m: members[0], tables: summary[0].tables! };
    };
    const bon = await run({ id: 'best_of_n', n, batchSize: 3000 });
    const sft = await run({ id: 'sft', batchSize: 8 });
    // Same seed, same preparation: the same π_ref.
    expect(bon.tables.reference).toEqual(sft.tables.reference);
    // The reported exact KL is that of the reported table (bandit prompts are equally likely).
    const promptKl = bon.tables.policy.map((pi, x) => kl(pi, bon.tables.reference[x]));
    expect(bon.m['kl/exact']).toBeCloseTo(promptKl.reduce((a, b) => a + b, 0) / promptKl.length, 4);
    expect(bon.m['kl/exact']).toBeGreaterThan(0.05);
    expect(bon.m['kl/exact']).toBeLessThanOrEqual(bestOfNKlBound(n) + 1e-6);
    // 3000 sampled winners: their mean r_φ matches the table's expectation (r_φ spans < 6, so SE < 0.06).
    expect(Math.abs(bon.m['reward/proxy'] - bon.m['reward/proxy_exact'])).toBeLessThan(0.15);
    expect(bon.m['reward/proxy_exact']).toBeGreaterThan(sft.m['reward/proxy_exact'] + 0.1);
    expect(bon.m['winrate/vs_ref_pool']).toBeGreaterThan(0.5);
  });
});

describe('expert iteration and the SFT baseline', () => {
  it('expert iteration raises the exact proxy reward above π_ref’s, and keeps tensors flat', async () => {
    const experiment = experimentOn(preparation({ id: 'expert_iteration', n: 8, batchSize: 64, steps: 4, lr: 0.05 }, 12));
    const first = await experiment.step();
    const leaks = leakCheck();
    let last = first;
    for (let i = 1; i < 12; i++) last = await experiment.step();
    leaks.expectFlat();
    expect(last.members[0]['reward/proxy_exact']).toBeGreaterThan(first.members[0]['reward/proxy_exact'] + 0.1);
    expect(last.members[0]['kl/exact']).toBeGreaterThan(0.05);
    expect(last.stages.map((s) => s.name)).toEqual(['sample', 'score', 'finetune', 'readback']);
    experiment.dispose();
  });

  it('the SFT baseline stays exactly at π_ref: KL 0 and win rate ½', async () => {
    const experiment = experimentOn(preparation({ id: 'sft', batchSize: 32 }, 3));
    let last = await experiment.step();
    for (let i = 1; i < 3; i++) last = await experiment.step();
    expect(last.members[0]['kl/exact']).toBeCloseTo(0, 6);
    expect(last.members[0]['winrate/vs_ref_gold']).toBeCloseTo(0.5, 6);
    expect(last.members[0]['kl/k3']).toBeCloseTo(0, 6);
    experiment.dispose();
  });
});

describe('every method', () => {
  it.each(availableMethods())('%s marks exactly the stages method_info lists, in order, and says something real for each', async (id) => {
    const experiment = experimentOn(preparation(methodDefaults(id), 2));
    const { stages } = await experiment.step();
    const listed = methodStages(experiment.info.config);
    expect(stages.map((s) => s.name)).toEqual([...listed, 'readback']);
    expect(experiment.info.stages).toEqual([...listed]);
    for (const s of stages) expect(s.narration, s.name).not.toMatch(/undefined|NaN|–/);
    experiment.dispose();
  });
});
