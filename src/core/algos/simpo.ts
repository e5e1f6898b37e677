/**
 * SimPO, Simple Preference Optimization with a Reference-Free Reward (Meng, Xia, Chen 2024,
 * https://arxiv.org/abs/2405.14734, eq. 6; TRL cpo_trainer with loss_type="simpo");
 * ALGORITHMS.md §8. On the farm's labelled pairs (y_w ≻ y_l):
 *
 *   L = −log σ(β/|y_w|·log π_θ(y_w|x) − β/|y_l|·log π_θ(y_l|x) − γ)
 *
 * The implicit reward is the policy's own length-normalised log-likelihood: no π_ref anywhere.
 * Nothing bounds the KL to π_ref, so on a table policy it drifts toward a deterministic policy
 * (the loss keeps falling as the winners' probabilities approach 1), where DPO keeps a finite
 * KL. The loop is offline_pairs.ts's.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SimpoHyper } from '../config';
import { rankAccuracy } from '../math/preference_losses';
import type { Metrics } from '../types';
import { narrateMeasure } from './dpo';
import { perMember, type Method, type MethodContext } from './method';
import { createOfflineOptimizer, OFFLINE_STAGES, offlineIteration, type PairLogProbs, type PairObjective } from './offline_pairs';

/** SimPO's loss per pair [P, B] from the length-normalised log π of chosen and rejected (eq. 6). */
export function simpoLoss(logp: PairLogProbs, beta: number, gamma: number): { loss: tf.Tensor; margin: tf.Tensor } {
  return tf.tidy(() => {
    const margin = tf.mul(beta, tf.sub(logp.chosen, logp.rejected)); // β/|y|·(log π(y_w) − log π(y_l)), |y| = T for both
    return { loss: tf.softplus(tf.neg(tf.sub(margin, gamma))), margin };
  });
}

export function simpoObjective(hp: SimpoHyper): PairObjective {
  return {
    id: 'simpo',
    average: true,
    usesReference: false,
    loss: (logp) => {
      const { loss, margin } = simpoLoss(logp, hp.beta, hp.margin);
      const perPair = perMember(loss);
      return { loss: perPair, metrics: { 'loss/simpo': perPair, 'simpo/reward_margin': perMember(margin), 'simpo/accuracy': rankAccuracy(margin) } };
    },
  };
}

const f = (x: number | undefined, digits = 3): string => (x === undefined ? '–' : x.toFixed(digits));

function narrate(stage: string, m: Metrics, hp: SimpoHyper, nTrain: number): string {
  switch (stage) {
    case 'batch':
      return `Drew ${hp.steps} minibatches of ${Math.min(hp.batchSize, nTrain)} labelled pairs from the farm’s ${nTrain} training comparisons.`;
    case 'update':
      return `${hp.steps} Adam steps on the SimPO loss: loss ${f(m['loss/simpo'])}, reward margin β·Δ(log π/|y|) ${f(m['simpo/reward_margin'])} against the target γ = ${f(hp.margin, 2)}, ${f(100 * m['simpo/accuracy'], 0)}% of pairs ranked right — with no π_ref to hold it, KL ${f(m['kl/k3'])} is free to grow.`;
    case 'measure':
      return narrateMeasure(hp.batchSize, m);
    default:
      return stage;
  }
}

export function createSimpo(ctx: MethodContext, hp: SimpoHyper): Method {
  const optimizer = createOfflineOptimizer(ctx, hp);
  const spec = simpoObjective(hp);
  const nTrain = ctx.feedback.train.prompts.shape[1] as number;
  return {
    stages: OFFLINE_STAGES,
    iterate: (iteration, mark) => offlineIteration(ctx, optimizer, spec, hp, iteration, mark),
    narrate: (stage, members) => narrate(stage, members[0] ?? {}, hp, nTrain),
    dispose: () => optimizer.dispose(),
  };
}
