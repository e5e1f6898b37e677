import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { leakCheck } from '../testing';
import { defaultConfig, type Config, type ConfigInput } from '../config';
import { createExperiment } from '../experiment';
import { preparationKey, prepareShared, type SharedPreparation } from './shared';
import { availableMethods } from '../method_info';
import type { Metrics } from '../types';

const bandit = { seed: 5, sft: { steps: 20, demos: 128 }, feedback: { comparisons: 128 }, rewardModel: { steps: 20 }, preferenceModel: { steps: 20 }, iterations: 3 } satisfies Partial<ConfigInput>;

async function run(config: Config, shared?: SharedPreparation): Promise<{ members: Metrics[][]; prepare: unknown }> {
  const experiment = createExperiment(config, { shared });
  const prepare = await experiment.prepare();
  const members: Metrics[][] = [];
  for (let i = 0; i < config.iterations; i++) members.push((await experiment.step()).members);
  experiment.dispose();
  return { members, prepare };
}

describe('a shared preparation', () => {
  // PPO trains the network; best-of-n reads the evaluator's tables; tabular Nash-MD starts from
  // evaluator.logProbs(); Chain of Hindsight scores its own conditioned net through the evaluator.
  it.each(availableMethods())('gives %s the same numbers as preparing alone', async (id) => {
    const config = defaultConfig({ ...bandit, method: { id } as ConfigInput['method'] });
    const alone = await run(config);
    const preparation = await prepareShared(config);
    const shared = await run(config, preparation);
    preparation.dispose();
    expect(shared.prepare).toEqual(alone.prepare);
    expect(shared.members).toEqual(alone.members);
    if (id !== 'sft') expect(shared.members[2][0]['kl/exact']).toBeGreaterThan(0);
  });

  it('resets a transformer policy to π_ref on the sequence task', async () => {
    const config = defaultConfig({
      task: { id: 'helpful' },
      iterations: 2,
      sft: { steps: 10, demos: 128 },
      feedback: { comparisons: 64 },
      rewardModel: { steps: 5 },
      preferenceModel: { steps: 5 },
      method: { id: 'ppo', batchSize: 8, minibatches: 1, epochs: 1 },
    });
    const alone = await run(config);
    const preparation = await prepareShared(config);
    const shared = await run(config, preparation);
    preparation.dispose();
    expect(shared.members).toEqual(alone.members);
  });

  it('lends its tensors: experiments free only their own, the preparation frees the rest', async () => {
    const before = tf.memory().numTensors;
    const leaks = leakCheck();
    const preparation = await prepareShared(defaultConfig(bandit));
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    leaks.hold(); // what the preparation holds
    for (const id of ['ppo', 'dpo', 'sft'] as const) {
      const first = await run(defaultConfig({ ...bandit, method: { id } }), preparation);
      leaks.expectFlat('tensors after an experiment on the preparation');
      // The preparation survived the experiment's dispose: a second run on it gives the same numbers.
      const second = await run(defaultConfig({ ...bandit, method: { id } }), preparation);
      expect(second.members).toEqual(first.members);
    }
    preparation.dispose();
    leaks.expectFreed();
  });

  it('refuses a config that needs a different preparation, and says why', async () => {
    const preparation = await prepareShared(defaultConfig(bandit));
    const other = createExperiment(defaultConfig({ ...bandit, seed: 6 }), { shared: preparation });
    await expect(other.prepare()).rejects.toThrow(/needs its own preparation.*seed/);
    other.dispose();
    // A different method and β on the same preparation is fine.
    const ok = createExperiment(defaultConfig({ ...bandit, method: { id: 'dpo', beta: 0.5 } }), { shared: preparation });
    await expect(ok.prepare()).resolves.toBeDefined();
    ok.dispose();
    // Prepared for PPO, the preparation has no pairwise preference model, which Nash-MD plays against.
    expect(preparation.prepared.preference).toBeNull();
    const nash = createExperiment(defaultConfig({ ...bandit, method: { id: 'nash_md' } }), { shared: preparation });
    await expect(nash.prepare()).rejects.toThrow(/Nash-MD needs the pairwise preference model: prepare the shared preparation with \{ preferenceModel: true \}/);
    nash.dispose();
    preparation.dispose();
  });
});

describe('a β sweep on a shared preparation', () => {
  it('has the key of its seed alone: turning a β sweep on or off keeps the preparation, a seed sweep does not', () => {
    const one = defaultConfig(bandit);
    expect(preparationKey(defaultConfig({ ...bandit, sweep: { kind: 'beta', values: [0.01, 0.1, 1] } }))).toBe(preparationKey(one));
    expect(preparationKey(defaultConfig({ ...bandit, sweep: { kind: 'seed', count: 2 } }))).not.toBe(preparationKey(one));
  });

  it.each(['ppo', 'dpo', 'nash_md'] as const)('gives each %s member the numbers of its β run alone, from one preparation of one member', async (id) => {
    const betas = [0.05, 0.5];
    const preparation = await prepareShared(defaultConfig({ ...bandit, method: { id } }));
    try {
      const leaks = leakCheck();
      const sweep = await run(defaultConfig({ ...bandit, method: { id }, sweep: { kind: 'beta', values: betas } }), preparation);
      leaks.expectFreed(); // the per-member view of the preparation went with the experiment
      for (const [k, beta] of betas.entries()) {
        const method = id === 'nash_md' ? { id, tau: beta } : { id, beta };
        const alone = await run(defaultConfig({ ...bandit, method }), preparation);
        expect(sweep.members.map((m) => m[k])).toEqual(alone.members.map((m) => m[0]));
      }
    } finally {
      preparation.dispose();
    }
  });
});
