/**
 * The loop RLOO, GRPO and P3O share (as OpenRLHF shares one loop across its advantage estimators):
 * k responses per prompt from π_old, one scalar reward per response, an advantage per response
 * from its group, then `epochs` Adam steps on the clipped surrogate (ALGORITHMS.md §8)
 *
 *   L = −Σ_i agg_t min(ρ_t·Â_i, clip(ρ_t, 1 ± ε)·Â_i) + β·mean_t k3_t (GRPO only),
 *   ρ_t = π_θ(y_i,t | x, y_i,<t) / π_old(y_i,t | x, y_i,<t),
 *
 * where the token aggregation is a sum for RLOO (its gradient at ρ = 1 is REINFORCE on the whole
 * sequence, −A_i·∇log π_θ(y_i)) and a mean for GRPO (1/|y_i|); P3O clips the ratio of whole
 * responses instead (`GroupSpec.sequence`). What differs between the methods
 * is only `GroupSpec`: how the reward is formed, which estimator turns it into Â, and whether
 * the KL sits in the reward or in the loss. No value network.
 *
 * Stages: sample → score → advantages → update. All tensors are [P, ...].
 */
import * as tf from '@tensorflow/tfjs-core';
import { PopulationAdam } from '../math/adam';
import { entropy, klK1, klK3, sequenceKlEstimate } from '../math/kl';
import { tokenLogProbs } from '../math/logprobs';
import { ppoPolicyLoss } from '../math/losses';
import { positionMask } from '../models/sample';
import { drawPrompts, sampleResponses, streams } from '../population';
import type { Metrics } from '../types';
import { perMember, rolloutLogProbs, UpdateMeans, type Method, type MethodContext, type MethodOutput } from './method';

export const GROUP_PG_STAGES = ['sample', 'score', 'advantages', 'update'] as const;

/** How a group's rewards R [P, B, k] become advantages Â [P, B, k]. */
export type AdvantageEstimator = 'leave_one_out' | 'group_norm' | 'group_mean';

/** TRL's guard against a zero standard deviation in GRPO's normalisation. */
export const GROUP_STD_EPS = 1e-4;

/**
 * Â per response from the rewards of its group [P, B, k]:
 *   leave_one_out (RLOO):   Â_i = R_i − (1/(k−1))·Σ_{j≠i} R_j
 *   group_norm (GRPO):      Â_i = (R_i − mean R)/(std R + 1e-4), std with Bessel's correction (torch's default, as TRL)
 *   group_mean (Dr. GRPO):  Â_i = R_i − mean R
 * A group whose rewards are all equal gets Â = 0 under every estimator.
 */
export function groupAdvantages(R: tf.Tensor, estimator: AdvantageEstimator): tf.Tensor {
  return tf.tidy(() => {
    const k = R.shape[2] as number;
    const mean = tf.mean(R, 2, true);
    const centred = tf.sub(R, mean);
    if (estimator === 'group_mean') return centred;
    // R_i − (kR̄ − R_i)/(k−1) = k/(k−1)·(R_i − R̄).
    if (estimator === 'leave_one_out') return tf.mul(centred, k / (k - 1));
    const std = tf.sqrt(tf.div(tf.sum(tf.square(centred), 2, true), k - 1));
    return tf.div(centred, tf.add(std, GROUP_STD_EPS));
  });
}

/**
 * A surrogate on whole responses (P3O's): from each response's sequence log-ratio
 * Σ_t log(π_θ/π_old) [P, N] and its advantage Â [P, N], the loss and the fraction clipped [P].
 */
export type SequenceSurrogate = (logRatio: tf.Tensor, A: tf.Tensor, clipRange: number) => { loss: tf.Tensor; clipfrac: tf.Tensor };

/** What makes a group method itself. */
export interface GroupSpec {
  /** Metric prefix and stream label, e.g. "rloo". */
  id: string;
  estimator: AdvantageEstimator;
  /** RLOO: R = r_φ − β·Σ_t log(π_old/π_ref) (no gradient through it); else R = r_φ. */
  klInReward: boolean;
  /** GRPO: + β·mean_t k3_t in the loss (differentiated through π_θ); RLOO: none. */
  klInLoss: boolean;
  /** Sum the surrogate over tokens (RLOO: REINFORCE on the sequence) or average it (GRPO). */
  tokens: 'sum' | 'mean';
  /** P3O: clip whole-response ratios with this surrogate instead of PPO's per-token one. */
  sequence?: SequenceSurrogate;
}

export interface GroupHyper {
  k: number;
  batchSize: number;
  epochs: number;
  clipRange: number;
  lr: number;
}

export interface GroupState {
  optimizer: PopulationAdam;
  /** β per member [P] (the KL coefficient of the reward or of the loss). */
  beta: tf.Tensor1D;
}

export function createGroupState(ctx: MethodContext, hp: GroupHyper): GroupState {
  return {
    optimizer: new PopulationAdam(ctx.policy.params, ctx.pop.members.map(() => hp.lr)),
    beta: tf.tensor1d(ctx.pop.members.map((m) => m.beta)),
  };
}

export function disposeGroupState(state: GroupState): void {
  state.optimizer.dispose();
  state.beta.dispose();
}

