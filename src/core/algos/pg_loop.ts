/**
 * The policy-gradient loop PPO, RLOO, GRPO and P3O share, as OpenRLHF shares one trainer across
 * its `advantage_estimator` flag: responses from π_old, one reward per response, an advantage
 * per token from the chosen estimator, then `epochs` passes of Adam on the clipped surrogate
 * (ALGORITHMS.md §2 and §8)
 *
 *   L = −agg_t min(ρ_t·Â_t, clip(ρ_t, 1 ± ε)·Â_t) [+ c_v·L_value (GAE)] [+ β·mean_t k3_t (GRPO)],
 *   ρ_t = π_θ(y_t | x, y_<t) / π_old(y_t | x, y_<t).
 *
 * The estimators: `gae` (PPO) — per-token rewards −β·kl_t plus r_φ at the last token, GAE(γ, λ)
 * with a learned value head (Schulman et al. 2016, eq. 16), whitened per member, minibatches;
 * and from a group of k responses per prompt, no value network — `leave_one_out` (RLOO; P3O's
 * pair difference at k = 2), `group_norm` (GRPO), `group_mean` (Dr. GRPO). What else differs is
 * where the KL to π_ref sits (`PgSpec.kl`), whether the surrogate sums or averages over tokens,
 * and P3O's clip on whole responses (`PgSpec.sequence`).
 *
 * Stages: sample → score → advantages → update. All tensors are [P, ...].
 */
import * as tf from '@tensorflow/tfjs-core';
import { PopulationAdam } from '../math/adam';
import { gae, whitenPerMember } from '../math/gae';
import { entropy, klK1, klK3, klPenalty, sequenceKlEstimate, type KlEstimator } from '../math/kl';
import { tokenLogProbs, tokenLogProbsWithPullback } from '../math/logprobs';
import { explainedVariance, ppoPolicyLoss, ppoPolicyLossWithGrad, ppoValueLossWithGrad } from '../math/losses';
import { variableFrom } from '../models/init';
import { positionMask } from '../models/sample';
import type { SeqNet } from '../models/seq_net';
import { createNet, drawPrompts, epochMinibatches, sampleResponses, streams } from '../population';
import type { Metrics } from '../types';
import { perMember, rolloutLogProbs, UpdateMeans, type Method, type MethodContext, type MethodOutput } from './method';

export const PG_STAGES = ['sample', 'score', 'advantages', 'update'] as const;

/** How rewards become advantages: GAE with a value head, or from the other responses to the same prompt. */
export type AdvantageEstimator = 'gae' | 'leave_one_out' | 'group_norm' | 'group_mean';

/** TRL's guard against a zero standard deviation in GRPO's normalisation. */
export const GROUP_STD_EPS = 1e-4;

/**
 * Â per response from the rewards of its group [P, B, k]:
 *   leave_one_out (RLOO):   Â_i = R_i − (1/(k−1))·Σ_{j≠i} R_j
 *   group_norm (GRPO):      Â_i = (R_i − mean R)/(std R + 1e-4), std with Bessel's correction (torch's default, as TRL)
 *   group_mean (Dr. GRPO):  Â_i = R_i − mean R
 * A group whose rewards are all equal gets Â = 0 under every estimator.
 */
