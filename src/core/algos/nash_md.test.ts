import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig, type Config, type ConfigInput } from '../config';
import { regularizedNash, regularizedResidual, symmetricNash } from '../eval/nash';
import { createExperiment } from '../experiment';
import { createTabularNet } from '../models/tabular';
import { sampleTokens } from '../models/sample';
import { Rng } from '../rng';
import { prepareShared } from '../preparation/shared';
import { handPreparation, lastMembers, leakCheck, PREP, quickConfig, runExperiment, sharedPreparation } from '../testing';
import { disposeOutput } from './method';
import { createNashMd } from './nash_md';
import { sampleMixture } from './nash_md_pg';
import { nashMpStep, preferenceTable } from './nash_tabular';

/** The intransitive task with judges good enough to learn from (each preparation prepares in about a second). */
const CYCLE = { task: { id: 'cycle' as const }, ...PREP.small, evalEvery: 1000 };
/** Two runs trained together, each with its own τ. */
const TAUS = [0.2, 1];

/**
 * One hand-preparation for the τ sweep, shared by the Nash-MD and Nash-MP convergence tests
 * (their preparations were identical); each training starts again from π_ref.
 */
let sweep: ReturnType<typeof handPreparation> | null = null;
afterAll(async () => (await sweep)?.dispose());

/** Tabular Nash-MD (or Nash-MP) by hand: every iteration's metrics per member, the final π and the tables it solved. */
async function trainTabular(config: Config) {
  sweep ??= handPreparation(defaultConfig({ ...CYCLE, method: { id: 'nash_md' }, sweep: { kind: 'beta', values: TAUS } }));
  const { ctx, prepared } = await sweep;
  if (config.method.id !== 'nash_md') throw new Error('trainTabular needs a Nash-MD config');
  ctx.policy.params.forEach((w, i) => w.assign(prepared.reference[i]));
  const method = createNashMd(ctx, config.method);
  const history: Record<string, number[]>[] = [];
  for (let i = 1; i <= config.iterations; i++) {
    const out = method.iterate(i, () => {});
    history.push(Object.fromEntries(Object.entries(out.metrics).map(([k, t]) => [k, Array.from(t.dataSync())])));
    disposeOutput(out);
  }
  const table = preferenceTable(ctx);
  const learned = (await table.array()) as number[][][][];
  const logPi = ctx.evaluator!.logProbs();
  const pi = ((await logPi.array()) as number[][][]).map((m) => m.map((row) => row.map(Math.exp)));
  tf.dispose([table, logPi]);
  const { reference } = ctx.evaluator!.tables;
  method.dispose();
  return { history, learned, pi, reference };
}

