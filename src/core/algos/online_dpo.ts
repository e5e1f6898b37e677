/**
 * Online DPO and XPO: the DPO/IPO loss on fresh pairs labelled as training goes; ALGORITHMS.md §3.
 *
 * Online DPO: Guo et al. 2024, "Direct Language Model Alignment from Online AI Feedback",
 * https://arxiv.org/abs/2402.04792 (Algorithm 1), as in TRL's OnlineDPOTrainer: two responses
 * y¹, y² ~ π_θ(·|x) to the same prompt, a judge picks y_w, y_l, then one step on
 *   L = −log σ(β·h)  or  (h − 1/(2β))²,   h = (log π_θ − log π_ref)(y_w) − (log π_θ − log π_ref)(y_l)
 * (Rafailov et al. 2023 eq. 7; Azar et al. 2023 eq. 17; IPO averages log π per token, as in TRL).
 *
 * XPO: Xie et al. 2024, "Exploratory Preference Optimization: Harnessing Implicit
 * Q*-Approximation for Sample-Efficient RLHF", https://arxiv.org/abs/2405.21046 (Algorithm 1),
 * as in TRL's XPOTrainer (`_compute_losses`): the pair is y ~ π_θ against ỹ ~ π_ref,
 * judged against each other (ties to y), and
 *   L = L_DPO(y_w, y_l) + α·Σ_t log π_θ(ỹ_t | ỹ_<t)
 * Minimising the added term lowers the probability of what π_ref already says: an
 * exploration bonus that moves mass off the reference's support (α small; TRL default 1e-5).
 *
 * Judges: the reward model r_φ (higher score wins, ties to the first response), or the
 * simulated annotator pool with the farm's label noise. The pool lives on the host, so
 * judge 'pool' reads the sampled tokens back once per iteration (a synchronous readback,
 * the price of asking the "humans"); the pair's presentation order is shuffled so the
 * pool's position bias favours neither side (TRL's API judges shuffle the order too).
 *
 * Stages: sample → judge → update → measure. All tensors are [P, ...]; β is per member [P].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { OnlineDpoHyper, XpoHyper } from '../config';
import { PopulationAdam } from '../math/adam';
import { drawPrompts, sampleResponses, streams } from '../population';
import { labelPairs } from '../tasks/annotators';
import type { Metrics } from '../types';
import { narrateMeasure, narrateUpdate, preferenceObjective } from './dpo';
import { pairLogProbs } from '../math/logprobs';
import { perMember, policyStats, samplePolicy, type Method, type MethodContext, type MethodOutput } from './method';

export const ONLINE_DPO_STAGES = ['sample', 'judge', 'update', 'measure'] as const;

export type OnlineHyper = OnlineDpoHyper | XpoHyper;

export interface OnlineDpoState {
  optimizer: PopulationAdam;
  /** β per member [P]. */
  beta: tf.Tensor1D;
}

/** Reward-model judge: 1 where r_φ(x, y¹) ≥ r_φ(x, y²) → [P, B] float. */
function judgeByReward(ctx: MethodContext, prompts: tf.Tensor, first: tf.Tensor, second: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.greaterEqual(ctx.reward.apply(prompts, first), ctx.reward.apply(prompts, second)), 'float32'));
}

/** Annotator-pool judge on the host (one readback): 1 where the pool prefers y¹ → [P, B] float. */
function judgeByPool(ctx: MethodContext, prompts: tf.Tensor, first: tf.Tensor, second: tf.Tensor, label: string): tf.Tensor {
  const { pop } = ctx;
  const { P } = pop;
  const { T } = pop.shape;
  const B = prompts.shape[1] as number;
  const packed = tf.tidy(() => tf.concat([tf.reshape(prompts, [-1]), tf.reshape(first, [-1]), tf.reshape(second, [-1])]));
  // The annotators are host functions of the tokens: a synchronous readback, once per iteration.
  const data = packed.dataSync();
  packed.dispose();
  const seq = (offset: number, i: number) => Array.from(data.subarray(offset + i * T, offset + (i + 1) * T));
  const firstWins = new Float32Array(P * B);
  streams(pop, label).forEach((rng, p) => {
    const swapped: boolean[] = [];
    const pairs = Array.from({ length: B }, (_, b) => {
      const i = p * B + b;
      const y1 = seq(P * B, i);
      const y2 = seq(P * B + P * B * T, i);
      swapped.push(rng.bernoulli(0.5));
      return swapped[b] ? { x: data[i], first: y2, second: y1 } : { x: data[i], first: y1, second: y2 };
    });
    labelPairs(pop.task, pairs, pop.config.feedback.labelNoise, rng).forEach((c, b) => {
      firstWins[p * B + b] = c.firstWins !== swapped[b] ? 1 : 0;
    });
  });
  return tf.tensor2d(firstWins, [P, B]);
}

