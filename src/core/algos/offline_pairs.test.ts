import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../config';
import { createMethod } from '.';
import { totalVariation } from '../eval/optimum';
import { scenarioById } from '../scenarios';
import { handPreparation, runExperiment } from '../testing';
import { ktoLoss } from './kto';
import { disposeOutput, type MethodContext } from './method';
import { simpoLoss } from './simpo';

const softmax = (row: number[]) => {
  const e = row.map((v) => Math.exp(v - Math.max(...row)));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
};

describe('SimPO and KTO losses', () => {
  it('SimPO: −log σ(β/|y_w|·log π(y_w) − β/|y_l|·log π(y_l) − γ), by hand', () => {
    // Length-normalised log π: −0.5 and −1.5; β = 2, γ = 1 → −log σ(2·1 − 1) = softplus(−1).
    const logp = { chosen: tf.tensor2d([[-0.5]]), rejected: tf.tensor2d([[-1.5]]) };
    const { loss, margin } = simpoLoss(logp, 2, 1);
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(1 + Math.exp(-1)), 6);
    expect(margin.dataSync()[0]).toBeCloseTo(2, 6);
    tf.dispose([logp.chosen, logp.rejected, loss, margin]);
  });

  it('KTO: mean of λ_D·(1 − σ(β(h − z_0))) and λ_U·(1 − σ(β(z_0 − h))), by hand', () => {
    const h = { chosen: tf.tensor2d([[1, -2]]), rejected: tf.tensor2d([[0.5, -1]]) };
    const z0 = tf.tensor1d([0.25]);
    const beta = tf.tensor1d([0.5]);
    const { loss, desirable, undesirable } = ktoLoss(h, z0, beta, 1.5, 0.75);
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    const d = [1, -2].map((v) => 1.5 * (1 - s(0.5 * (v - 0.25))));
    const u = [0.5, -1].map((v) => 0.75 * (1 - s(0.5 * (0.25 - v))));
    expect(loss.dataSync()[0]).toBeCloseTo([...d, ...u].reduce((a, b) => a + b, 0) / 4, 6);
    expect(desirable.dataSync()[0]).toBeCloseTo((d[0] + d[1]) / 2, 6);
    expect(undesirable.dataSync()[0]).toBeCloseTo((u[0] + u[1]) / 2, 6);
    tf.dispose([h.chosen, h.rejected, z0, beta, loss, desirable, undesirable]);
  });
});

/**
 * The bandit's shapes with a hand-set π_ref and hand-made labels: every prompt's pairs over all
 * response pairs, the lower index preferred with probability `q` (exactly, by repetition).
 */
async function handContext(config: Config, refLogits: number[], q: number) {
  const hand = await handPreparation(config);
  const { pop } = hand.ctx;
  const { nPrompts, V } = pop.shape;
  const rows: [number, number, number][] = [];
  for (let x = 0; x < nPrompts; x++) {
    for (let a = 0; a < V; a++) {
      for (let b = a + 1; b < V; b++) {
        // 10 labels per pair: round(10q) say a ≻ b, the rest b ≻ a.
        for (let k = 0; k < 10; k++) rows.push(k < Math.round(10 * q) ? [x, a, b] : [x, b, a]);
      }
    }
  }
  const train = {
    prompts: tf.tensor2d([rows.map((r) => r[0])], undefined, 'int32'),
    chosen: tf.tensor3d([rows.map((r) => [r[1]])], undefined, 'int32'),
    rejected: tf.tensor3d([rows.map((r) => [r[2]])], undefined, 'int32'),
  };
  const reference = [tf.tidy(() => tf.tile(tf.reshape(tf.tensor1d(refLogits), [1, 1, V]), [1, nPrompts, 1]))];
  hand.ctx.policy.params[0].assign(reference[0]);
  const ctx: MethodContext = { ...hand.ctx, reference, feedback: { ...hand.ctx.feedback, train } };
  return {
    ctx,
    dispose: () => {
      tf.dispose([...Object.values(train), ...reference]);
      hand.dispose();
    },
  };
}

/** Trains `method` for `iterations` on the hand context; π(·|x = 0) and KL(π‖π_ref) at prompt 0 after each of `checkpoints`. */
async function trainOn(config: Config, refLogits: number[], q: number, checkpoints: number[]) {
  const { ctx, dispose } = await handContext(config, refLogits, q);
  const method = createMethod(ctx, config.method);
  const ref = softmax(refLogits);
  const out: { pi: number[]; kl: number }[] = [];
  for (let i = 1; i <= Math.max(...checkpoints); i++) {
    disposeOutput(method.iterate(i, () => {}));
    if (checkpoints.includes(i)) {
      const pi = softmax((ctx.policy.params[0].arraySync() as number[][][])[0][0]);
      out.push({ pi, kl: pi.reduce((s, p, y) => s + (p > 0 ? p * Math.log(p / ref[y]) : 0), 0) });
    }
  }
  method.dispose();
  dispose();
  return out;
}

