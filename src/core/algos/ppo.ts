/**
 * PPO for RLHF: Schulman et al. 2017 ("Proximal Policy Optimization Algorithms",
 * https://arxiv.org/abs/1707.06347) as used by InstructGPT (Ouyang et al. 2022) and
 * AlpacaFarm; ALGORITHMS.md §2.
 *
 *   r_t = −β·kl_t (+ r_φ(x, y) at the last token)          per-token KL penalty
 *   A   = GAE(γ, λ) (eq. 16 of Schulman et al. 2016), whitened per member
 *   L   = L_pg (eq. 7, clipped) + c_v·L_v (clipped value loss)
 *   β   ← β·(1 + clip(KL/target − 1, ±0.2)·B/horizon)      (Ziegler et al. 2019), if adaptive
 *
 * Stages: sample → score → advantages → update. All tensors are [P, ...].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PpoHyper } from '../config';
import { PopulationAdam } from '../math/adam';
import { gae, whitenPerMember } from '../math/gae';
import { entropy, klK1, klK3, klPenalty, sequenceKlEstimate } from '../math/kl';
import { tokenLogProbs } from '../math/logprobs';
import { explainedVariance, ppoPolicyLoss, ppoValueLoss } from '../math/losses';
import { variableFrom } from '../models/init';
import { positionMask } from '../models/sample';
import type { SeqNet } from '../models/seq_net';
import { narrate } from '../narration';
import { createNet, epochRows, streams, takeRows } from '../population';
import { perMember, rolloutLogProbs, samplePolicy, UpdateMeans, type Method, type MethodContext, type MethodOutput } from './method';

export const PPO_STAGES = ['sample', 'score', 'advantages', 'update'] as const;

export interface PpoState {
  value: SeqNet;
  optimizer: PopulationAdam;
  /** Current KL coefficient per member [P] (moves only with the adaptive controller). */
  beta: tf.Variable;
}

export function createPpoState(ctx: MethodContext, hp: PpoHyper): PpoState {
  const value = createNet(ctx.pop, 1, 'ppo/value-init');
  const optimizer = new PopulationAdam([...ctx.policy.params, ...value.params], ctx.pop.members.map(() => hp.lr));
  const beta = variableFrom(tf.tensor1d(ctx.pop.members.map((m) => m.beta)), false);
  return { value, optimizer, beta };
}

export function disposePpoState(state: PpoState): void {
  state.value.dispose();
  state.optimizer.dispose();
  state.beta.dispose();
}

