/**
 * The judges' written-out gradient (judgeGrads: the score network's pullback chained with the
 * Bradley–Terry loss's) against autograd through judgeLoss: bit for bit on CPU and WASM, so a
 * judge trains to the same numbers as it did on the tape.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPreferenceMlp } from '../models/preference_mlp';
import { createRewardMlp } from '../models/reward_mlp';
import { Rng } from '../rng';
import { useBackend } from '../testing';
import { judgeGrads, judgeLoss, type Judge } from './judge';
import { preferenceJudge } from './preference_model';
import { rewardJudge } from './reward_model';

const shape = { nPrompts: 3, V: 5, T: 2 };
const P = 2;
// 37 pairs: 1/37 is not a power of two, so the mean's 1/n rounds as it does on the tape.
const n = 37;

const rngs = () => [new Rng(3), new Rng(4)];
const JUDGES: [string, () => { judge: Judge; dispose: () => void }][] = [
  ['the reward model (margin r(y_w) − r(y_l))', () => {
    const reward = createRewardMlp(shape, 6, rngs());
    return { judge: rewardJudge(reward), dispose: () => reward.dispose() };
  }],
  ['the preference model (margin logit P(y_w ≻ y_l))', () => {
    const preference = createPreferenceMlp(shape, 6, rngs());
    return { judge: preferenceJudge(preference), dispose: () => preference.dispose() };
  }],
];

describe.each(['cpu', 'wasm'] as const)('judgeGrads on %s', (backend) => {
  afterAll(() => useBackend('wasm'));

  it.each(JUDGES)('%s: equals autograd through judgeLoss bit for bit', async (name, make) => {
    await useBackend(backend);
    const rng = new Rng(11);
    const ints = (s: number[], max: number) => tf.tensor(Array.from({ length: s.reduce((a, b) => a * b) }, () => rng.int(max)), s, 'int32');
    const { judge, dispose } = make();
    // Trained-looking weights: the skip and biases start at zero, which would hide their gradients' rounding.
    judge.params.forEach((w) => w.assign(tf.tensor(Array.from({ length: w.size }, () => 0.7 * rng.normal()), w.shape)));
    const prompts = ints([P, n], shape.nPrompts);
    const d = { chosen: judge.encode(prompts, ints([P, n, shape.T], shape.V)), rejected: judge.encode(prompts, ints([P, n, shape.T], shape.V)) };
    const taped = tf.variableGrads(() => tf.sum(judgeLoss(judge, d)) as tf.Scalar, judge.params);
    const before = tf.memory().numTensors;
    const written = judgeGrads(judge, d);
    expect(tf.memory().numTensors, name).toBe(before + judge.params.length);
    const values = (ts: tf.Tensor[]) => Promise.all(ts.map(async (t) => Array.from(await t.data())));
    const expected = await values(judge.params.map((p) => taped.grads[p.name]));
    expect(expected.flat().some((g) => g !== 0), name).toBe(true);
    expect(await values(written), name).toEqual(expected);
    tf.dispose([...written, taped.value, ...Object.values(taped.grads), prompts, d.chosen, d.rejected]);
    dispose();
  });
});