const bandit = (method: Config['method'] | Record<string, unknown>) => defaultConfig({ task: { id: 'bandit' }, policy: { kind: 'tabular' }, sft: { steps: 0 }, rewardModel: { steps: 0 }, feedback: { comparisons: 64 }, method: method as Config['method'] });

describe('SimPO without a reference', () => {
  const skewed = [2, 0, -1, 0.5, -2, 1];
  const flat = [0, 0, 0, 0, 0, 0];

  it('ends where its pairs say, whatever π_ref was; DPO’s end moves with π_ref', async () => {
    const simpo = bandit({ id: 'simpo', lr: 0.05 });
    const dpo = bandit({ id: 'dpo', beta: 0.5, lr: 0.05 });
    const [[simpoSkewed], [simpoFlat], [dpoSkewed], [dpoFlat]] = await Promise.all([
      trainOn(simpo, skewed, 0.8, [300]),
      trainOn(simpo, flat, 0.8, [300]),
      trainOn(dpo, skewed, 0.8, [300]),
      trainOn(dpo, flat, 0.8, [300]),
    ]);
    expect(totalVariation(simpoSkewed.pi, simpoFlat.pi)).toBeLessThan(0.02);
    expect(totalVariation(dpoSkewed.pi, dpoFlat.pi)).toBeGreaterThan(0.1);
  });

  it('with consistent labels drifts toward a deterministic policy, KL still climbing; IPO keeps a finite KL', async () => {
    const [simpoMid, simpoEnd] = await trainOn(bandit({ id: 'simpo', lr: 0.1 }), [0, 0, 0, 0, 0, 0], 1, [150, 300]);
    const [ipoMid, ipoEnd] = await trainOn(bandit({ id: 'dpo', loss: 'ipo', beta: 1, lr: 0.1 }), [0, 0, 0, 0, 0, 0], 1, [150, 300]);
    // Seed 0 on CPU: π(best) 0.93 → 0.96, KL 1.53 → 1.62 (log 6 = 1.79 is a deterministic policy).
    expect(simpoEnd.pi[0]).toBeGreaterThan(0.95);
    expect(simpoEnd.kl).toBeGreaterThan(simpoMid.kl + 0.05);
    // IPO regresses each margin onto 1/(2β) and stays there (KL ≈ 0.04–0.05, Adam's noise only).
    for (const { pi, kl } of [ipoMid, ipoEnd]) {
      expect(pi[0]).toBeLessThan(0.5);
      expect(kl).toBeLessThan(0.1);
    }
  });
});

describe('KTO on a table policy', () => {
  it('raises log π/π_ref of the replies labelled desirable most often and lowers the undesirable ones', async () => {
    // Response 0 wins every comparison it is in 80% of the time, response 5 loses 80% of its comparisons.
    const ref = [0.5, -0.5, 0, 1, 0, -1];
    const [{ pi }] = await trainOn(bandit({ id: 'kto', lr: 0.05 }), ref, 0.8, [100]);
    const piRef = softmax(ref);
    const logRatio = pi.map((p, y) => Math.log(p / piRef[y]));
    // Seed 0: 1.16, 1.24, then −6.1, −16.4, −22.2, −23.6. The two replies desirable in most of
    // their labels (40 and 34 of 50) share the mass; with β = 0.1 the value function saturates
    // only far out, so the undesirable pushes drive the rest down hard, the most rejected furthest.
    expect(Math.min(logRatio[0], logRatio[1])).toBeGreaterThan(0.5);
    for (let y = 2; y < 6; y++) expect(logRatio[y], `reply ${y}`).toBeLessThan(Math.min(0, logRatio[y - 1]));
  });
});

describe('the KTO scenario', () => {
  it('“thumbs up and thumbs down”: beats π_ref on the gold preference within its 30 iterations, on the DPO scenario’s farm', async () => {
    const { config } = scenarioById('kto-unpaired')!;
    expect(config.feedback).toEqual(scenarioById('dpo-offline')!.config.feedback);
    const results = await runExperiment(config);
    expect(results.at(-1)!.members[0]['winrate/vs_ref_gold']).toBeGreaterThan(0.6);
  });
});

describe('the SimPO scenario', () => {
  it('“SimPO without a reference drifts”: its KL still climbing at the end, where IPO’s (as the scenario suggests) has settled', async () => {
    const { config } = scenarioById('simpo-drift')!;
    const klOf = async (method: Config['method'] | Record<string, unknown>) => {
      const results = await runExperiment(defaultConfig({ ...JSON.parse(JSON.stringify(config)), method }));
      return (i: number) => results[i - 1].members[0]['kl/exact'];
    };
    // Seed 0 on CPU: SimPO 1.00, 1.10, 1.14 at iterations 30, 45, 60 (log 4 = 1.39); IPO 1.023, 1.020, 1.017.
    const simpo = await klOf(config.method);
    expect(simpo(60)).toBeGreaterThan(simpo(30) + 0.05);
    expect(simpo(60)).toBeGreaterThan(simpo(45) + 0.02);
    const ipo = await klOf({ id: 'dpo', loss: 'ipo', lr: 0.1 });
    expect(Math.abs(ipo(60) - ipo(45))).toBeLessThan(0.01);
  });
});