export function groupAdvantages(R: tf.Tensor, estimator: Exclude<AdvantageEstimator, 'gae'>): tf.Tensor {
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

/** What makes a method of the loop itself. */
export interface PgSpec {
  /** Metric prefix and stream label, e.g. "rloo". */
  id: string;
  estimator: AdvantageEstimator;
  /**
   * Where the KL to π_ref sits: −β·kl_t in each token's reward (PPO), −β·Σ_t log(π_old/π_ref) in
   * the response's reward (RLOO, P3O; no gradient through it), or β·mean_t k3_t in the loss,
   * differentiated through π_θ (GRPO). GAE needs per-token rewards, so it goes with `token_reward`.
   */
  kl: 'token_reward' | 'sequence_reward' | 'k3_loss';
  /** Sum the surrogate over tokens (RLOO: REINFORCE on the sequence) or average it (PPO, GRPO). */
  tokens: 'sum' | 'mean';
  /** P3O: clip whole-response ratios with this surrogate instead of PPO's per-token one. */
  sequence?: SequenceSurrogate;
}

export interface PgHyper {
  /** Responses per prompt (1 for PPO; a group for the others). */
  k: number;
  /** Prompts per iteration. */
  batchSize: number;
  epochs: number;
  clipRange: number;
  lr: number;
  /** Shuffled minibatches per epoch (PPO); absent: each epoch is one step on the whole batch. */
  minibatches?: number;
  /** The GAE estimator's settings and its value head's loss. */
  gae?: { gamma: number; lambda: number; whiten: boolean; vfCoef: number; clipRangeValue: number };
  /** The per-token KL of `token_reward` (default k1). */
  klEstimator?: KlEstimator;
  /** Anneal the learning rate linearly to 0 over the run. */
  annealLr?: boolean;
  /** Ziegler et al.'s controller: β ← β·(1 + clip(KL/target − 1, ±0.2)·B/horizon) after each iteration. */
  adaptiveKl?: { target: number; horizon: number } | null;
}

export interface PgState {
  optimizer: PopulationAdam;
  /** β per member [P]: constant, or moved by the adaptive controller. */
  beta: tf.Variable;
  /** The value head of the GAE estimator; null for the group estimators. */
  value: SeqNet | null;
}

export function createPgState(ctx: MethodContext, spec: PgSpec, hp: PgHyper): PgState {
  // The estimator and its settings come together: GAE without γ, λ and a value loss is no estimator.
  if ((spec.estimator === 'gae') !== (hp.gae !== undefined)) throw new Error(`${spec.id}: the gae estimator needs hp.gae, and only it takes one`);
  const value = spec.estimator === 'gae' ? createNet(ctx.pop, 1, `${spec.id}/value-init`) : null;
  return {
    value,
    optimizer: new PopulationAdam([...ctx.policy.params, ...(value?.params ?? [])], ctx.pop.members.map(() => hp.lr)),
    beta: variableFrom(tf.tensor1d(ctx.pop.members.map((m) => m.beta)), false),
  };
}

export function disposePgState(state: PgState): void {
  state.value?.dispose();
  state.optimizer.dispose();
  state.beta.dispose();
}

/** k responses to each of B prompts per member from π_old; response j of prompt b at column b·k + j. */
function sample(ctx: MethodContext, rngs: ReturnType<typeof streams>, B: number, k: number): { prompts: tf.Tensor; tokens: tf.Tensor } {
  const drawn = drawPrompts(ctx.pop, rngs, B);
  const prompts = k === 1 ? drawn : tf.tidy(() => tf.reshape(tf.tile(tf.expandDims(drawn, 2), [1, 1, k]), [ctx.pop.P, B * k]));
  if (k > 1) drawn.dispose();
  return { prompts, tokens: sampleResponses(ctx.pop, rngs, ctx.policy, prompts) };
}

/** What the update reads from the rollout (a type, not an interface: tf.tidy returns it). */
type Rollout = {
  /** GAE: log π_old, Â, V_old and the returns per token, stacked [P, N, 4, T] so that a minibatch is one gather. */
  stacked?: tf.Tensor;
  /** Group estimators: log π_old and Â per token. */
  columns: tf.Tensor[];
  /** Group estimators: Â per response [P, N] (P3O's sequence surrogate) and log π_ref per token (GRPO's k3). */
  Aseq?: tf.Tensor;
  logpRef?: tf.Tensor;
  stats: Record<string, tf.Tensor>;
  shown: { tokenReward: tf.Tensor; advantage: tf.Tensor; logProbBefore: tf.Tensor };
};

/** One iteration; `iteration` (1-based) names this iteration's random streams. */
export function pgIteration(ctx: MethodContext, state: PgState, spec: PgSpec, hp: PgHyper, iteration: number, mark: (stage: string) => void = () => {}): MethodOutput {
  const { pop, policy, reward } = ctx;
  const { P } = pop;
  const { T } = pop.shape;
  const { k, batchSize: B } = hp;
  const N = B * k;
  const value = state.value;

  // sample
  const { prompts, tokens } = sample(ctx, streams(pop, `${spec.id}/${iteration}`), B, k);
  mark('sample');

  // Policy and value read the same inputs (one kind of network): encoded once for the whole iteration.
  const inputs = policy.encode(prompts, tokens);
  const rollout = tf.tidy((): Rollout => {
    // score: log π_old and log π_ref per token, the value head's V (GAE), and r_φ(x, y).
    const { logits, logitsRef, logpOld, logpRef } = rolloutLogProbs(ctx, inputs, tokens);
    const valuesOld = value ? tf.squeeze(value.applyEncoded(inputs), [3]) : null;
    const score = reward.apply(prompts, tokens); // [P, N]
    mark('score');

    // advantages
    const klMc = sequenceKlEstimate(logits, logitsRef);
    const seqKl = tf.sum(klK1(logpOld, logpRef), 2); // Σ_t log(π_old/π_ref), [P, N]
    const stats: Record<string, tf.Tensor> = {
      'kl/mc': klMc.mean,
      'kl/mc_se': klMc.se,
      'reward/proxy': perMember(score),
      'kl/k1': perMember(seqKl),
      'kl/k3': perMember(tf.sum(klK3(logpOld, logpRef), 2)),
      'policy/entropy': perMember(tf.sum(entropy(logits), 2)),
    };
    if (valuesOld && hp.gae) {
      // Per-token rewards with the KL penalty, then GAE; the update reads them per minibatch.
      const kl = klPenalty(hp.klEstimator ?? 'k1', logpOld, logpRef, logits, logitsRef);
      const rewards = tf.add(tf.neg(tf.mul(tf.reshape(state.beta, [P, 1, 1]), kl)), tf.mul(tf.expandDims(score, 2), positionMask(T, T - 1)));
      const { advantages, returns } = gae(rewards, valuesOld, hp.gae.gamma, hp.gae.lambda);
      const A = hp.gae.whiten ? whitenPerMember(advantages) : advantages;
      stats['reward/penalized'] = perMember(tf.sum(rewards, 2));
      stats['kl/penalty'] = perMember(tf.sum(kl, 2));
      stats['value/explained_variance'] = explainedVariance(valuesOld, returns);
      const stacked = tf.stack([logpOld, A, valuesOld, returns], 2);
      // The inspector's advantages stage: r_t and Â_t as GAE computed them (before any whitening).
      return { stacked, columns: [], stats, shown: { tokenReward: rewards, advantage: advantages, logProbBefore: logpOld } };
    }
    // A reward per response, then each response against the others to its prompt.
    const R = spec.kl === 'sequence_reward' ? tf.sub(score, tf.mul(tf.reshape(state.beta, [P, 1]), seqKl)) : score;
    const grouped = tf.reshape(R, [P, B, k]);
    const Aseq = tf.reshape(groupAdvantages(grouped, spec.estimator as Exclude<AdvantageEstimator, 'gae'>), [P, N]);
    const spread = tf.sub(tf.max(grouped, 2), tf.min(grouped, 2));
    stats[`${spec.id}/advantage_abs`] = perMember(tf.abs(Aseq));
    // TRL's frac_reward_zero_std: groups that teach nothing (all k rewards equal, Â = 0).
    stats[`${spec.id}/equal_groups`] = perMember(tf.cast(tf.lessEqual(spread, 1e-7), 'float32'));
    if (spec.kl === 'sequence_reward') stats['reward/penalized'] = perMember(R);
    const A = tf.tile(tf.expandDims(Aseq, 2), [1, 1, T]);
    // The inspector's advantages stage: the sequence reward at the last token, Â at every token.
    const shown = { tokenReward: tf.mul(tf.expandDims(R, 2), positionMask(T, T - 1)), advantage: tf.clone(A), logProbBefore: tf.clone(logpOld) };
    return { columns: [logpOld, A], Aseq, logpRef, stats, shown };
  });
  mark('advantages');

  // update: `epochs` passes, each over shuffled minibatches (PPO) or the whole batch in one step.
  if (hp.annealLr) state.optimizer.scale = 1 - (iteration - 1) / pop.config.iterations;
  const updates = new UpdateMeans();
  // What each step reads, picked before the updates and off the autograd tape (rows are data, not functions of θ):
  // PPO's shuffled minibatches of every epoch at once, or the whole batch for each epoch.
  const columns = [inputs, tokens, ...(rollout.stacked ? tf.unstack(rollout.stacked, 2) : rollout.columns)];
  const batches = hp.minibatches ? epochMinibatches(streams(pop, `${spec.id}/${iteration}/minibatches`), N, hp.minibatches, hp.epochs, columns) : Array.from({ length: hp.epochs }, () => columns);
  // PPO's and RLOO's updates run with their gradient written out; GRPO's k3 term and P3O's sequence clip go through autograd.
  const written = !spec.sequence && spec.kl !== 'k3_loss';
  for (const batch of batches) {
    const parts = written
      ? writtenUpdate(ctx, state, spec, hp, batch)
      : state.optimizer.step(() => {
          const [x, y, logpOld, A] = batch;
          const logp = tokenLogProbs(policy.applyEncoded(x), y);
          const pg = spec.sequence ? spec.sequence(tf.sum(tf.sub(logp, logpOld), 2), rollout.Aseq!, hp.clipRange) : ppoPolicyLoss(logp, logpOld, A, hp.clipRange);
          const surrogate = spec.tokens === 'sum' && !spec.sequence ? tf.mul(pg.loss, T) : pg.loss;
          const metrics: Record<string, tf.Tensor> = { 'loss/policy': surrogate, [`${spec.id}/clipfrac`]: pg.clipfrac };
          if (spec.kl !== 'k3_loss') return { loss: surrogate, metrics };
          metrics['loss/kl'] = tf.mul(state.beta, perMember(klK3(logp, rollout.logpRef!))); // β·mean_t k3_t, per member
          return { loss: tf.add(surrogate, metrics['loss/kl']), metrics };
        });
    if (hp.minibatches) tf.dispose(batch);
    updates.add(parts);
  }
  // The rollout's own columns stay for later epochs until here; unstacked ones are copies.
  if (rollout.stacked) tf.dispose(columns.slice(2));
  const metrics: Record<string, tf.Tensor> = { ...rollout.stats, [`${spec.id}/beta`]: tf.clone(state.beta), ...updates.means() };

  if (hp.adaptiveKl) {
    const { target, horizon } = hp.adaptiveKl;
    const next = tf.tidy(() => {
      const e = tf.clipByValue(tf.sub(tf.div(rollout.stats['kl/penalty'], target), 1), -0.2, 0.2);
      return tf.mul(state.beta, tf.add(1, tf.mul(e, B / horizon)));
    });
    state.beta.assign(next);
    next.dispose();
  }
  tf.dispose([inputs, ...rollout.columns, ...[rollout.stacked, rollout.Aseq, rollout.logpRef].filter((t) => t !== undefined)]);
  mark('update');
  return { metrics, prompts, tokens, perToken: rollout.shown };
}

/**
 * One Adam step on the token surrogate (PPO, RLOO) and, with GAE, the value loss, its gradient
 * written out: the networks' and losses' pullbacks chained by hand, off the autograd tape. The
 * numbers autograd finds through the same objective (each pullback is what the autograd path's
 * custom gradient runs), without the tape's copies of every tensor it reads.
 */
function writtenUpdate(ctx: MethodContext, state: PgState, spec: PgSpec, hp: PgHyper, [x, y, logpOld, A, valuesOld, returns]: tf.Tensor[]): Record<string, tf.Tensor> {
  const T = y.shape[2] as number;
  const { grads, metrics } = tf.tidy(() => {
    const nets = networksWithPullback(ctx.policy, state.value, x);
    const lp = tokenLogProbsWithPullback(nets.policyOut, y);
    const pg = ppoPolicyLossWithGrad(lp.logp, logpOld, A, hp.clipRange); // mean over tokens and responses
    // RLOO sums its surrogate over tokens: REINFORCE on the sequence.
    const scale = spec.tokens === 'sum' ? T : 1;
    const metrics: Record<string, tf.Tensor> = { 'loss/policy': scale === 1 ? pg.loss : tf.mul(pg.loss, scale), [`${spec.id}/clipfrac`]: pg.clipfrac };
    const dLogits = lp.pullback(scale === 1 ? pg.dLogp : tf.mul(pg.dLogp, scale));
    if (!nets.valueOut || !hp.gae) return { grads: nets.pullback(dLogits, null), metrics };
    const vl = ppoValueLossWithGrad(tf.squeeze(nets.valueOut, [3]), valuesOld, returns, hp.gae.clipRangeValue);
    Object.assign(metrics, { 'loss/value': vl.loss, [`${spec.id}/approx_kl`]: pg.approxKl });
    // L = L_pg + c_v·L_v
    return { grads: nets.pullback(dLogits, tf.expandDims(tf.mul(hp.gae.vfCoef, vl.dValues), 3)), metrics };
  });
  state.optimizer.apply(grads);
  tf.dispose(grads);
  return metrics;
}

/**
 * The policy's and the value head's outputs on x, and one pullback for all their parameters in
 * the optimizer's order: in one pass where the networks allow it (two transformers run one
 * stacked trunk), else each on its own.
 */
function networksWithPullback(policy: SeqNet, value: SeqNet | null, x: tf.Tensor): { policyOut: tf.Tensor; valueOut: tf.Tensor | null; pullback: (dPolicy: tf.Tensor, dValue: tf.Tensor | null) => tf.Tensor[] } {
  const paired = value ? (policy.applyBesideWithPullback?.(value, x) ?? null) : null;
  if (paired) return { policyOut: paired.outs[0], valueOut: paired.outs[1], pullback: (dPolicy, dValue) => paired.pullback([dPolicy, dValue ?? tf.zerosLike(paired.outs[1])]).flat() };
  const p = policy.applyWithPullback(x);
  const v = value?.applyWithPullback(x) ?? null;
  return { policyOut: p.out, valueOut: v?.out ?? null, pullback: (dPolicy, dValue) => [...p.pullback(dPolicy), ...(v ? v.pullback(dValue ?? tf.zerosLike(v.out)) : [])] };
}

/** A method of the loop as a `Method`: its spec, hyperparameters and narration; `adaptive` exposes its moving β. */
export function createPgMethod(ctx: MethodContext, spec: PgSpec, hp: PgHyper, narrate: (stage: string, members: Metrics[]) => string, adaptive = false): Method {
  const state = createPgState(ctx, spec, hp);
  return {
    stages: PG_STAGES,
    iterate: (iteration, mark) => pgIteration(ctx, state, spec, hp, iteration, mark),
    ...(adaptive ? { klCoefficient: () => tf.clone(state.beta) } : {}),
    narrate,
    dispose: () => disposePgState(state),
  };
}