/** One iteration: B prompts per member, k responses each (response j of prompt b at column b·k + j). */
export function groupIteration(ctx: MethodContext, state: GroupState, spec: GroupSpec, hp: GroupHyper, iteration: number, mark: (stage: string) => void = () => {}): MethodOutput {
  const { pop, policy, reward } = ctx;
  const { P } = pop;
  const { T } = pop.shape;
  const { k, batchSize: B } = hp;
  const rngs = streams(pop, `${spec.id}/${iteration}`);

  // sample: each prompt k times from π_old.
  const drawn = drawPrompts(pop, rngs, B);
  const prompts = tf.tidy(() => tf.reshape(tf.tile(tf.expandDims(drawn, 2), [1, 1, k]), [P, B * k]));
  drawn.dispose();
  const tokens = sampleResponses(pop, rngs, policy, prompts);
  mark('sample');

  const inputs = policy.encode(prompts, tokens);
  const rollout = tf.tidy(() => {
    // score: log π_old and log π_ref per token, r_φ(x, y), and the reward the estimator sees.
    const { logits, logitsRef, logpOld, logpRef } = rolloutLogProbs(ctx, inputs, tokens);
    const score = reward.apply(prompts, tokens); // [P, B·k]
    const betaB = tf.reshape(state.beta, [P, 1]);
    const seqKl = tf.sum(klK1(logpOld, logpRef), 2); // Σ_t log(π_old/π_ref), [P, B·k]
    const R = spec.klInReward ? tf.sub(score, tf.mul(betaB, seqKl)) : score;
    mark('score');

    // advantages: from each group of k, the same for every token of a response.
    const grouped = tf.reshape(R, [P, B, k]);
    const A = tf.reshape(groupAdvantages(grouped, spec.estimator), [P, B * k]);
    const spread = tf.sub(tf.max(grouped, 2), tf.min(grouped, 2));
    const klMc = sequenceKlEstimate(logits, logitsRef);
    const stats: Record<string, tf.Tensor> = {
      'reward/proxy': perMember(score),
      'kl/k1': perMember(seqKl),
      'kl/k3': perMember(tf.sum(klK3(logpOld, logpRef), 2)),
      'kl/mc': klMc.mean,
      'kl/mc_se': klMc.se,
      'policy/entropy': perMember(tf.sum(entropy(logits), 2)),
      [`${spec.id}/advantage_abs`]: perMember(tf.abs(A)),
      // TRL's frac_reward_zero_std: groups that teach nothing (all k rewards equal, Â = 0).
      [`${spec.id}/equal_groups`]: perMember(tf.cast(tf.lessEqual(spread, 1e-7), 'float32')),
    };
    if (spec.klInReward) stats['reward/penalized'] = perMember(R);
    const perTokenA = tf.tile(tf.expandDims(A, 2), [1, 1, T]);
    // The inspector's advantages stage: the sequence reward at the last token, Â at every token.
    const shown = { tokenReward: tf.mul(tf.expandDims(R, 2), positionMask(T, T - 1)), advantage: tf.clone(perTokenA), logProbBefore: tf.clone(logpOld) };
    return { logpOld, logpRef, A: perTokenA, Aseq: A, stats, shown };
  });
  mark('advantages');

  // update: `epochs` Adam steps on the whole batch.
  const updates = new UpdateMeans();
  for (let epoch = 0; epoch < hp.epochs; epoch++) {
    updates.add(
      state.optimizer.step(() => {
        const logp = tokenLogProbs(policy.applyEncoded(inputs), tokens);
        const pg = spec.sequence
          ? spec.sequence(tf.sum(tf.sub(logp, rollout.logpOld), 2), rollout.Aseq, hp.clipRange)
          : ppoPolicyLoss(logp, rollout.logpOld, rollout.A, hp.clipRange); // mean over tokens and responses
        const surrogate = spec.tokens === 'sum' && !spec.sequence ? tf.mul(pg.loss, T) : pg.loss;
        const metrics: Record<string, tf.Tensor> = { 'loss/policy': surrogate, [`${spec.id}/clipfrac`]: pg.clipfrac };
        if (!spec.klInLoss) return { loss: surrogate, metrics };
        const kl = perMember(klK3(logp, rollout.logpRef)); // mean_t k3_t, per member
        metrics['loss/kl'] = tf.mul(state.beta, kl);
        return { loss: tf.add(surrogate, metrics['loss/kl']), metrics };
      }),
    );
  }
  const metrics: Record<string, tf.Tensor> = { ...rollout.stats, [`${spec.id}/beta`]: tf.clone(state.beta), ...updates.means() };
  tf.dispose([inputs, rollout.logpOld, rollout.logpRef, rollout.A, rollout.Aseq]);
  mark('update');
  return { metrics, prompts, tokens, perToken: rollout.shown };
}

/** A group method as a `Method`: the spec, the hyperparameters and its narration. */
export function createGroupMethod(ctx: MethodContext, spec: GroupSpec, hp: GroupHyper, narrate: (stage: string, m: Metrics) => string): Method {
  const state = createGroupState(ctx, hp);
  return {
    stages: GROUP_PG_STAGES,
    iterate: (iteration, mark) => groupIteration(ctx, state, spec, hp, iteration, mark),
    narrate: (stage, members) => narrate(stage, members[0] ?? {}),
    dispose: () => disposeGroupState(state),
  };
}
