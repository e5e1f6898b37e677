import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config';
import { totalVariation } from '../eval/optimum';
import { createExperiment } from '../experiment';
import { createTabularNet } from '../models/tabular';
import type { RewardNet } from '../models/reward_mlp';
import { createPopulation } from '../population';
import { scenarioById } from '../scenarios';
import { leakCheck, sharedPreparation } from '../testing';
import { createPgState, disposePgState, groupAdvantages, pgIteration, GROUP_STD_EPS } from './pg_loop';
import { grpoSpec } from './grpo';
import { disposeOutput, type MethodContext } from './method';
import { RLOO_SPEC } from './rloo';

const bandit = sharedPreparation({ task: { id: 'bandit' }, sft: { steps: 150 }, rewardModel: { steps: 150 } });

const train = bandit.tables;

describe('group advantages', () => {
  it('match the hand-computed leave-one-out, group-normalised and group-mean values', () => {
    const R = tf.tensor3d([[[1, 2, 3, 6]]]);
    const [loo, norm, mean] = (['leave_one_out', 'group_norm', 'group_mean'] as const).map((e) => groupAdvantages(R, e).dataSync());
    // A_1 = 1 − (2 + 3 + 6)/3 = −8/3; A_4 = 6 − (1 + 2 + 3)/3 = 4.
    expect(loo[0]).toBeCloseTo(-8 / 3, 5);
    expect(loo[3]).toBeCloseTo(4, 5);
    // mean 3; unbiased std √((4 + 1 + 0 + 9)/3).
    const std = Math.sqrt(14 / 3);
    [1, 2, 3, 6].forEach((r, i) => {
      expect(mean[i]).toBeCloseTo(r - 3, 5);
      expect(norm[i]).toBeCloseTo((r - 3) / (std + GROUP_STD_EPS), 5);
    });
    const equal = tf.fill([1, 2, 3], 0.7);
    for (const e of ['leave_one_out', 'group_norm', 'group_mean'] as const) expect(Array.from(groupAdvantages(equal, e).dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    tf.dispose([R, equal]);
  });

  it.each([
    ['GRPO, β = 0', grpoSpec('grpo')],
    ['RLOO at π_θ = π_ref', RLOO_SPEC],
  ] as const)('a group whose rewards are all equal leaves the policy exactly where it was (%s)', (_name, spec) => {
    const config = defaultConfig({ method: { id: 'grpo', k: 4, batchSize: 8 } });
    if (config.method.id !== 'grpo') throw new Error('unreachable');
    const pop = createPopulation(config);
    const leaks = leakCheck();
    const policy = createTabularNet(pop.shape, pop.shape.V, 1);
    tf.tidy(() => policy.params[0].assign(tf.randomNormal(policy.params[0].shape, 0, 1, 'float32', 7)));
    const before = policy.params[0].arraySync();
    // π_ref = π_θ: RLOO's KL term is 0 too, so every reward in a group is the constant r_φ.
    const reference = [tf.clone(policy.params[0])];
    const reward = { params: [], apply: (prompts: tf.Tensor) => tf.fill(prompts.shape, 0.5) } as unknown as RewardNet;
    const ctx = { pop, policy, reference, reward, evaluator: null } as unknown as MethodContext;
    const state = createPgState(ctx, spec, config.method);
    const out = pgIteration(ctx, state, spec, config.method, 1);
    const equalGroups = out.metrics[`${spec.id}/equal_groups`].dataSync()[0];
    disposeOutput(out);
    expect(equalGroups).toBe(1);
    expect(policy.params[0].arraySync()).toEqual(before);
    disposePgState(state);
    policy.dispose();
    tf.dispose(reference);
    leaks.expectFreed();
  });
});

describe('RLOO on the tabular bandit', () => {
  it('converges to π* ∝ π_ref·exp(r_φ/β) of its reward model (total variation < 0.02)', async () => {
    const tables = await train({ id: 'rloo', beta: 0.2, k: 4, batchSize: 128, lr: 0.05 }, 150);
    const tv = tables.policy.map((pi, x) => totalVariation(pi, tables.optimum[x]));
    const tvRef = tables.reference.map((ref, x) => totalVariation(ref, tables.optimum[x]));
    expect(Math.min(...tvRef)).toBeGreaterThan(0.1); // it has to move to pass
    expect(Math.max(...tv)).toBeLessThan(0.02);
  });
});

/**
 * Dr. GRPO's fixed point on a one-step task: with Â = R − group mean (whose mean given y is
 * (k−1)/k·(R(y) − R̄)) and the k3 term's gradient β·(π − π_ref) (that of KL(π_ref‖π)),
 * stationarity is (k−1)/k·π(y)·(R(y) − R̄) = β·(π(y) − π_ref(y)), i.e.
 * π(y) = π_ref(y)/(1 − c·(R(y) − m)) with c = (k−1)/(kβ) and m = R̄ found by bisection.
 */
function drGrpoFixedPoint(ref: readonly number[], R: readonly number[], k: number, beta: number): number[] {
  const c = (k - 1) / (k * beta);
  const total = (m: number) => ref.reduce((s, p, y) => s + p / (1 - c * (R[y] - m)), 0);
  let [lo, hi] = [Math.max(...R) - 1 / c + 1e-12, Math.max(...R) + 1e6];
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (total(mid) > 1) lo = mid;
    else hi = mid;
  }
  return ref.map((p, y) => p / (1 - c * (R[y] - lo)));
}

describe('GRPO on the tabular bandit', () => {
  it('with β = 0 (TRL’s default) collapses onto the reward model’s favourite response', async () => {
    const tables = await train({ id: 'grpo', k: 8, batchSize: 32, lr: 0.05 }, 80);
    tables.policy.forEach((pi, x) => {
      const best = tables.proxy[x].indexOf(Math.max(...tables.proxy[x]));
      expect(pi[best], tables.prompts[x]).toBeGreaterThan(0.95);
    });
  });

  it('with β > 0 (Dr. GRPO) settles on the fixed point of its forward-KL pull, not on π*_β', async () => {
    const beta = 0.5;
    const k = 8;
    const tables = await train({ id: 'grpo', variant: 'dr_grpo', beta, k, batchSize: 128, lr: 0.01 }, 200);
    tables.policy.forEach((pi, x) => {
      const ref = tables.reference[x];
      const target = drGrpoFixedPoint(ref, tables.proxy[x], k, beta);
      expect(target.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      // Seed 0 on CPU: 0.0015–0.005 from the fixed point, 0.03–0.04 from π*_β.
      const tv = totalVariation(pi, target);
      expect(tv, tables.prompts[x]).toBeLessThan(0.01);
      // It moved, and where it went is not π*_β.
      expect(totalVariation(ref, target)).toBeGreaterThan(0.1);
      expect(totalVariation(pi, tables.optimum[x])).toBeGreaterThan(Math.max(0.02, 4 * tv));
    });
  });
});

describe('the RLOO and GRPO scenarios', () => {
  /** A scenario's run on its own preparation: member 0's tables and r_φ after its last iteration. */
  async function runScenario(id: string) {
    const { config } = scenarioById(id)!;
    const experiment = createExperiment(config);
    for (let i = 0; i < config.iterations; i++) await experiment.step();
    const { members } = await experiment.summary();
    experiment.dispose();
    return members[0].tables!;
  }

  it('“RLOO lands on π*_β”: within 0.03 in total variation of its own π*_β after 60 iterations', async () => {
    const t = await runScenario('rloo-optimum');
    t.policy.forEach((pi, x) => {
      expect(totalVariation(t.reference[x], t.optimum[x])).toBeGreaterThan(0.1);
      expect(totalVariation(pi, t.optimum[x]), t.prompts[x]).toBeLessThan(0.03);
    });
  });

  it('“GRPO with β = 0 collapses”: each prompt ends on r_φ’s favourite reply, π*_0 (within 0.05)', async () => {
    const t = await runScenario('grpo-collapse');
    t.policy.forEach((pi, x) => expect(totalVariation(pi, t.optimum[x]), t.prompts[x]).toBeLessThan(0.05)); // π*_0: r_φ's favourite
  });
});
