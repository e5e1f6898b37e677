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
import { logRatioMargin, preferenceLoss, rankAccuracy, rewardMargin, type PreferenceLossKind } from '../math/preference_losses';
import type { Metrics } from '../types';
import { perMember, type Method, type MethodContext, type MethodOutput } from './method';
import { OFFLINE_STAGES, offlineIteration, type PairObjective } from './offline_pairs';

export const DPO_STAGES = OFFLINE_STAGES;

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

/** DPO's or IPO's objective for the shared offline loop. */
export function dpoObjective(hp: DpoHyper, state: DpoState): PairObjective {
  return {
    id: 'dpo',
    average: hp.loss === 'ipo',
    usesReference: true,
    loss: (logp, ref) => preferenceObjective(hp.loss, state.beta, logp.chosen, ref!.chosen, logp.rejected, ref!.rejected),
  };
}

/** One DPO/IPO iteration: `hp.steps` Adam steps, each on a fresh minibatch of the training pairs. */
export function dpoIteration(ctx: MethodContext, state: DpoState, hp: DpoHyper, iteration: number, mark?: (stage: (typeof DPO_STAGES)[number]) => void): MethodOutput {
  const out = offlineIteration(ctx, state.optimizer, dpoObjective(hp, state), hp, iteration, mark);
  out.metrics['dpo/beta'] = tf.clone(state.beta);
  return out;
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
