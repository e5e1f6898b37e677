import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type CohHyper, type Config, type ConfigInput } from '../config';
import { totalVariation } from '../eval/optimum';
import { createTransformer } from '../models/transformer';
import { Rng } from '../rng';
import { poolPreference } from '../tasks/annotators';
import { taskFor } from '../tasks';
import { handPreparation, leakCheck } from '../testing';
import { encodeResponse } from '../tasks/task';
import { disposeOutput } from './method';
import { cohIteration, createCohState, disposeCohState, forgetfulMask, type CohState } from './coh';

/** Prepares a preparation and binds CoH to it, as the experiment does, keeping the hindsight network in reach. */
async function cohPreparation(overrides: Partial<ConfigInput>) {
  const config: Config = defaultConfig(overrides);
  const hp = config.method as CohHyper;
  const { ctx, prepared, dispose: disposePreparation } = await handPreparation(config);
  const { pop } = ctx;
  const state: CohState = createCohState(ctx, hp);
  const iterate = async (i: number) => {
    const out = cohIteration(ctx, state, hp, i);
    const metrics = Object.fromEntries(await Promise.all(Object.entries(out.metrics).map(async ([k, t]) => [k, (await t.data())[0]] as const)));
    disposeOutput(out);
    return metrics;
  };
  const probs = async (view: 'good' | 'bad' | 'reference') => {
    const t = view === 'reference' ? prepared.evaluator!.logProbs(prepared.reference) : prepared.evaluator!.logProbs(undefined, state[view]);
    const table = ((await t.array()) as number[][][])[0].map((row) => row.map(Math.exp));
    t.dispose();
    return table;
  };
  const dispose = () => {
    disposeCohState(state);
    disposePreparation();
  };
  return { config, pop, prepared, state, iterate, probs, dispose };
}

const bakery = {
  id: 'custom' as const,
  responses: ['Fresh every morning.', 'Bread.', 'Best bread ever!!!', 'Baked with care since 1950.'],
  reward: [0.5, -0.5, 0, 1],
  reference: [0.4, 0.3, 0.2, 0.1],
};

describe('Chain of Hindsight', () => {
  it('starts every feedback context at π_ref and its first loss is the hand-computed NLL of the labelled responses', async () => {
    // All 199 training pairs (one is held out) in one minibatch, one step: the logged loss is that of π_ref itself,
    // ½·(−mean log π_ref(y⁺) − mean log π_ref(y⁻)), computed here from the comparisons on the host.
    const preparation = await cohPreparation({
      task: bakery,
      sft: { steps: 40 },
      feedback: { comparisons: 200, labelNoise: 0 },
      rewardModel: { steps: 0, heldOut: 0 },
      preferenceModel: { steps: 0 },
      method: { id: 'coh', batchSize: 256, steps: 1, lr: 0.01 },
    });
    const ref = (await preparation.probs('reference'))[0];
    expect(totalVariation((await preparation.probs('good'))[0], ref)).toBeLessThan(1e-6);
    expect(totalVariation((await preparation.probs('bad'))[0], ref)).toBeLessThan(1e-6);

    const pairs = preparation.prepared.feedback.comparisons[0].slice(0, preparation.prepared.feedback.train.prompts.shape[1]); // the held-out one excluded
    const nll = (y: number[]) => -Math.log(ref[encodeResponse(y, 4)]);
    const good = pairs.reduce((s, c) => s + nll(c.firstWins ? c.first : c.second), 0) / pairs.length;
    const bad = pairs.reduce((s, c) => s + nll(c.firstWins ? c.second : c.first), 0) / pairs.length;
    const m = await preparation.iterate(1);
    expect(m['coh/nll_good']).toBeCloseTo(good, 4);
    expect(m['coh/nll_bad']).toBeCloseTo(bad, 4);
    expect(m['loss/coh']).toBeCloseTo((good + bad) / 2, 4);
    expect(Math.abs(good - bad)).toBeGreaterThan(0.01); // distinct halves, so swapping <good> and <bad> would fail
    preparation.dispose();
  });

  it('converges, given <good> and <bad>, to the winners’ and the losers’ distributions 2·π_ref(a)·Σ_b π_ref(b)·q_ab (TV < 0.02)', async () => {
    const preparation = await cohPreparation({
      task: bakery,
      iterations: 40,
      sft: { steps: 150 },
      // 30 000 noise-free pairs: the empirical winner distribution is within ≈ 0.005 of the population one.
      feedback: { comparisons: 30000, labelNoise: 0 },
      rewardModel: { steps: 0, heldOut: 0 },
      preferenceModel: { steps: 0 },
      method: { id: 'coh', batchSize: 2048, steps: 8, lr: 0.03 },
    });
    for (let i = 1; i <= 40; i++) await preparation.iterate(i);
    const task = taskFor(preparation.config.task);
    const ref = (await preparation.probs('reference'))[0];
    const q = (a: number, b: number) => poolPreference(task, 0, [a], [b]);
    const winners = ref.map((ra, a) => 2 * ra * ref.reduce((s, rb, b) => s + rb * q(a, b), 0));
    const losers = ref.map((ra, a) => 2 * ra * ref.reduce((s, rb, b) => s + rb * (1 - q(a, b)), 0));
    const good = (await preparation.probs('good'))[0];
    const bad = (await preparation.probs('bad'))[0];
    expect(totalVariation(good, winners)).toBeLessThan(0.02);
    expect(totalVariation(bad, losers)).toBeLessThan(0.02);
    // Learning from negative feedback: the two conditionings pull apart, and <good> beats π_ref on gold.
    const gold = (pi: number[]) => pi.reduce((s, p, y) => s + p * bakery.reward[y], 0);
    expect(gold(good)).toBeGreaterThan(gold(ref) + 0.05);
    expect(gold(bad)).toBeLessThan(gold(ref) - 0.05);
    preparation.dispose();
  });

  it('keeps tensors flat across iterations with forgetful causal masking on a transformer', async () => {
    const preparation = await cohPreparation({
      task: { id: 'helpful' },
      sft: { demos: 64, steps: 5, batchSize: 32 },
      feedback: { comparisons: 64 },
      rewardModel: { steps: 5, batchSize: 32 },
      preferenceModel: { steps: 0 },
      method: { id: 'coh', batchSize: 16, steps: 2, lr: 0.01, fcmMaxRatio: 0.5 },
    });
    // The transformer's contexts start at π_ref too (prompt embeddings copied per feedback).
    expect(totalVariation((await preparation.probs('good'))[1], (await preparation.probs('reference'))[1])).toBeLessThan(1e-5);
    await preparation.iterate(1);
    const leaks = leakCheck();
    const m = await preparation.iterate(2);
    await preparation.iterate(3);
    leaks.expectFlat();
    expect(Number.isFinite(m['loss/coh'])).toBe(true);
    preparation.dispose();
  });
});

