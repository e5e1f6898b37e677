import { describe, expect, it } from 'vitest';
import { defaultConfig, type ConfigInput } from './config';
import { createExperiment } from './experiment';
import type { IterationResult, PairView } from './types';

async function run(overrides: Partial<ConfigInput>, n: number): Promise<IterationResult[]> {
  const experiment = createExperiment(defaultConfig(overrides));
  const results: IterationResult[] = [];
  for (let i = 0; i < n; i++) results.push(await experiment.step());
  experiment.dispose();
  return results;
}

const small = { sft: { steps: 20 }, rewardModel: { steps: 20 }, iterations: 3 };

describe('experiment', () => {
  it('trains a β sweep as one population: members share data, differ only through β', async () => {
    const [first, second] = await run({ ...small, sweep: { kind: 'beta', values: [0.01, 10] } }, 2);
    expect(first.members).toHaveLength(2);
    // Same seed and same start: iteration 1 samples the same responses from the same π_ref.
    expect(first.members[0]['reward/proxy']).toBe(first.members[1]['reward/proxy']);
    expect(first.members[0]['ppo/beta']).toBeCloseTo(0.01, 6);
    expect(first.members[1]['ppo/beta']).toBeCloseTo(10, 5);
    // After an update the strongly regularised member has moved less from π_ref.
    expect(second.members[1]['kl/exact']).toBeLessThan(second.members[0]['kl/exact']);
  });

  it('gives each member of a seed sweep its own data', async () => {
    const [first] = await run({ ...small, sweep: { kind: 'seed', count: 2 } }, 1);
    expect(first.members[0]['reward/proxy']).not.toBe(first.members[1]['reward/proxy']);
  });

  it('reports the metrics it promises, finite, with one readback per iteration', async () => {
    const [r] = await run(small, 1);
    for (const name of ['reward/proxy', 'reward/gold', 'kl/exact', 'kl/k1', 'kl/k3', 'loss/policy', 'loss/value', 'ppo/clipfrac', 'ppo/approx_kl', 'policy/entropy', 'ppo/beta', 'value/explained_variance']) {
      expect(Number.isFinite(r.members[0][name]), name).toBe(true);
    }
    expect(r.readbacks).toBe(1);
    expect(r.stages.map((s) => s.name)).toEqual(['sample', 'score', 'advantages', 'update', 'readback']);
    expect(r.stages[3].narration).toMatch(/ratios clipped/);
  });

  it('trains the sequence task with the transformer policy and summarises exact tables', async () => {
    const experiment = createExperiment(
      defaultConfig({
        task: { id: 'helpful' },
        iterations: 2,
        sft: { steps: 40, demos: 256 },
        feedback: { comparisons: 128 },
        rewardModel: { steps: 20 },
        method: { id: 'ppo', batchSize: 16, minibatches: 2, epochs: 1 },
      }),
    );
    expect(experiment.info.task.policy).toBe('transformer');
    const prep = await experiment.prepare();
    // The untrained transformer is uniform: NLL = T·log V = 4·log 6 ≈ 7.17. SFT must beat it.
    expect(prep.sft[0]['sft/nll']).toBeLessThan(4 * Math.log(6) - 0.2);
    await experiment.step();
    const summary = await experiment.summary();
    const tables = summary.members[0].tables!;
    expect(tables.responses).toHaveLength(6 ** 4);
    for (const dist of [tables.policy[0], tables.reference[0], tables.optimum[0]]) {
      expect(dist.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    experiment.dispose();
  });
});

describe('policy bars', () => {
  it('show Nash-MD heading for the τ-regularised Nash equilibrium of the gold preference (a mixture on a cycle), not π*_β', async () => {
    const config = defaultConfig({ task: { id: 'cycle' }, iterations: 2, sft: { demos: 64, steps: 5 }, feedback: { comparisons: 64 }, rewardModel: { steps: 5 }, preferenceModel: { steps: 5 }, method: { id: 'nash_md', tau: 0.5 } });
    const experiment = createExperiment(config);
    await experiment.prepare();
    const { bars } = await experiment.step();
    experiment.dispose();
    expect(bars?.target).toBe('nash');
    const nash = bars!.members[0].optimum!;
    for (const row of nash) {
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      // Rock, paper and scissors all keep weight: no pure response is the equilibrium of a cycle.
      expect(Math.min(...row)).toBeGreaterThan(0.05);
    }
  });

  it('show π*_β for PPO', async () => {
    const config = defaultConfig({ iterations: 2, sft: { demos: 64, steps: 5 }, feedback: { comparisons: 64 }, rewardModel: { steps: 5 }, preferenceModel: { steps: 5 } });
    const experiment = createExperiment(config);
    await experiment.prepare();
    const { bars } = await experiment.step();
    experiment.dispose();
    expect(bars?.target).toBe('optimum');
    expect(bars?.members[0].optimum).toBeDefined();
  });
});

describe('the stage walk’s view of the samples', () => {
  const tiny = { iterations: 2, sft: { demos: 64, steps: 5 }, feedback: { comparisons: 64 }, rewardModel: { steps: 5 } };

  it('PPO: π_θ before the update (π_ref in iteration 1), the per-token reward and the advantages', async () => {
    const [first, second] = await run({ ...tiny, method: { id: 'ppo', klEstimator: 'k1' } }, 2);
    for (const s of first.samples!) {
      // The policy starts as π_ref: before the first update they agree; the update moves π_θ.
      s.logProbBefore!.forEach((lp, t) => expect(lp).toBeCloseTo(s.logProbRef[t], 5));
      expect(s.logProb.some((lp, t) => Math.abs(lp - s.logProbBefore![t]) > 1e-6)).toBe(true);
      // With no KL yet, r_T is r_φ(x, y) (a one-token response: the only token).
      expect(s.tokenReward![0]).toBeCloseTo(s.proxy, 4);
      expect(s.advantage).toHaveLength(1);
      expect(Number.isFinite(s.advantage![0])).toBe(true);
    }
    // From iteration 2 the policy before the update is no longer π_ref, and r_t pays the KL penalty.
    const s = second.samples![0];
    expect(Math.abs(s.logProbBefore![0] - s.logProbRef[0])).toBeGreaterThan(1e-6);
    const beta = first.members[0]['ppo/beta'];
    expect(s.tokenReward![0]).toBeCloseTo(s.proxy - beta * (s.logProbBefore![0] - s.logProbRef[0]), 4);
  });

  it('DPO: the pairs of its minibatch, whose margin h the update raises', async () => {
    const [first] = await run({ ...tiny, method: { id: 'dpo', batchSize: 16 } }, 1);
    const pairs = first.pairs!;
    expect(pairs).toHaveLength(8);
    const h = (p: PairView, when: 'Before' | 'After') => p[`chosen${when}`] - p.chosenRef - (p[`rejected${when}`] - p.rejectedRef);
    for (const p of pairs) {
      // π_θ starts as π_ref: every margin starts at 0.
      expect(h(p, 'Before')).toBeCloseTo(0, 5);
      expect(p.chosen).not.toBe(p.rejected);
    }
    // The steps' gradient raises h on the pairs it trains on.
    expect(pairs.reduce((sum, p) => sum + h(p, 'After'), 0)).toBeGreaterThan(0);
    const [noPairs] = await run({ ...tiny, method: { id: 'ppo' } }, 1);
    expect(noPairs.pairs).toBeUndefined();
  });

  it('DPO: before and after on the responses it samples after its update; no advantages', async () => {
    const [first] = await run({ ...tiny, method: { id: 'dpo' } }, 1);
    for (const s of first.samples!) {
      s.logProbBefore!.forEach((lp, t) => expect(lp).toBeCloseTo(s.logProbRef[t], 5));
      expect(s.advantage).toBeUndefined();
      expect(s.tokenReward).toBeUndefined();
    }
  });
});
