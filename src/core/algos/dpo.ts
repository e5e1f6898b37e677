/**
 * Offline DPO and IPO on the farm's labelled comparisons; ALGORITHMS.md §3.
 *
 * DPO: Rafailov et al. 2023, "Direct Preference Optimization: Your Language Model is
 * Secretly a Reward Model", https://arxiv.org/abs/2305.18290
 *   h = (log π_θ − log π_ref)(y_w) − (log π_θ − log π_ref)(y_l),  log π summed over tokens
 *   L = −log σ(β·h)                                                          (eq. 7)
 * Its population optimum on Bradley–Terry pairs of reward r is π* ∝ π_ref·exp(r/β)
 * (eq. 4–5, §4), the KL-regularised optimum of ALGORITHMS.md §0.
 *
 * IPO: Azar et al. 2023, "A General Theoretical Paradigm to Understand Learning from
 * Human Preferences", https://arxiv.org/abs/2310.12036
 *   L = (h − 1/(2β))²                                                         (eq. 17)
 * with log π averaged over the response's tokens, as TRL's DPOTrainer does for loss_type="ipo".
 *
 * Stages: batch → update → measure. All tensors are [P, ...]; β is per member [P].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DpoHyper } from '../config';
import { PopulationAdam } from '../math/adam';
import { sequenceLogProb } from '../math/logprobs';
import { logRatioMargin, preferenceLoss, rankAccuracy, rewardMargin, type PreferenceLossKind } from '../math/preference_losses';
import type { SeqNet } from '../models/seq_net';
import { streams } from '../population';
import { pairMinibatch } from '../preparation/feedback';
import type { Metrics } from '../types';
import { perMember, policyStats, UpdateMeans, samplePolicy, type Method, type MethodContext, type MethodOutput } from './method';

export const DPO_STAGES = ['batch', 'update', 'measure'] as const;

/**
 * log π(y|x) [P, B] of both responses of each pair under `params` (default: the policy's own),
 * in one forward pass over [y_a; y_b]: summed over tokens, or averaged for IPO (TRL's
 * per-token normalisation).
 */
export function pairLogProbs(
  policy: SeqNet,
  prompts: tf.Tensor,
  a: tf.Tensor,
  b: tf.Tensor,
  kind: PreferenceLossKind,
  params?: readonly tf.Tensor[],
): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const [, B, T] = a.shape;
    const both = sequenceLogProb(policy, tf.concat([prompts, prompts], 1), tf.concat([a, b], 1), params);
    const logp = kind === 'ipo' ? tf.div(both, T) : both;
    const [la, lb] = tf.split(logp, [B, B], 1);
    return [la, lb] as [tf.Tensor, tf.Tensor];
  });
}

/** The metric name of the loss: `loss/dpo` or `loss/ipo`. */
export const lossName = (kind: PreferenceLossKind): string => (kind === 'ipo' ? 'loss/ipo' : 'loss/dpo');

/**
 * One pass of the preference loss on labelled pairs: the scalar to minimise (sum over
 * members of each member's mean) and, kept out of the caller's tidy, the per-member
 * [P] metrics `loss/*`, `dpo/reward_margin` (mean β·h) and `dpo/accuracy` (h > 0).
 */
export function preferenceObjective(
  kind: PreferenceLossKind,
  beta: tf.Tensor,
  logpChosen: tf.Tensor,
  logpRefChosen: tf.Tensor,
  logpRejected: tf.Tensor,
  logpRefRejected: tf.Tensor,
): { loss: tf.Tensor; metrics: Record<string, tf.Tensor> } {
  const h = logRatioMargin(logpChosen, logpRefChosen, logpRejected, logpRefRejected);
  const loss = perMember(preferenceLoss(kind, h, beta));
  return {
    loss,
    metrics: {
      [lossName(kind)]: loss,
      'dpo/reward_margin': perMember(rewardMargin(h, beta)),
      'dpo/accuracy': rankAccuracy(h),
    },
  };
}

export interface DpoState {
  optimizer: PopulationAdam;
  /** β per member [P] (a β sweep gives each member its own). */
  beta: tf.Tensor1D;
}

export function createDpoState(ctx: MethodContext, hp: DpoHyper): DpoState {
  return {
    optimizer: new PopulationAdam(ctx.policy.params, ctx.pop.members.map(() => hp.lr)),
    beta: tf.tensor1d(ctx.pop.members.map((m) => m.beta)),
  };
}

export function disposeDpoState(state: DpoState): void {
  state.optimizer.dispose();
  state.beta.dispose();
}

