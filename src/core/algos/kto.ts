/**
 * KTO, Kahneman–Tversky Optimization (Ethayarajh et al. 2024, "KTO: Model Alignment as
 * Prospect Theoretic Optimization", https://arxiv.org/abs/2402.01306, eq. 8; TRL kto_trainer);
 * ALGORITHMS.md §8. Unpaired examples: each labelled comparison gives a desirable (x, y_w) and
 * an undesirable (x, y_l).
 *
 *   h   = log π_θ(y|x) − log π_ref(y|x)                                   (summed over tokens)
 *   z_0 = max(0, mean over mismatched (x, y') of log π_θ(y'|x) − log π_ref(y'|x))   (no gradient)
 *   v   = λ_D·σ(β·(h − z_0)) if y is desirable,  λ_U·σ(β·(z_0 − h)) if undesirable
 *   L   = mean over examples of (λ_y − v)
 *
 * The mismatched pairs pair each prompt with the responses of the next row of the minibatch,
 * as TRL shifts completions; z_0 is the reference point the value function bends around.
 * The loop is offline_pairs.ts's.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KtoHyper } from '../config';
import type { Metrics } from '../types';
import { narrateMeasure } from './dpo';
import { perMember, type Method, type MethodContext } from './method';
import { pairLogProbs } from '../math/logprobs';
import { createOfflineOptimizer, OFFLINE_STAGES, offlineIteration, type PairLogProbs, type PairObjective } from './offline_pairs';

/** The rows of x [P, B, …] shifted by one along B: row b gets row b + 1 (mod B). */
function nextRow(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const B = x.shape[1] as number;
    const [head, tail] = tf.split(x, [1, B - 1], 1);
    return tf.concat([tail, head], 1);
  });
}

/**
 * KTO's loss per example and its parts, from h of the desirable (chosen) and undesirable
 * (rejected) responses [P, B], the reference point z_0 [P] and β [P].
 */
export function ktoLoss(h: PairLogProbs, z0: tf.Tensor, beta: tf.Tensor, lambdaD: number, lambdaU: number): { loss: tf.Tensor; desirable: tf.Tensor; undesirable: tf.Tensor } {
  return tf.tidy(() => {
    const P = z0.shape[0] as number;
    const z = tf.reshape(z0, [P, 1]);
    const b = tf.reshape(beta, [P, 1]);
    const desirable = tf.mul(lambdaD, tf.sub(1, tf.sigmoid(tf.mul(b, tf.sub(h.chosen, z)))));
    const undesirable = tf.mul(lambdaU, tf.sub(1, tf.sigmoid(tf.mul(b, tf.sub(z, h.rejected)))));
    // λ_y − v over both halves: one mean over all 2B examples (TRL's nanmean of the concatenation).
    const loss = tf.mean(tf.concat([desirable, undesirable], 1), 1);
    return { loss, desirable: perMember(desirable), undesirable: perMember(undesirable) };
  });
}

export function ktoObjective(ctx: MethodContext, hp: KtoHyper, beta: tf.Tensor1D): PairObjective {
  const { policy, reference } = ctx;
  return {
    id: 'kto',
    average: false,
    usesReference: true,
    // z_0 from the mismatched pairs (x_b with the responses of row b + 1), outside the gradient tape.
    detached: ({ prompts, chosen, rejected }) =>
      tf.tidy(() => {
        const [cw, cl] = [nextRow(chosen), nextRow(rejected)];
        const [pw, pl] = pairLogProbs(policy, prompts, cw, cl, false);
        const [rw, rl] = pairLogProbs(policy, prompts, cw, cl, false, reference);
        const kl = tf.mean(tf.concat([tf.sub(pw, rw), tf.sub(pl, rl)], 1), 1);
        return { z0: tf.relu(kl) };
      }),
    loss: (logp, ref, { z0 }) => {
      const h = { chosen: tf.sub(logp.chosen, ref!.chosen), rejected: tf.sub(logp.rejected, ref!.rejected) };
      const parts = ktoLoss(h, z0, beta, hp.desirableWeight, hp.undesirableWeight);
      return {
        loss: parts.loss,
        metrics: {
          'loss/kto': parts.loss,
          'kto/z0': tf.clone(z0),
          'kto/desirable_logratio': perMember(h.chosen),
          'kto/undesirable_logratio': perMember(h.rejected),
        },
      };
    },
  };
}

const f = (x: number | undefined, digits = 3): string => (x === undefined ? '–' : x.toFixed(digits));

function narrate(stage: string, m: Metrics, hp: KtoHyper, nTrain: number): string {
  const mb = Math.min(hp.batchSize, nTrain);
  switch (stage) {
    case 'batch':
      return `Drew ${hp.steps} minibatches of ${mb} comparisons and split each into ${mb} desirable replies (the winners) and ${mb} undesirable ones (the losers), unpaired.`;
    case 'update':
      return `${hp.steps} Adam steps on the KTO loss: loss ${f(m['loss/kto'])}; log π/π_ref of desirable replies ${f(m['kto/desirable_logratio'])}, of undesirable ones ${f(m['kto/undesirable_logratio'])}, around the reference point z_0 = ${f(m['kto/z0'], 4)} (the KL measured on mismatched pairs of prompts and replies).`;
    case 'measure':
      return narrateMeasure(hp.batchSize, m);
    default:
      return stage;
  }
}

export function createKto(ctx: MethodContext, hp: KtoHyper): Method {
  const optimizer = createOfflineOptimizer(ctx, hp);
  const beta = tf.tensor1d(ctx.pop.members.map((m) => m.beta));
  const spec = ktoObjective(ctx, hp, beta);
  const nTrain = ctx.feedback.train.prompts.shape[1] as number;
  return {
    stages: OFFLINE_STAGES,
    iterate: (iteration, mark) => {
      const out = offlineIteration(ctx, optimizer, spec, hp, iteration, mark);
      out.metrics['kto/beta'] = tf.clone(beta);
      return out;
    },
    narrate: (stage, members) => narrate(stage, members[0] ?? {}, hp, nTrain),
    dispose: () => {
      optimizer.dispose();
      beta.dispose();
    },
  };
}