/** One online DPO / XPO iteration: sample pairs, judge them, one Adam step, measure. */
export function onlineDpoIteration(
  ctx: MethodContext,
  state: OnlineDpoState,
  hp: OnlineHyper,
  iteration: number,
  mark: (stage: (typeof ONLINE_DPO_STAGES)[number]) => void = () => {},
): MethodOutput {
  const { pop, policy, reference } = ctx;
  const B = hp.batchSize;
  const T = pop.shape.T;
  const rngs = streams(pop, `${hp.id}/${iteration}`);

  // sample: y¹ ~ π_θ and y² ~ π_θ (online DPO) or ỹ ~ π_ref (XPO), both for the same prompts.
  const prompts = drawPrompts(pop, rngs, B);
  const [first, second] = [undefined, hp.id === 'xpo' ? reference : undefined].map((params) => sampleResponses(pop, rngs, policy, prompts, params));
  mark('sample');

  // judge: w = 1 where y¹ is the chosen response.
  const firstWins =
    hp.judge === 'pool' ? judgeByPool(ctx, prompts, first, second, `${hp.id}/${iteration}/labels`) : judgeByReward(ctx, prompts, first, second);
  mark('judge');

  // update: one Adam step on L_DPO (+ α·Σ log π_θ(ỹ) for XPO).
  const [ref1, ref2] = pairLogProbs(policy, prompts, first, second, hp.loss === 'ipo', reference);
  const parts = state.optimizer.step(() => {
    const [logp1, logp2] = pairLogProbs(policy, prompts, first, second, hp.loss === 'ipo');
    // TRL's torch.where(chosen_mask, ·, ·) as a mix with the 0/1 label w.
    const pick = (a: tf.Tensor, b: tf.Tensor) => tf.add(tf.mul(firstWins, a), tf.mul(tf.sub(1, firstWins), b));
    const objective = preferenceObjective(hp.loss, state.beta, pick(logp1, logp2), pick(ref1, ref2), pick(logp2, logp1), pick(ref2, ref1));
    let total = objective.loss;
    const metrics = { ...objective.metrics };
    if (hp.id === 'xpo') {
      // α·Σ_t log π_θ(ỹ): summed over tokens whatever the loss (TRL), so undo IPO's per-token mean.
      const logpTilde = hp.loss === 'ipo' ? tf.mul(logp2, T) : logp2;
      const exploration = perMember(tf.mul(hp.alpha, logpTilde));
      total = tf.add(total, exploration);
      metrics['loss/xpo'] = exploration;
    }
    return { loss: total, metrics };
  });
  const metrics: Record<string, tf.Tensor> = { ...parts, 'dpo/beta': tf.clone(state.beta), 'judge/first_wins': perMember(firstWins) };
  // The judged pairs, chosen first, for the stage walk's pairs view.
  const pairs = tf.tidy(() => {
    const w = tf.cast(tf.expandDims(firstWins, 2), 'bool');
    return { prompts: tf.clone(prompts), chosen: tf.where(w, first, second), rejected: tf.where(w, second, first) };
  });
  tf.dispose([prompts, first, second, firstWins, ref1, ref2]);
  mark('update');

  // measure: a fresh batch from the updated policy, for policy statistics and gold reward.
  const batch = samplePolicy(ctx, streams(pop, `${hp.id}/${iteration}/measure`), B);
  Object.assign(metrics, policyStats(ctx, batch.prompts, batch.tokens));
  mark('measure');
  return { metrics, prompts: batch.prompts, tokens: batch.tokens, pairs };
}

const pct = (x: number | undefined): string => (x === undefined ? '–' : `${(100 * x).toFixed(0)}%`);
const f = (x: number | undefined, digits = 3): string => (x === undefined ? '–' : x.toFixed(digits));

function narrate(stage: string, members: Metrics[], hp: OnlineHyper): string {
  const m = members[0];
  const B = hp.batchSize;
  const runs = members.length > 1 ? ` in each of ${members.length} runs` : '';
  const judge = hp.judge === 'pool' ? 'The annotator pool' : 'The reward model';
  const xpo = hp.id === 'xpo';
  switch (stage) {
    case 'sample':
      return xpo
        ? `Sampled ${B} prompts${runs}, each answered once by the current policy and once by π_ref.`
        : `Sampled two responses to each of ${B} prompts${runs} from the current policy.`;
    case 'judge':
      return xpo
        ? `${judge} preferred the policy’s response over π_ref’s in ${pct(m['judge/first_wins'])} of ${B} pairs${hp.judge === 'pool' ? '' : ' (ties go to the policy)'}.`
        : `${judge} preferred the first response in ${pct(m['judge/first_wins'])} of ${B} pairs${hp.judge === 'pool' ? '' : ' (ties go to the first)'}.`;
    case 'update':
      return narrateUpdate(hp.loss, m, 'One Adam step', xpo ? `; exploration term α·log π_θ(ỹ) = ${f(m['loss/xpo'], 6)}` : '');
    case 'measure':
      return narrateMeasure(B, m);
    default:
      return stage;
  }
}

/** Online DPO or XPO as a `Method` (`hp.id` picks which). */
export function createOnlineDpo(ctx: MethodContext, hp: OnlineHyper): Method {
  const state: OnlineDpoState = {
    optimizer: new PopulationAdam(ctx.policy.params, ctx.pop.members.map(() => hp.lr)),
    beta: tf.tensor1d(ctx.pop.members.map((m) => m.beta)),
  };
  return {
    stages: ONLINE_DPO_STAGES,
    iterate: (iteration, mark) => onlineDpoIteration(ctx, state, hp, iteration, mark),
    narrate: (stage, members) => narrate(stage, members, hp),
    dispose: () => {
      state.optimizer.dispose();
      state.beta.dispose();
    },
  };
}
