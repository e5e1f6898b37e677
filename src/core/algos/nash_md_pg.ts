/**
 * Nash-MD-PG for sequences: Munos et al. 2023 ("Nash Learning from Human Feedback",
 * https://arxiv.org/abs/2312.00886, §7); ALGORITHMS.md §5; TRL's nash_md_trainer.
 *   π^β_θ(·|x, y_<t) = softmax((1−β)·logits_θ + β·logits_ref)   β = 0: π_θ, β = 1: π_ref
 *   y ~ π_θ,  y' ~ π^β_θ,  A = P_ψ(y ≻ y') − ½ − τ·log(π_θ(y)/π_ref(y))
 *   ∇ = E[A·∇log π_θ(y)]  as the surrogate  L = −mean(sg(A)·Σ_t log π_θ(y_t))
 * Naming: the paper's τ is TRL's `beta`, the paper's β is TRL's `mixture_coef`; here τ is
 * `tau` (per member, so a sweep varies it) and β is `mixture`. The step size is Adam's
 * learning rate: there is no mirror-descent η here.
 *
 * Stages: mixture → sample → preference → update. All tensors are [P, ...].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NashMdHyper } from '../config';
import { PopulationAdam } from '../math/adam';
import { sequenceLogProb } from '../math/logprobs';
import { sampleAutoregressive } from '../models/sample';
import type { SeqNet } from '../models/seq_net';
import { drawGumbel, drawPrompts, sampleResponses, streams } from '../population';
import type { Metrics } from '../types';
import { perMember, type Method, type MethodContext, type MethodOutput } from './method';
import { nashOutput, preferenceModel } from './nash_shared';

/**
 * Autoregressive Gumbel-max sampling from the per-token geometric mixture
 * π^β ∝ π_θ^{1−β}·π_ref^β, i.e. softmax((1−β)·logits_θ + β·logits_ref).
 * prompts [P, B], gumbel [P, B, T, V] → tokens [P, B, T] int32. With the same noise, β = 0
 * gives exactly `sampleTokens(net, …)` and β = 1 exactly `sampleTokens(net, …, reference)`.
 */
export function sampleMixture(
  net: SeqNet,
  prompts: tf.Tensor,
  gumbel: tf.Tensor,
  beta: number,
  reference: readonly tf.Tensor[],
  params?: readonly tf.Tensor[],
): tf.Tensor {
  return sampleAutoregressive(gumbel, (tokens) =>
    tf.add(tf.mul(1 - beta, net.apply(prompts, tokens, params)), tf.mul(beta, net.apply(prompts, tokens, reference))),
  );
}

const f = (x: number | undefined, digits = 3): string => (x === undefined ? '–' : x.toFixed(digits));

/** Nash-MD-PG as a `Method`: sampled policy-gradient steps against the mixture opponent. */
export function createNashMdPg(ctx: MethodContext, hp: NashMdHyper, stages: readonly string[]): Method {
  const { pop, policy, reference } = ctx;
  const judge = preferenceModel(ctx);
  const { P } = pop;
  const tau = tf.tensor1d(pop.members.map((m) => m.beta));
  const runs = P > 1 ? ` (each of ${P} runs with its own τ)` : '';
  const optimizer = new PopulationAdam(policy.params, pop.members.map(() => hp.lr));
  const tauB = tf.reshape(tau, [P, 1]);
  const iterate = (iteration: number, mark: (stage: string) => void): MethodOutput => {
    const rngs = streams(pop, `nash_md/${iteration}`);
    const prompts = drawPrompts(pop, rngs, hp.batchSize);
    // mixture: the opponent y' ~ π^β_θ.
    const gumbelMix = drawGumbel(pop, rngs, hp.batchSize);
    const opponents = sampleMixture(policy, prompts, gumbelMix, hp.mixture, reference);
    mark('mixture');
    // sample: the player y ~ π_θ.
    const tokens = sampleResponses(pop, rngs, policy, prompts);
    mark('sample');
    // preference: A = P_ψ(y ≻ y') − ½ − τ·log(π_θ(y)/π_ref(y)), fixed during the update.
    const scored = tf.tidy(() => {
      const pref = tf.sigmoid(judge.logit(prompts, tokens, opponents));
      const logp = sequenceLogProb(policy, prompts, tokens);
      const logpRef = sequenceLogProb(policy, prompts, tokens, reference);
      const logRatio = tf.sub(logp, logpRef);
      const advantage = tf.sub(tf.sub(pref, 0.5), tf.mul(tauB, logRatio));
      return {
        advantage,
        stats: {
          'nash/preference_vs_mixture': perMember(pref),
          'nash/log_ratio': perMember(logRatio),
          'nash/advantage': perMember(advantage),
        },
      };
    });
    mark('preference');
    // update: one Adam step on L = −mean(sg(A)·log π_θ(y)), per member.
    const kept = optimizer.step(() => {
      const logp = sequenceLogProb(policy, prompts, tokens);
      const loss = tf.neg(tf.mean(tf.mul(scored.advantage, logp), 1)); // [P]
      return { loss, metrics: { 'loss/policy': loss } };
    });
    tf.dispose([prompts, gumbelMix, opponents, tokens, scored.advantage]);
    mark('update');
    return nashOutput(ctx, hp, iteration, { ...scored.stats, 'loss/policy': kept['loss/policy'], 'nash/tau': tf.clone(tau) });
  };
  return {
    stages,
    iterate,
    narrate: (stage, members) => narratePg(stage, members[0] ?? {}, hp, runs),
    dispose: () => {
      optimizer.dispose();
      tf.dispose([tau, tauB]);
    },
  };
}

function narratePg(stage: string, m: Metrics, hp: NashMdHyper, runs: string): string {
  switch (stage) {
    case 'mixture':
      return `Sampled ${hp.batchSize} opponent responses${runs} from the mixture softmax((1−β)·logits + β·logits_ref), β = ${hp.mixture}.`;
    case 'sample':
      return `Sampled ${hp.batchSize} responses from the current policy to play against them.`;
    case 'preference':
      return `Preference model: the policy beats the mixture ${f(m['nash/preference_vs_mixture'])} of the time; log π/π_ref = ${f(m['nash/log_ratio'])}, τ = ${f(m['nash/tau'])}.`;
    case 'update':
      return `Policy-gradient step on A = P(y ≻ y') − ½ − τ·log π/π_ref (mean ${f(m['nash/advantage'])}); loss ${f(m['loss/policy'])}.`;
    default:
      return stage;
  }
}
