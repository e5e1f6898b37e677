import { describe, expect, it } from 'vitest';
import { leakCheck } from '../testing';
import { defaultConfig, type ConfigInput } from '../config';
import { createExperiment } from '../experiment';
import type { Task } from '../tasks/task';
import { MAX_SAMPLES, policyBars, readSamples, sampleWidth } from './samples';

/** Two replies to one prompt; gold = the token; one unbiased annotator at temperature 1. */
const tiny: Task = {
  id: 'tiny',
  title: 'tiny',
  summary: '',
  tryThis: '',
  vocab: ['no', 'yes'],
  T: 1,
  prompts: ['q'],
  promptProbs: [1],
  demonstrate: () => [0],
  gold: (_x, y) => y[0],
  annotators: [{ name: 'fair', bias: 'none', utility: (_x, y) => y[0], positionBias: 0, temperature: 1 }],
  render: (y) => (y[0] ? 'yes' : 'no'),
};

const σ = (z: number) => 1 / (1 + Math.exp(-z));

describe('readSamples', () => {
  // Packed layout for k = 2, T = 1: prompts [2], tokens [2], log π [2], log π_ref [2], r_φ [2].
  const packed = [0, 0, 1, 0, -0.1, -2, -0.7, -0.5, 1.5, -0.25];

  it('reads tokens, log-probabilities and proxy rewards, and judges against π_ref exactly', () => {
    expect(sampleWidth(2, 1, false)).toBe(packed.length);
    const [yes, no] = readSamples(tiny, packed, 2, [[0.25, 0.75]]);
    expect(yes).toMatchObject({ prompt: 'q', tokens: ['yes'], logProb: [-0.1], logProbRef: [-0.7], gold: 1, proxy: 1.5, against: 'expected' });
    expect(no).toMatchObject({ tokens: ['no'], logProb: [-2], logProbRef: [-0.5], gold: 0, proxy: -0.25 });
    // "yes" vs π_ref: ¼ of the time it meets "no" (σ(1)), ¾ of the time itself (σ(0) = ½).
    expect(yes.verdicts[0].winProb).toBeCloseTo(0.25 * σ(1) + 0.75 * 0.5, 10);
    // Gold: beats "no" (1), ties "yes" (½): ¼·1 + ¾·½ = 0.625.
    expect(yes.goldWin).toBeCloseTo(0.625, 10);
    expect(no.goldWin).toBeCloseTo(0.25 * 0.5, 10);
    expect(yes.poolWin).toBeCloseTo(yes.verdicts[0].winProb, 10);
  });

  it('judges against the packed π_ref response when the task is not enumerated', () => {
    const withRef = [...packed, 0, 1];
    expect(sampleWidth(2, 1, true)).toBe(withRef.length);
    const [yes, no] = readSamples(tiny, withRef, 2);
    expect(yes).toMatchObject({ against: 'sampled', reference: 'no', goldWin: 1 });
    expect(yes.verdicts[0].winProb).toBeCloseTo(σ(1), 10);
    expect(no).toMatchObject({ reference: 'yes', goldWin: 0 });
  });
});

describe('policyBars', () => {
  it('exponentiates log π and gives π* ∝ π_ref·exp(r/β) only where the member has a β', () => {
    // π_ref = (½, ½), r = (0, log 3), β = 1 → π* ∝ (½, 3/2) = (¼, ¾).
    const bars = policyBars(tiny, [[[Math.log(0.4), Math.log(0.6)]], [[0, -Infinity]]], [[[0.5, 0.5]], [[0.5, 0.5]]], [[[0, Math.log(3)]], [[0, Math.log(3)]]], [1, 0]);
    expect(bars.responses).toEqual(['no', 'yes']);
    expect(bars.members[0].policy[0][0]).toBeCloseTo(0.4, 12);
    expect(bars.members[0].optimum![0][0]).toBeCloseTo(0.25, 12);
    expect(bars.members[0].optimum![0][1]).toBeCloseTo(0.75, 12);
    expect(bars.members[1].policy[0]).toEqual([1, 0]);
    expect(bars.members[1].optimum).toBeUndefined();
  });
});

const small: Partial<ConfigInput> = { iterations: 4, sft: { steps: 10, demos: 64 }, feedback: { comparisons: 64 }, rewardModel: { steps: 10 }, preferenceModel: { steps: 10 } };

describe('the iteration reports samples and bars', () => {
  it('on the bandit: exact verdicts, bars equal to the summary tables, one readback, flat tensors', async () => {
    const experiment = createExperiment(defaultConfig({ ...small, sweep: { kind: 'beta', values: [0.05, 1] } }));
    const first = await experiment.step();
    const leaks = leakCheck();
    const second = await experiment.step();
    leaks.expectFlat();
    expect(second.readbacks).toBe(1);
    expect(second.samples).toHaveLength(MAX_SAMPLES);
    for (const s of second.samples!) {
      expect(s.against).toBe('expected');
      expect(s.tokens).toHaveLength(1);
      expect(s.logProb[0]).toBeLessThanOrEqual(0);
      expect(s.verdicts.length).toBeGreaterThan(1);
      for (const v of [s.goldWin, s.poolWin, ...s.verdicts.map((v) => v.winProb)]) expect(v).toBeGreaterThanOrEqual(0);
    }
    // Same seed, different steps: the iterations sampled different responses or moved the policy.
    expect(second.samples).not.toEqual(first.samples);
    const summary = await experiment.summary();
    summary.members.forEach((m, p) => {
      const bars = second.bars!.members[p];
      m.tables!.policy.forEach((row, x) => row.forEach((v, y) => expect(bars.policy[x][y]).toBeCloseTo(v, 5)));
      m.tables!.optimum.forEach((row, x) => row.forEach((v, y) => expect(bars.optimum![x][y]).toBeCloseTo(v, 5)));
      expect(bars.reference).toEqual(m.tables!.reference);
    });
    expect(second.bars!.responses).toEqual(summary.members[0].tables!.responses);
    experiment.dispose();
  });

  it('on sorting: sampled verdicts against a response of π_ref, and no bars', async () => {
    const experiment = createExperiment(defaultConfig({ ...small, task: { id: 'sorting' }, method: { id: 'ppo', batchSize: 16, epochs: 1, minibatches: 1 } }));
    await experiment.step();
    const leaks = leakCheck();
    const r = await experiment.step();
    leaks.expectFlat();
    expect(r.bars).toBeUndefined();
    expect(r.samples).toHaveLength(8);
    for (const s of r.samples!) {
      expect(s).toMatchObject({ against: 'sampled' });
      expect(s.tokens).toHaveLength(5);
      expect(s.reference).toMatch(/\S/);
      expect([0, 0.5, 1]).toContain(s.goldWin);
    }
    experiment.dispose();
  });
});