/** One PPO iteration; `iteration` (1-based) names this iteration's random streams. */
export function ppoIteration(
  ctx: MethodContext,
  state: PpoState,
  hp: PpoHyper,
  iteration: number,
  mark: (stage: (typeof PPO_STAGES)[number]) => void = () => {},
): MethodOutput {
  const { pop, policy, reward } = ctx;
  const { P } = pop;
  const { T } = pop.shape;
  const rngs = streams(pop, `ppo/${iteration}`);

  // sample: B responses per member from the current policy.
  const { prompts, tokens } = samplePolicy(ctx, rngs, hp.batchSize);
  mark('sample');

  // Policy and value read the same inputs (one kind of network): encoded once for the whole iteration.
  const inputs = policy.encode(prompts, tokens);
  const rollout = tf.tidy(() => {
    // score: log-probabilities under π_old and π_ref, values, and r_φ(x, y).
    const { logits, logitsRef, logpOld, logpRef } = rolloutLogProbs(ctx, inputs, tokens);
    const valuesOld = tf.squeeze(state.value.applyEncoded(inputs), [3]);
    const score = reward.apply(prompts, tokens);
    mark('score');

    // advantages: per-token rewards with the KL penalty, then GAE.
    const kl = klPenalty(hp.klEstimator, logpOld, logpRef, logits, logitsRef);
    const betaB = tf.reshape(state.beta, [P, 1, 1]);
    const rewards = tf.add(tf.neg(tf.mul(betaB, kl)), tf.mul(tf.expandDims(score, 2), positionMask(T, T - 1)));
    const { advantages, returns } = gae(rewards, valuesOld, hp.gamma, hp.lambda);
    const A = hp.whitenAdvantages ? whitenPerMember(advantages) : advantages;
    const klMc = sequenceKlEstimate(logits, logitsRef);
    const stats = {
      'kl/mc': klMc.mean,
      'kl/mc_se': klMc.se,
      'reward/proxy': perMember(score),
      'reward/penalized': perMember(tf.sum(rewards, 2)),
      'kl/k1': perMember(tf.sum(klK1(logpOld, logpRef), 2)),
      'kl/k3': perMember(tf.sum(klK3(logpOld, logpRef), 2)),
      'kl/penalty': perMember(tf.sum(kl, 2)),
      'policy/entropy': perMember(tf.sum(entropy(logits), 2)),
      'value/explained_variance': explainedVariance(valuesOld, returns),
    };
    // What each minibatch reads, per token, stacked so that a minibatch is one gather: [P, B, 4, T].
    const perToken = tf.stack([logpOld, A, valuesOld, returns], 2);
    // The inspector's advantages stage: r_t and Â_t as GAE computed them (before any whitening).
    return { perToken, stats, shown: { tokenReward: rewards, advantage: advantages, logProbBefore: logpOld } };
  });
  mark('advantages');

  // update: K epochs over M minibatches of the rollout.
  if (hp.annealLr) state.optimizer.scale = 1 - (iteration - 1) / ctx.pop.config.iterations;
  const updates = new UpdateMeans();
  const epochRngs = streams(pop, `ppo/${iteration}/minibatches`);
  for (let epoch = 0; epoch < hp.epochs; epoch++) {
    for (const rows of epochRows(epochRngs, hp.batchSize, hp.minibatches)) {
      const parts = state.optimizer.step(() => {
        const x = takeRows(inputs, rows, P);
        const y = takeRows(tokens, rows, P);
        const [logpOld, A, valuesOld, returns] = tf.unstack(takeRows(rollout.perToken, rows, P), 2);
        const logp = tokenLogProbs(policy.applyEncoded(x), y);
        const pg = ppoPolicyLoss(logp, logpOld, A, hp.clipRange);
        const values = tf.squeeze(state.value.applyEncoded(x), [3]);
        const vl = ppoValueLoss(values, valuesOld, returns, hp.clipRangeValue);
        return {
          loss: tf.add(pg.loss, tf.mul(hp.vfCoef, vl)),
          metrics: { 'loss/policy': pg.loss, 'loss/value': vl, 'ppo/clipfrac': pg.clipfrac, 'ppo/approx_kl': pg.approxKl },
        };
      });
      rows.dispose();
      updates.add(parts);
    }
  }
  const metrics: Record<string, tf.Tensor> = { ...rollout.stats, 'ppo/beta': tf.clone(state.beta), ...updates.means() };

  if (hp.adaptiveKl) {
    const { target, horizon } = hp.adaptiveKl;
    const next = tf.tidy(() => {
      const e = tf.clipByValue(tf.sub(tf.div(rollout.stats['kl/penalty'], target), 1), -0.2, 0.2);
      return tf.mul(state.beta, tf.add(1, tf.mul(e, hp.batchSize / horizon)));
    });
    state.beta.assign(next);
    next.dispose();
  }
  tf.dispose([inputs, rollout.perToken]);
  mark('update');
  return { metrics, prompts, tokens, perToken: rollout.shown };
}

/** PPO as a `Method`: its value head and optimizer live as long as the experiment's run. */
export function createPpo(ctx: MethodContext, hp: PpoHyper): Method {
  const state = createPpoState(ctx, hp);
  return {
    stages: PPO_STAGES,
    iterate: (iteration, mark) => ppoIteration(ctx, state, hp, iteration, mark),
    klCoefficient: () => tf.clone(state.beta),
    narrate: (stage, members) => narrate(stage, members, hp),
    dispose: () => disposePpoState(state),
  };
}