/** One DPO/IPO iteration: `hp.steps` Adam steps, each on a fresh minibatch of the training pairs. */
export function dpoIteration(
  ctx: MethodContext,
  state: DpoState,
  hp: DpoHyper,
  iteration: number,
  mark: (stage: (typeof DPO_STAGES)[number]) => void = () => {},
): MethodOutput {
  const { pop, policy, reference } = ctx;
  const { train } = ctx.feedback;
  const nTrain = train.prompts.shape[1] as number;
  const mb = Math.min(hp.batchSize, nTrain);

  // batch: the step's minibatches of labelled pairs (y_w, y_l), one seeded draw per member.
  const rngs = streams(pop, `dpo/${iteration}`);
  const batches = Array.from({ length: hp.steps }, () => pairMinibatch(rngs, train, mb));
  mark('batch');

  // update: Adam on the DPO/IPO loss; metrics are those of each step's pre-update pass, averaged.
  const updates = new UpdateMeans();
  for (const [i, { prompts, chosen, rejected }] of batches.entries()) {
    // π_ref is frozen: its log-probabilities stay outside the gradient tape.
    const [refChosen, refRejected] = pairLogProbs(policy, prompts, chosen, rejected, hp.loss, reference);
    updates.add(
      state.optimizer.step(() => {
        const [logpChosen, logpRejected] = pairLogProbs(policy, prompts, chosen, rejected, hp.loss);
        return preferenceObjective(hp.loss, state.beta, logpChosen, refChosen, logpRejected, refRejected);
      }),
    );
    // The first minibatch goes out with the output, for the stage walk's pairs view.
    tf.dispose(i === 0 ? [refChosen, refRejected] : [prompts, chosen, rejected, refChosen, refRejected]);
  }
  const metrics: Record<string, tf.Tensor> = { 'dpo/beta': tf.clone(state.beta), ...updates.means() };
  mark('update');

  // measure: a fresh batch from the updated policy, for policy statistics and gold reward.
  const { prompts, tokens } = samplePolicy(ctx, streams(pop, `dpo/${iteration}/measure`), hp.batchSize);
  Object.assign(metrics, policyStats(ctx, prompts, tokens));
  mark('measure');
  return { metrics, prompts, tokens, pairs: batches[0] };
}

const f = (x: number | undefined, digits = 3): string => (x === undefined ? '–' : x.toFixed(digits));
const pct = (x: number | undefined): string => (x === undefined ? '–' : `${(100 * x).toFixed(0)}%`);

/** The narration of a DPO-family update stage, shared with online DPO. */
export function narrateUpdate(kind: PreferenceLossKind, m: Metrics, what: string, extra = ''): string {
  const name = kind === 'ipo' ? 'IPO' : 'DPO';
  return `${what} on the ${name} loss (β = ${f(m['dpo/beta'], 3)}): loss ${f(m[lossName(kind)])}, implicit reward margin β·h ${f(m['dpo/reward_margin'])}, ${pct(m['dpo/accuracy'])} of pairs ranked right${extra}.`;
}

/** The narration of the stage that samples the updated policy. */
export function narrateMeasure(B: number, m: Metrics): string {
  return `Sampled ${B} responses from the updated policy: proxy reward ${f(m['reward/proxy'])} (gold ${f(m['reward/gold'])}), KL to π_ref ≈ ${f(m['kl/k3'])} (k3).`;
}

function narrate(stage: string, members: Metrics[], hp: DpoHyper, nTrain: number): string {
  const m = members[0];
  const runs = members.length > 1 ? ` for each of ${members.length} runs` : '';
  switch (stage) {
    case 'batch':
      return `Drew ${hp.steps} minibatches of ${Math.min(hp.batchSize, nTrain)} labelled pairs${runs} from the farm’s ${nTrain} training comparisons.`;
    case 'update':
      return narrateUpdate(hp.loss, m, `${hp.steps} Adam steps`);
    case 'measure':
      return narrateMeasure(hp.batchSize, m);
    default:
      return stage;
  }
}

/** DPO or IPO as a `Method`: its optimizer lives as long as the experiment's run. */
export function createDpo(ctx: MethodContext, hp: DpoHyper): Method {
  const state = createDpoState(ctx, hp);
  const nTrain = ctx.feedback.train.prompts.shape[1] as number;
  return {
    stages: DPO_STAGES,
    iterate: (iteration, mark) => dpoIteration(ctx, state, hp, iteration, mark),
    narrate: (stage, members) => narrate(stage, members, hp, nTrain),
    dispose: () => disposeDpoState(state),
  };
}
