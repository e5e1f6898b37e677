/**
 * The loop the offline pairwise methods share (DPO/IPO, SimPO, KTO): each iteration draws
 * `steps` minibatches of the farm's labelled pairs (y_w ≻ y_l), takes one Adam step per
 * minibatch on the method's loss, then samples the updated policy to measure it. What differs
 * between the methods is only their `PairObjective`: the loss on log π_θ (and π_ref) of the
 * chosen and rejected responses.
 *
 * Stages: batch → update → measure. All tensors are [P, ...].
 * DPO/IPO: dpo.ts; SimPO: simpo.ts; KTO: kto.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PairBatch } from '../eval/pairs';
import { PopulationAdam } from '../math/adam';
import { pairLogProbs } from '../math/logprobs';
import { streams } from '../population';
import { pairMinibatch } from '../preparation/feedback';
import { policyStats, samplePolicy, UpdateMeans, type MethodContext, type MethodOutput } from './method';

export const OFFLINE_STAGES = ['batch', 'update', 'measure'] as const;

/** log π of a minibatch's chosen and rejected responses [P, B]. */
export interface PairLogProbs {
  chosen: tf.Tensor;
  rejected: tf.Tensor;
}

/** What an offline pairwise method minimises. */
export interface PairObjective {
  /** Stream label and metric prefix, e.g. "dpo". */
  id: string;
  /** Average log π over the response's tokens instead of summing. */
  average: boolean;
  /** Whether the loss reads π_ref (SimPO does not). */
  usesReference: boolean;
  /**
   * Quantities the loss reads but must not differentiate (KTO's reference point z_0), computed
   * outside the gradient tape from the minibatch; freed after the step.
   */
  detached?(batch: PairBatch): Record<string, tf.Tensor>;
  /**
   * The scalar to minimise (the sum over members of each member's mean) and per-member [P]
   * metrics, from log π_θ (in the gradient tape), log π_ref (outside it; null when unused) and
   * what `detached` computed.
   */
  loss(logp: PairLogProbs, ref: PairLogProbs | null, detached: Record<string, tf.Tensor>): { loss: tf.Tensor; metrics: Record<string, tf.Tensor> };
}

export interface OfflineHyper {
  batchSize: number;
  steps: number;
  lr: number;
}

export function createOfflineOptimizer(ctx: MethodContext, hp: OfflineHyper): PopulationAdam {
  return new PopulationAdam(ctx.policy.params, ctx.pop.members.map(() => hp.lr));
}

/** One iteration: `hp.steps` Adam steps, each on a fresh minibatch of the training pairs. */
export function offlineIteration(
  ctx: MethodContext,
  optimizer: PopulationAdam,
  spec: PairObjective,
  hp: OfflineHyper,
  iteration: number,
  mark: (stage: (typeof OFFLINE_STAGES)[number]) => void = () => {},
): MethodOutput {
  const { pop, policy, reference } = ctx;
  const { train } = ctx.feedback;
  const nTrain = train.prompts.shape[1] as number;
  const mb = Math.min(hp.batchSize, nTrain);

  // batch: the step's minibatches of labelled pairs (y_w, y_l), one seeded draw per member.
  const rngs = streams(pop, `${spec.id}/${iteration}`);
  const batches = Array.from({ length: hp.steps }, () => pairMinibatch(rngs, train, mb));
  mark('batch');

  // update: Adam on the method's loss; metrics are those of each step's pre-update pass, averaged.
  const updates = new UpdateMeans();
  for (const [i, batch] of batches.entries()) {
    const { prompts, chosen, rejected } = batch;
    // π_ref is frozen: its log-probabilities stay outside the gradient tape.
    const refs = spec.usesReference ? pairLogProbs(policy, prompts, chosen, rejected, spec.average, reference) : null;
    const ref = refs ? { chosen: refs[0], rejected: refs[1] } : null;
    const detached = spec.detached?.(batch) ?? {};
    updates.add(
      optimizer.step(() => {
        const [logpChosen, logpRejected] = pairLogProbs(policy, prompts, chosen, rejected, spec.average);
        return spec.loss({ chosen: logpChosen, rejected: logpRejected }, ref, detached);
      }),
    );
    // The first minibatch goes out with the output, for the stage walk's pairs view.
    tf.dispose([...(refs ?? []), ...Object.values(detached), ...(i === 0 ? [] : [prompts, chosen, rejected])]);
  }
  const metrics: Record<string, tf.Tensor> = updates.means();
  mark('update');

  // measure: a fresh batch from the updated policy, for policy statistics and gold reward.
  const { prompts, tokens } = samplePolicy(ctx, streams(pop, `${spec.id}/${iteration}/measure`), hp.batchSize);
  Object.assign(metrics, policyStats(ctx, prompts, tokens));
  mark('measure');
  return { metrics, prompts, tokens, pairs: batches[0] };
}