describe('forgetful causal masking', () => {
  it('keeps key 0, drops about r_max/2 of later keys, and is off at r_max = 0 or T = 1', async () => {
    const rngs = [new Rng(3)];
    expect(forgetfulMask(rngs, 4, 4, 0)).toBeNull();
    expect(forgetfulMask(rngs, 4, 1, 0.5)).toBeNull();
    const keep = forgetfulMask(rngs, 2000, 5, 0.6)!;
    const rows = (await keep.array()) as number[][][];
    keep.dispose();
    expect(rows[0].every((row) => row[0] === 1)).toBe(true);
    // E[dropped share of keys 1..4] = E[r] = 0.3 with r ~ U[0, 0.6]; 8000 keys → SE ≈ 0.005.
    const dropped = rows[0].reduce((s, row) => s + row.slice(1).filter((k) => k === 0).length, 0) / (2000 * 4);
    expect(dropped).toBeGreaterThan(0.28);
    expect(dropped).toBeLessThan(0.32);
  });

  it('hiding key j changes the transformer’s outputs after position j only', () => {
    const net = createTransformer({ nPrompts: 2, V: 5, T: 4 }, 5, [new Rng(1)], { dModel: 16, layers: 1 });
    const head = net.params[net.params.length - 2]; // zero at init (a uniform policy): give it weights to read
    head.assign(tf.randomNormal(head.shape, 0, 1, 'float32', 7));
    const prompts = tf.tensor2d([[0, 1]], [1, 2], 'int32');
    const tokens = tf.tensor3d([[[1, 2, 3, 4], [4, 3, 2, 1]]], [1, 2, 4], 'int32');
    const all = tf.ones([1, 2, 4]);
    const hide2 = tf.tensor3d([[[1, 1, 0, 1], [1, 1, 1, 1]]], [1, 2, 4]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(net.apply(prompts, tokens, undefined, hide2), net.apply(prompts, tokens))), -1));
    const same = tf.tidy(() => tf.max(tf.abs(tf.sub(net.apply(prompts, tokens, undefined, all), net.apply(prompts, tokens)))));
    const d = diff.arraySync() as number[][][];
    expect(same.arraySync()).toBeLessThan(1e-6);
    expect(d[0][0].slice(0, 3).every((v) => v < 1e-6)).toBe(true); // positions 0–2 never read key 2 from the future, and 2 reads itself
    expect(d[0][0][3]).toBeGreaterThan(1e-4); // position 3 no longer sees key 2
    expect(d[0][1].every((v) => v < 1e-6)).toBe(true); // the other sequence keeps everything
    tf.dispose([prompts, tokens, all, hide2, diff, same]);
    net.dispose();
  });
});
