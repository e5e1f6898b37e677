import { describe, expect, it } from 'vitest';
import { defaultConfig, type ConfigInput } from '../config';
import { expectation, optimalPolicy, totalVariation } from '../eval/optimum';
import { createExperiment } from '../experiment';
import { poolPreference, sigmoid } from '../tasks/annotators';
import { sharedPreparation, leakCheck } from '../testing';
import { goldTable, taskFor, type GoldTask, type Task } from '../tasks';
import { DPO_STAGES } from './dpo';
import { ONLINE_DPO_STAGES } from './online_dpo';

/**
 * The reward whose Bradley–Terry model the DPO population loss fits. Pairs (a, b) are drawn
 * i.i.d. from π_ref, so each unordered pair comes with weight π_ref(a)·π_ref(b) and is shown in
 * either order equally often; the label is y_a ≻ y_b with probability q_ab = poolPreference
 * (annotators and both orders averaged). With a tabular policy the DPO loss depends on
 * g = β·log(π_θ/π_ref) only through differences g_a − g_b, so its minimiser is the weighted
 * BT maximum-likelihood fit f of q, and π_θ → π_ref·exp(f/β)/Z. The custom task's pool is not
 * exactly BT (a faithful annotator at temperature 0.5 and a hasty one at 0.7 with position
 * bias ±0.5), so f is not r/0.5 and must be fitted: gradient ascent on the concave
 *   ℓ(f) = Σ_{a,b} π_ref(a)π_ref(b)·q_ab·log σ(f_a − f_b),  ∂ℓ/∂f_a = 2·Σ_b π_ref(a)π_ref(b)·(q_ab − σ(f_a − f_b)).
 */
function impliedReward(task: Task, ref: readonly number[]): { f: number[]; gradNorm: number } {
  const n = ref.length;
  const q = ref.map((_, a) => ref.map((__, b) => poolPreference(task, 0, [a], [b])));
  let f = new Array<number>(n).fill(0);
  let grad = f;
  for (let it = 0; it < 20000; it++) {
    grad = f.map((fa, a) => 2 * ref.reduce((s, rb, b) => s + ref[a] * rb * (q[a][b] - sigmoid(fa - f[b])), 0));
    f = f.map((fa, a) => fa + 5 * grad[a]);
  }
  return { f, gradNorm: Math.hypot(...grad) };
}

describe('DPO on the farm’s comparisons', () => {
  it('converges to π* ∝ π_ref·exp(f/β) of the pool’s Bradley–Terry reward f (total variation < 0.02)', async () => {
    const task = {
      id: 'custom' as const,
      responses: ['Fresh every morning.', 'Bread.', 'Best bread ever!!!', 'Baked with care since 1950.'],
      reward: [0.5, -0.5, 0, 1],
      reference: [0.4, 0.3, 0.2, 0.1],
    };
    // Noise-free labels and many of them: the empirical optimum sits close to the population one.
    const config = defaultConfig({
      task,
      iterations: 60,
      evalEvery: 60,
      sft: { steps: 150 },
      feedback: { comparisons: 100000, labelNoise: 0 },
      rewardModel: { steps: 0, heldOut: 0 },
      preferenceModel: { steps: 0 },
      method: { id: 'dpo', beta: 1, batchSize: 2048, steps: 8, lr: 0.02 },
    });
    const experiment = createExperiment(config);
    for (let i = 0; i < config.iterations; i++) await experiment.step();
    const { members } = await experiment.summary();
    experiment.dispose();
    const { policy, reference } = members[0].tables!;

    const { f, gradNorm } = impliedReward(taskFor(config.task), reference[0]);
    expect(gradNorm).toBeLessThan(1e-9);
    const optimum = optimalPolicy(reference[0], f, 1).pi;
    // π_ref is far from π*, so the test cannot pass by standing still …
    expect(totalVariation(reference[0], optimum)).toBeGreaterThan(0.1);
    // … and DPO lands on it.
    expect(totalVariation(policy[0], optimum)).toBeLessThan(0.02);
    // The naive answer π_ref·exp(r/β) of the gold reward is not the fixed point: the
    // annotators' temperature sharpens the implied reward (f ≈ 1.7·r here).
    expect(totalVariation(optimalPolicy(reference[0], task.reward, 1).pi, optimum)).toBeGreaterThan(0.05);
  });
});

