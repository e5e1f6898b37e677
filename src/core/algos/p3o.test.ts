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
import { createPgState, disposePgState, pgIteration } from './pg_loop';
import { disposeOutput, type MethodContext } from './method';
import { jointClipping, p3oSpec, separateClipping } from './p3o';

describe('P3O’s clipped pairwise surrogates', () => {
  // Two pairs: (y₁, y₂) with log-ratios 0.1, −0.3 and A = r₁ − r₂ = 1; (y₃, y₄) with 0.5, 0 and A = −2.
  const logRatio = () => tf.tensor2d([[0.1, -0.3, 0.5, 0]]);
  const A = () => tf.tensor2d([[1, -1, -2, 2]]);

  it('separate clipping (V1) matches the hand-computed value: each response’s ratio clipped on its own', () => {
    const { loss, clipfrac } = separateClipping(logRatio(), A(), 0.2);
    // min(e^0.1·1, 1.1052·1) = 1.1052; min(e^−0.3·(−1), 0.8·(−1)) = −0.8; min(e^0.5·(−2), 1.2·(−2)) = −3.2974; 2.
    const expected = -(Math.exp(0.1) - 0.8 - 2 * Math.exp(0.5) + 2) / 4;
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(clipfrac.dataSync()[0]).toBe(0.5); // e^−0.3 and e^0.5 are outside 1 ± 0.2
  });

  it('joint clipping (V2) matches the hand-computed value: the pair’s relative ratio ρ₁/ρ₂ clipped', () => {
    const { loss, clipfrac } = jointClipping(logRatio(), A(), 0.2);
    // Pair 1: ρ₁/ρ₂ = e^0.4 = 1.49, A = 1 → min(1.49, 1.2) = 1.2. Pair 2: e^0.5, A = −2 → −3.2974. ½·mean.
    const expected = -0.5 * ((1.2 - 2 * Math.exp(0.5)) / 2);
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(clipfrac.dataSync()[0]).toBe(1);
  });

  it('both equal the pairwise policy gradient (eq. 6) at π_θ = π_old: −(r₁ − r₂)/2 on log π(y₁), +(r₁ − r₂)/2 on log π(y₂), per pair', () => {
    const zero = tf.zeros([1, 4]);
    for (const surrogate of [separateClipping, jointClipping]) {
      const g = tf.grad((x: tf.Tensor) => surrogate(x, A(), 0.2).loss.sum())(zero).dataSync();
      // Two pairs: the mean over pairs divides by 2.
      expect(Array.from(g).map((v) => +v.toFixed(6))).toEqual([-1 / 2 / 2, 1 / 2 / 2, 2 / 2 / 2, -2 / 2 / 2]);
    }
  });
});

describe('P3O’s reward equivalence (the paper’s Definition 1)', () => {
  /** One P3O iteration on a random tabular policy with r(x, y) = ¼·y₁ + offset(x); the policy's logits before and after it. */
  function stepWithOffset(offset: (prompt: tf.Tensor) => tf.Tensor, clip: 'joint' | 'separate') {
    const config = defaultConfig({ task: { id: 'bandit' }, method: { id: 'p3o', clip, batchSize: 16, epochs: 3, lr: 0.1 } });
    if (config.method.id !== 'p3o') throw new Error('unreachable');
    const pop = createPopulation(config);
    const policy = createTabularNet(pop.shape, pop.shape.V, 1);
    tf.tidy(() => policy.params[0].assign(tf.randomNormal(policy.params[0].shape, 0, 1, 'float32', 7)));
    // π_ref = π_old: the KL term in the reward is exactly 0, so the rewards stay exact in float32.
    const reference = [tf.clone(policy.params[0])];
    const reward = {
      params: [],
      apply: (prompts: tf.Tensor, tokens: tf.Tensor) => tf.tidy(() => tf.add(tf.mul(tf.cast(tf.squeeze(tf.slice(tokens, [0, 0, 0], [-1, -1, 1]), [2]), 'float32'), 0.25), offset(prompts))),
    } as unknown as RewardNet;
    const ctx = { pop, policy, reference, reward, evaluator: null } as unknown as MethodContext;
    const state = createPgState(ctx, p3oSpec(clip), { ...config.method, k: 2 });
    const before = Array.from(policy.params[0].dataSync());
    disposeOutput(pgIteration(ctx, state, p3oSpec(clip), { ...config.method, k: 2 }, 1));
    const after = Array.from(policy.params[0].dataSync());
    disposePgState(state);
    policy.dispose();
    tf.dispose(reference);
    return { before, after };
  }

  it.each(['joint', 'separate'] as const)('adding c(x) to every reward of a prompt leaves the update unchanged (%s clipping)', (clip) => {
    const leaks = leakCheck();
    const plain = stepWithOffset((p) => tf.zeros(p.shape), clip);
    const shifted = stepWithOffset((p) => tf.add(tf.mul(tf.cast(p, 'float32'), 3), -11), clip);
    expect(Math.max(...plain.after.map((v, i) => Math.abs(v - plain.before[i])))).toBeGreaterThan(0.01); // the step did something
    // Rewards and offsets exact in float32, so r₁ − r₂ is the same number: the same step, bit for bit.
    expect(shifted.after).toEqual(plain.after);
    leaks.expectFreed();
  });
});

const bandit = sharedPreparation({ task: { id: 'bandit' }, sft: { steps: 150 }, rewardModel: { steps: 150 } });

const train = bandit.tables;

describe('P3O on the tabular bandit', () => {
  it.each(['joint', 'separate'] as const)('converges to π* ∝ π_ref·exp(r_φ/β) of its reward model (%s clipping, total variation < 0.02)', async (clip) => {
    const tables = await train({ id: 'p3o', clip, beta: 0.2, batchSize: 128, epochs: 2, lr: 0.05 }, 150);
    tables.policy.forEach((pi, x) => {
      expect(totalVariation(tables.reference[x], tables.optimum[x])).toBeGreaterThan(0.1); // it has to move to pass
      expect(totalVariation(pi, tables.optimum[x]), tables.prompts[x]).toBeLessThan(0.02);
    });
  });

  it('with one pass both versions take the same step (both are eq. 6 at ρ = 1); with four they differ', async () => {
    const one = await Promise.all((['joint', 'separate'] as const).map((clip) => train({ id: 'p3o', clip, beta: 0.1, batchSize: 32, epochs: 1, lr: 0.1 }, 3)));
    one[0].policy.forEach((pi, x) => pi.forEach((p, y) => expect(Math.abs(p - one[1].policy[x][y])).toBeLessThan(1e-5)));
    const four = await Promise.all((['joint', 'separate'] as const).map((clip) => train({ id: 'p3o', clip, beta: 0.1, batchSize: 32, epochs: 4, lr: 0.5 }, 3)));
    const gap = Math.max(...four[0].policy.flatMap((pi, x) => pi.map((p, y) => Math.abs(p - four[1].policy[x][y]))));
    expect(gap).toBeGreaterThan(1e-3);
  });
});

describe('the P3O scenario', () => {
  it('“P3O learns from differences”: within 0.03 in total variation of its own π*_β after 60 iterations', async () => {
    const { config } = scenarioById('p3o-pairs')!;
    const experiment = createExperiment(config);
    for (let i = 0; i < config.iterations; i++) await experiment.step();
    const { members } = await experiment.summary();
    experiment.dispose();
    const t = members[0].tables!;
    t.policy.forEach((pi, x) => expect(totalVariation(pi, t.optimum[x]), t.prompts[x]).toBeLessThan(0.03));
  });
});
