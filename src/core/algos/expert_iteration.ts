/**
 * Expert iteration (Anthony et al. 2017; AlpacaFarm §4, "expert iteration"; also called
 * rejection-sampling fine-tuning): each iteration draws n responses per prompt from the
 * current policy, keeps the one the reward model scores highest, and takes a few steps of
 * supervised fine-tuning (maximum likelihood) on the kept responses. No KL term: the policy
 * drifts from π_ref as far as the reward model pulls it.
 *
 * Stages: sample → score → finetune.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ExpertIterationHyper } from '../config';
import { PopulationAdam } from '../math/adam';
import { streams } from '../population';
import { sequenceNll } from '../math/logprobs';
import { bestOfCandidates } from './best_of_n';
import { perMember, policyStats, type Method, type MethodContext, type MethodOutput } from './method';

export const EXPERT_ITERATION_STAGES = ['sample', 'score', 'finetune'] as const;

export function createExpertIteration(ctx: MethodContext, hp: ExpertIterationHyper): Method {
  const { pop, policy } = ctx;
  const optimizer = new PopulationAdam(policy.params, pop.members.map(() => hp.lr));
  return {
    stages: EXPERT_ITERATION_STAGES,
    iterate(iteration, mark): MethodOutput {
      const rngs = streams(pop, `expert_iteration/${iteration}`);
      const best = bestOfCandidates(ctx, rngs, hp.batchSize, hp.n, undefined, mark);
      const nll = sequenceNll(policy, best.prompts, best.tokens); // before fine-tuning on them
      for (let step = 0; step < hp.steps; step++) {
        optimizer.step(() => ({ loss: sequenceNll(policy, best.prompts, best.tokens) }));
      }
      mark('finetune');
      // What the policy now does: a fresh batch from it (the kept responses are the best of n, not π_θ).
      const sample = bestOfCandidates(ctx, streams(pop, `expert_iteration/${iteration}/eval`), hp.batchSize, 1, undefined);
      const metrics = {
        ...policyStats(ctx, sample.prompts, sample.tokens),
        'expert/kept_proxy': perMember(best.scores),
        'loss/sft': nll,
      };
      tf.dispose([best.prompts, best.tokens, best.scores, sample.scores]);
      return { metrics, prompts: sample.prompts, tokens: sample.tokens };
    },
    narrate(stage, members) {
      const m = members[0];
      switch (stage) {
        case 'sample':
          return `Drew ${hp.n} responses per prompt from the current policy for ${hp.batchSize} prompts.`;
        case 'score':
          return `Kept the reward model's favourite of each ${hp.n}: mean proxy reward ${m['expert/kept_proxy']?.toFixed(3)}.`;
        case 'finetune':
          return `${hp.steps} steps of maximum likelihood on the kept responses (NLL ${m['loss/sft']?.toFixed(3)}); the policy now scores ${m['reward/proxy']?.toFixed(3)} with KL ≈ ${m['kl/k3']?.toFixed(3)} (k3).`;
        default:
          return stage;
      }
    },
    dispose() {
      optimizer.dispose();
    },
  };
}