describe('online DPO and XPO on the bandit', () => {
  // One preparation for the three methods (the same π_ref and reward model, as in a farm table).
  const bandit = sharedPreparation({ task: { id: 'bandit' }, sft: { steps: 150 }, rewardModel: { steps: 150 } });
  it.each([
    { name: 'online DPO, reward-model judge', method: { id: 'online_dpo', beta: 0.1, batchSize: 128, lr: 0.05 } },
    { name: 'online IPO, annotator-pool judge', method: { id: 'online_dpo', loss: 'ipo', judge: 'pool', beta: 0.1, batchSize: 128, lr: 0.05 } },
    { name: 'XPO, reward-model judge', method: { id: 'xpo', alpha: 1e-3, beta: 0.1, batchSize: 128, lr: 0.05 } },
  ] as { name: string; method: ConfigInput['method'] }[])('$name beats π_ref on gold reward within 30 iterations', async ({ method }) => {
    const config = bandit.config({ iterations: 30, evalEvery: 30, method });
    const experiment = createExperiment(config, { shared: bandit.preparation() });
    let last: Awaited<ReturnType<typeof experiment.step>> | null = null;
    for (let i = 0; i < config.iterations; i++) last = await experiment.step();
    const { members } = await experiment.summary();
    experiment.dispose();
    const { reference } = members[0].tables!;
    const task = taskFor(config.task) as GoldTask;
    const gold = goldTable(task);
    // E_{x, y ~ π_ref}[r_gold], the SFT policy's exact gold reward (≈ 0.12 here), against the
    // trained policy's exact one at the last iteration (≈ 0.3–0.6; the best reply earns 0.9).
    const refGold = task.promptProbs.reduce((s, px, x) => s + px * expectation(reference[x], gold[x]), 0);
    expect(last!.members[0]['reward/gold_exact'] - refGold).toBeGreaterThan(0.2);
  });
});

describe('tensor hygiene and stages', () => {
  it.each([
    { id: 'dpo', stages: DPO_STAGES, method: { id: 'dpo', batchSize: 32, steps: 2 } },
    { id: 'online_dpo', stages: ONLINE_DPO_STAGES, method: { id: 'online_dpo', judge: 'pool', batchSize: 16 } },
    { id: 'xpo', stages: ONLINE_DPO_STAGES, method: { id: 'xpo', loss: 'ipo', batchSize: 16 } },
  ] as { id: string; stages: readonly string[]; method: ConfigInput['method'] }[])(
    '$id keeps the tensor count flat, marks its stages in order and frees everything on dispose',
    async ({ stages, method }) => {
      const leaks = leakCheck();
      const experiment = createExperiment(
        defaultConfig({
          iterations: 6,
          sft: { steps: 10 },
          feedback: { comparisons: 64 },
          rewardModel: { steps: 10 },
          preferenceModel: { steps: 10 },
          method,
          sweep: { kind: 'beta', values: [0.1, 0.5] },
        }),
      );
      const first = await experiment.step();
      leaks.hold();
      expect(first.stages.map((s) => s.name)).toEqual([...stages, 'readback']);
      // Every narration found its numbers (a missing metric prints as '–').
      for (const s of first.stages) expect(s.narration).not.toContain('–');
      // Each member trains with its own β.
      expect(first.members.map((m) => m['dpo/beta'])).toEqual([expect.closeTo(0.1, 6), expect.closeTo(0.5, 6)]);
      for (let i = 0; i < 5; i++) await experiment.step();
      leaks.expectFlat();
      await experiment.summary();
      leaks.expectFlat();
      experiment.dispose();
      leaks.expectFreed();
    },
  );
});