describe('regularizedNash (π*_τ ∝ μ·exp(P(y ≻ π*_τ)/τ))', () => {
  it('is μ itself when every response ties', () => {
    // P(y ≻ π) = ½ for every y, so exp(½/τ) cancels in the normalisation.
    const mu = [0.7, 0.3];
    const { pi, residual } = regularizedNash([[0.5, 0.5], [0.5, 0.5]], mu, 0.1);
    expect(pi[0]).toBeCloseTo(0.7, 9);
    expect(pi[1]).toBeCloseTo(0.3, 9);
    expect(residual).toBeLessThan(1e-9);
  });

  it('is uniform for rock–paper–scissors with a uniform μ', () => {
    // By symmetry P(y ≻ uniform) = (½ + 0 + 1)/3 = ½ for every y: uniform is the fixed point.
    const rps = [[0.5, 0, 1], [1, 0.5, 0], [0, 1, 0.5]];
    const { pi } = regularizedNash(rps, [1 / 3, 1 / 3, 1 / 3], 0.05);
    pi.forEach((p) => expect(p).toBeCloseTo(1 / 3, 6));
  });

  it.each([
    [0.8, 0.5, 0.5, 1],
    [1, 0.5, 0.5, 1],
    [0.3, 0.2, 0.8, 0.25],
  ])('solves the 2×2 game P(a ≻ b) = %s, μ = (%s, %s), τ = %s in closed form', (p, muA, muB, tau) => {
    // log(π_a/π_b) = log(μ_a/μ_b) + [½π_a + p·π_b − (1−p)·π_a − ½π_b]/τ = log(μ_a/μ_b) + (p − ½)/τ,
    // e.g. p = 1, uniform μ, τ = 1: π_a = σ(½) = 0.6225.
    const { pi } = regularizedNash([[0.5, p], [1 - p, 0.5]], [muA, muB], tau);
    const z = Math.log(muA / muB) + (p - 0.5) / tau;
    expect(pi[0]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
  });

  it('approaches the unregularized Nash mixture as τ → 0', () => {
    // The cycle task's first prompt: Nash (2/7, 4/7, 1/7, 0) (eval/nash.test.ts).
    const P = [[0.5, 0.4, 0.9, 0.8], [0.6, 0.5, 0.3, 0.8], [0.1, 0.7, 0.5, 0.8], [0.2, 0.2, 0.2, 0.5]];
    const { pi, residual } = regularizedNash(P, [0.3, 0.3, 0.3, 0.1], 0.01);
    expect(residual).toBeLessThan(1e-3);
    symmetricNash(P).pi.forEach((q, i) => expect(Math.abs(pi[i] - q)).toBeLessThan(0.03));
  });
});

/** The cycle task for one run (P = 1), prepared once for the tests that compare Nash-MD's updates on it. */
const cycle = sharedPreparation({ ...CYCLE, method: { id: 'nash_md' } });

describe('tabular Nash-MD', () => {
  it('converges to the regularized Nash equilibrium of its learned preference table, per member τ', async () => {
    const taus = TAUS;
    const config = defaultConfig({ ...CYCLE, iterations: 300, method: { id: 'nash_md', tau: taus[0] }, sweep: { kind: 'beta', values: taus } });
    const { history, learned, pi, reference } = await trainTabular(config);
    const last = history[history.length - 1];

    expect(last['nash/tau']).toEqual(taus.map((t) => Math.fround(t)));
    for (let p = 0; p < taus.length; p++) {
      // η_t = 2/(τ(t+2)) at t = 299.
      expect(last['nash/eta'][p]).toBeCloseTo(2 / (taus[p] * 301), 6);
      expect(last['nash/residual'][p]).toBeLessThan(1e-3);
      for (let x = 0; x < pi[p].length; x++) {
        expect(regularizedResidual(learned[p][x], reference[p][x], taus[p], pi[p][x])).toBeLessThan(1e-3);
        const star = regularizedNash(learned[p][x], reference[p][x], taus[p]).pi;
        star.forEach((q, y) => expect(Math.abs(pi[p][x][y] - q)).toBeLessThan(2e-3));
      }
    }
    // The learned preference keeps the cycle: paper ≻ rock, rock ≻ scissors, scissors ≻ paper.
    expect(learned[0][0][1][0]).toBeGreaterThan(0.5);
    expect(learned[0][0][0][2]).toBeGreaterThan(0.5);
    expect(learned[0][0][2][1]).toBeGreaterThan(0.5);
  });

  it('stalls away from π*_τ with a constant η', async () => {
    // Constant η: the fixed point satisfies π ∝ μ·exp(P(y ≻ π^μ)/τ) with π^μ ≠ π.
    const metrics = async (eta: number | null) =>
      lastMembers(await cycle.run({ iterations: 300, method: { id: 'nash_md', tau: 0.2, eta } }))[0];
    const decreasing = await metrics(null);
    const constant = await metrics(2.5); // η·τ = ½
    expect(decreasing['nash/residual']).toBeLessThan(1e-3);
    expect(constant['nash/residual']).toBeGreaterThan(10 * decreasing['nash/residual']);
  });

  it('is not beaten on the intransitive task, where PPO is', async () => {
    // Noise-free labels: the learned preference is then the pool's (the rock fan tilts it a little),
    // whose Nash mixture stays within 0.01 of the gold equilibrium's worst case of ½.
    const noiseFree = { ...CYCLE, feedback: { labelNoise: 0, comparisons: 4000 } };
    // Both methods on one preparation (the same π_ref, judges and labels, as in a farm table).
    const preparation = await prepareShared(defaultConfig({ ...noiseFree, method: { id: 'nash_md' } }));
    const run = async (overrides: Partial<ConfigInput>) => lastMembers(await runExperiment(defaultConfig({ ...noiseFree, ...overrides }), preparation))[0];
    let nash, ppo;
    try {
      nash = await run({ iterations: 600, method: { id: 'nash_md', tau: 0.02 } });
      ppo = await run({ iterations: 100, method: { id: 'ppo', beta: 0.02 } });
    } finally {
      preparation.dispose();
    }
    expect(nash['winrate/worst_case']).toBeGreaterThanOrEqual(0.49);
    // (seed 0 gives 0.4924 here, and 0.449 for PPO, on CPU and WASM alike.) PPO's reward model ranks the cycle, so PPO
    // piles onto one reply that another beats.
    expect(ppo['winrate/worst_case']).toBeLessThan(0.47);
  });
});

describe('tabular Nash-MP (mirror prox)', () => {
  const RPS = [[0.5, 0, 1], [1, 0.5, 0], [0, 1, 0.5]];

  it('takes the half step and the full step by hand on rock–paper–scissors', () => {
    // π_k = (0.6, 0.3, 0.1), μ uniform, τ = ½, η = 2, so ητ = 1 and both steps are
    // π ∝ √π_k·exp(P(y ≻ π')): P(y ≻ π_k) = (0.4, 0.75, 0.35) → π_{k+½} = (0.41810, 0.41954, 0.16236);
    // P(y ≻ π_{k+½}) = (0.37141, 0.62787, 0.50072) → π_{k+1} = (0.42045, 0.38421, 0.19534).
    const logPi = tf.log(tf.tensor3d([[[0.6, 0.3, 0.1]]]));
    const logMu = tf.log(tf.fill([1, 1, 3], 1 / 3));
    const table = tf.tensor4d([[RPS]]);
    const [tau, eta] = [tf.tensor1d([0.5]), tf.tensor1d([2])];
    const before = tf.memory().numTensors;
    const step = nashMpStep(logPi, logMu, table, tau, eta);
    const [half, preference, next] = [tf.exp(step.logHalf), step.preference, tf.exp(step.next)].map((t) => Array.from(t.dataSync()));
    tf.dispose([step.logHalf, step.preference, step.next]);
    expect(tf.memory().numTensors).toBe(before + 2); // the two exp()s above
    tf.dispose([logPi, logMu, table, tau, eta]);
    [0.41810, 0.41954, 0.16236].forEach((q, i) => expect(half[i]).toBeCloseTo(q, 4));
    [0.37141, 0.62787, 0.50072].forEach((q, i) => expect(preference[i]).toBeCloseTo(q, 4));
    [0.42045, 0.38421, 0.19534].forEach((q, i) => expect(next[i]).toBeCloseTo(q, 4));
  });

  it('leaves the regularized Nash equilibrium where it is', () => {
    const mu = [0.5, 0.3, 0.2];
    const { pi } = regularizedNash(RPS, mu, 0.3);
    const logPi = tf.log(tf.tensor3d([[pi]]));
    const logMu = tf.log(tf.tensor3d([[mu]]));
    const table = tf.tensor4d([[RPS]]);
    const [tau, eta] = [tf.tensor1d([0.3]), tf.tensor1d([5])];
    const step = nashMpStep(logPi, logMu, table, tau, eta);
    const next = Array.from(tf.exp(step.next).dataSync());
    tf.dispose([logPi, logMu, table, tau, eta, step.logHalf, step.preference, step.next]);
    pi.forEach((q, i) => expect(next[i]).toBeCloseTo(q, 5));
  });

  it('converges linearly to π*_τ, at the rate (1+ητ)^−k, per member τ', async () => {
    const taus = TAUS;
    const eta = 1;
    const config = defaultConfig({ ...CYCLE, iterations: 40, method: { id: 'nash_md', update: 'mirror_prox', tau: taus[0], eta }, sweep: { kind: 'beta', values: taus } });
    const { history, learned, pi, reference } = await trainTabular(config);
    const residuals = history.map((h) => h['nash/residual']);

    // τ = 0.2: over iterations 10 → 30 the residual shrinks by about 1.2^20 ≈ 38 (seed 0: 40 on CPU, 38.5 on WASM).
    const contraction = residuals[9][0] / residuals[29][0];
    expect(contraction).toBeGreaterThan(0.5 * (1 + eta * taus[0]) ** 20);
    for (let p = 0; p < taus.length; p++) {
      expect(residuals[39][p]).toBeLessThan(1e-3);
      for (let x = 0; x < pi[p].length; x++) {
        const star = regularizedNash(learned[p][x], reference[p][x], taus[p]).pi;
        star.forEach((q, y) => expect(Math.abs(pi[p][x][y] - q)).toBeLessThan(1e-3));
      }
    }
  });

  it('gets closer than Nash-MD in the same number of iterations', async () => {
    const residual = async (update: 'exact' | 'mirror_prox') =>
      lastMembers(await cycle.run({ iterations: 40, method: { id: 'nash_md', tau: 0.2, update } }))[0]['nash/residual'];
    // Seed 0: 4e-3 for Nash-MD's η_t = 2/(τ(t+2)), below 1e-6 for Nash-MP's constant η = 2.
    expect(await residual('mirror_prox')).toBeLessThan((await residual('exact')) / 100);
  });
});

describe('the mixture sampler π^β ∝ π_θ^{1−β}·π_ref^β', () => {
  const shape = { nPrompts: 2, V: 3, T: 2 };
  const P = 2;
  const B = 64;
  const rng = new Rng(7);
  const random = (t: tf.Tensor) => tf.tensor(rng.normalArray(t.size, 2), t.shape);

  it('samples π_θ at β = 0 and π_ref at β = 1 for the same noise', () => {
    const net = createTabularNet(shape, shape.V, P);
    const reference = [random(net.params[0])];
    net.params[0].assign(random(net.params[0]));
    const prompts = tf.tensor2d(Array.from({ length: P * B }, (_, i) => i % 2), [P, B], 'int32');
    const gumbel = tf.tensor4d(rng.gumbelArray(P * B * shape.T * shape.V), [P, B, shape.T, shape.V]);
    const own = sampleTokens(net, prompts, gumbel);
    const ref = sampleTokens(net, prompts, gumbel, reference);
    const at0 = sampleMixture(net, prompts, gumbel, 0, reference);
    const at1 = sampleMixture(net, prompts, gumbel, 1, reference);
    const [a, b, c, d] = [own, ref, at0, at1].map((t) => Array.from(t.dataSync()));
    tf.dispose([prompts, gumbel, own, ref, at0, at1, ...reference]);
    net.dispose();
    expect(c).toEqual(a);
    expect(d).toEqual(b);
    expect(a).not.toEqual(b); // the test means something only if π_θ and π_ref disagree
  });

  it('draws from softmax((1−β)·logits_θ + β·logits_ref) in between', () => {
    // One prompt, one token: the empirical distribution of 8000 draws at β = ¼.
    const one = { nPrompts: 1, V: 3, T: 1 };
    const net = createTabularNet(one, one.V, 1);
    net.params[0].assign(tf.tensor3d([[[2, 0, -1]]]));
    const reference = [tf.tensor3d([[[-1, 0, 2]]])];
    const n = 8000;
    const prompts = tf.zeros([1, n], 'int32');
    const gumbel = tf.tensor4d(rng.gumbelArray(n * 3), [1, n, 1, 3]);
    const tokens = sampleMixture(net, prompts, gumbel, 0.25, reference);
    const counts = [0, 0, 0];
    for (const y of tokens.dataSync()) counts[y] += 1;
    tf.dispose([prompts, gumbel, tokens, ...reference]);
    net.dispose();
    // ¾·(2, 0, −1) + ¼·(−1, 0, 2) = (1.25, 0, −0.25).
    const w = [Math.exp(1.25), 1, Math.exp(-0.25)];
    const z = w[0] + w[1] + w[2];
    counts.forEach((c, i) => expect(Math.abs(c / n - w[i] / z)).toBeLessThan(0.02));
  });
});

describe('Nash-MD-PG', () => {
  it('raises the win rate against π_ref on the bandit', async () => {
    const [m] = lastMembers(await runExperiment(defaultConfig({ ...CYCLE, task: { id: 'bandit' }, iterations: 80, method: { id: 'nash_md', update: 'pg', tau: 0.05, lr: 0.05 } })));
    expect(m['winrate/vs_ref_gold']).toBeGreaterThan(0.55);
  });

  it.each([
    // PG's step size is Adam's learning rate (no η to report); Nash-MP plays the extrapolated policy, not the mixture.
    ['the helpful task (transformer)', { task: { id: 'helpful' as const }, update: 'auto' as const }, ['mixture', 'sample', 'preference', 'update'], ['nash/preference_vs_mixture', 'nash/advantage'], ['nash/eta']],
    ['the cycle task (exact update)', { task: { id: 'cycle' as const }, update: 'auto' as const }, ['mixture', 'preference', 'update'], ['nash/preference_vs_mixture', 'nash/eta', 'nash/residual'], []],
    ['the cycle task (mirror prox)', { task: { id: 'cycle' as const }, update: 'mirror_prox' as const }, ['extrapolate', 'preference', 'update'], ['nash/preference_vs_extrapolated', 'nash/eta', 'nash/residual'], ['nash/preference_vs_mixture']],
  ])('marks its own stages and metrics, keeps the tensor count flat and frees everything on dispose on %s', async (_, { update, ...task }, marked, reported, absent) => {
    const leaks = leakCheck();
    const experiment = createExperiment(
      quickConfig('tiny', {
        ...task,
        iterations: 4,
        evalEvery: 1000, // exact evaluation of all 6⁴ helpful replies only at the first and last iteration
        method: { id: 'nash_md', batchSize: 8, update },
        sweep: { kind: 'beta', values: [0.05, 0.5] },
      }),
    );
    await experiment.step();
    leaks.hold();
    for (let i = 0; i < 3; i++) {
      const { members, stages } = await experiment.step();
      expect(stages.map((s) => s.name)).toEqual([...marked, 'readback']);
      expect(members[1]['nash/tau']).toBeCloseTo(0.5, 6);
      for (const key of reported) expect(members[0], key).toHaveProperty([key]);
      for (const key of absent) expect(members[0], key).not.toHaveProperty([key]);
      stages.forEach((s) => expect(s.narration).not.toContain('–'));
    }
    leaks.expectFlat();
    await experiment.summary();
    leaks.expectFlat('tensors held after summary()');
    experiment.dispose();
    leaks.expectFreed();
  });
});
