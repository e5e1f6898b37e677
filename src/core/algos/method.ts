/**
 * What every method shares: the context it trains in (population, policy, π_ref and the
 * farm's judges and data) and the shape of one iteration, so the experiment, the engine
 * and the UI treat PPO, DPO, Nash-MD and the baselines alike.
 */
import * as tf from '@tensorflow/tfjs-core';
import { addMany } from '../math/add_many';
import type { ExactEvaluator } from '../eval/exact';
import type { PairBatch } from '../eval/pairs';
import { entropy, klK1, klK3, sequenceKlEstimate } from '../math/kl';
import { tokenLogProbs } from '../math/logprobs';
import type { PreferenceNet } from '../models/preference_mlp';
import type { RewardNet } from '../models/reward_mlp';
import type { SeqNet } from '../models/seq_net';
import { drawPrompts, sampleResponses, type Population } from '../population';
import type { Rng } from '../rng';
import type { Metrics } from '../types';
import type { Feedback } from '../preparation/feedback';

/** What every method iteration sees. Everything here belongs to the experiment, not the method. */
export interface MethodContext {
  pop: Population;
  /** π_θ: the only parameters a method may change (besides its own, e.g. a value head). */
  policy: SeqNet;
  /** π_ref's parameters (the SFT policy), frozen. */
  reference: readonly tf.Tensor[];
  /** r_φ, the Bradley–Terry reward model. */
  reward: RewardNet;
  /** P_ψ(y ≻ y' | x), the pairwise preference model; null when no method of the farm plays against it. */
  preference: PreferenceNet | null;
  /** The farm's labelled comparisons (training split), for offline methods. */
  feedback: Feedback;
  /** Exact tables for enumerable tasks; null otherwise. */
  evaluator: ExactEvaluator | null;
}

/**
 * One iteration's tensors, handed to the experiment to read back once: per-member metrics
 * [P], and a batch of responses from the current policy (prompts [P, B], tokens [P, B, T])
 * on which gold reward and Monte Carlo win rates are measured.
 */
export interface MethodOutput {
  metrics: Record<string, tf.Tensor>;
  prompts: tf.Tensor;
  tokens: tf.Tensor;
  /**
   * Per-token quantities of the method on these responses, [P, B, T], for the sample
   * inspector's stage view: the per-token reward r_t, the advantage Â_t (PPO's GAE), and
   * log π before the update when the method scored these very responses with it (else the
   * experiment computes it from the snapshot, one more forward pass).
   */
  perToken?: { tokenReward: tf.Tensor; advantage: tf.Tensor; logProbBefore?: tf.Tensor };
  /** The labelled pairs the update trained on (the first minibatch), for the walk's pairs view. */
  pairs?: PairBatch;
}

/** Frees everything an iteration's output holds (metrics, responses, per-token views). */
export function disposeOutput(out: MethodOutput): void {
  tf.dispose([...Object.values(out.metrics), out.prompts, out.tokens, ...Object.values(out.perToken ?? {}), ...Object.values(out.pairs ?? {})]);
}

/** A method bound to one experiment: its stages and one iteration at a time. */
export interface Method {
  /** The iteration's stages in order (the UI steps through them). */
  readonly stages: readonly string[];
  /** Iteration `iteration` (1-based; it names the random streams); calls `mark` as each stage ends. */
  iterate(iteration: number, mark: (stage: string) => void): MethodOutput;
  /**
   * For methods whose policy is not the network (best-of-n): log π(y|x) over every response
   * of an enumerable task, [P, n_x, N], used for the exact metrics and the summary tables.
   */
  exactLogProbs?(): tf.Tensor;
  /**
   * The members' KL coefficient now, [P], for a method whose coefficient moves while it trains
   * (PPO's adaptive controller); the others keep their configured β (or τ). The caller disposes it.
   */
  klCoefficient?(): tf.Tensor;
  /** The network that is π_θ when it is not the context's policy (Chain of Hindsight's view given <good>). */
  readonly policyNet?: SeqNet;
  /** One sentence for a finished stage, from this iteration's numbers (member 0 first). */
  narrate(stage: string, members: Metrics[]): string;
  dispose(): void;
}

/**
 * Means of per-update metric tensors across an iteration's optimizer steps: `add` takes
 * ownership of each step's tensors, `means` hands back their averages and frees them.
 */
export class UpdateMeans {
  private readonly parts: Record<string, tf.Tensor[]> = {};
  private count = 0;

  add(parts: Record<string, tf.Tensor>): void {
    this.count += 1;
    for (const [name, t] of Object.entries(parts)) (this.parts[name] ??= []).push(t);
  }

  /** Each metric's mean over the updates, summed by AddN (a few at a time) instead of one add per update. */
  means(): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {};
    for (const [name, ts] of Object.entries(this.parts)) {
      out[name] = tf.tidy(() => tf.div(addMany(ts), this.count));
      tf.dispose(ts);
    }
    return out;
  }
}

/** Mean over everything but the leading population axis: [P, ...] → [P]. */
export const perMember = (x: tf.Tensor): tf.Tensor => tf.tidy(() => tf.mean(tf.reshape(x, [x.shape[0], -1]), 1));

/**
 * A rollout's logits and per-token log-probabilities under π_old (the policy now) and π_ref,
 * from one encoding of (prompts, tokens): what PPO and the group methods score before their
 * updates. Call inside the caller's tidy.
 */
export function rolloutLogProbs(ctx: MethodContext, inputs: tf.Tensor, tokens: tf.Tensor): { logits: tf.Tensor; logitsRef: tf.Tensor; logpOld: tf.Tensor; logpRef: tf.Tensor } {
  const logits = ctx.policy.applyEncoded(inputs);
  const logitsRef = ctx.policy.applyEncoded(inputs, ctx.reference);
  return { logits, logitsRef, logpOld: tokenLogProbs(logits, tokens), logpRef: tokenLogProbs(logitsRef, tokens) };
}

/** B prompts and responses per member from the policy (or, with `params`, from those parameters). */
export function samplePolicy(
  ctx: MethodContext,
  rngs: readonly Rng[],
  B: number,
  params?: readonly tf.Tensor[],
): { prompts: tf.Tensor; tokens: tf.Tensor } {
  const prompts = drawPrompts(ctx.pop, rngs, B);
  return { prompts, tokens: sampleResponses(ctx.pop, rngs, ctx.policy, prompts, params) };
}

/**
 * The metrics every method reports on a batch from its current policy: proxy reward r_φ,
 * the k1/k3 sequence KL estimates, the exact-per-token Monte Carlo KL with its standard
 * error, and the entropy. `policy` is π_θ when it is not the context's network (Chain of
 * Hindsight's feedback-conditioned view).
 */
export function policyStats(ctx: MethodContext, prompts: tf.Tensor, tokens: tf.Tensor, policy: SeqNet = ctx.policy): Record<string, tf.Tensor> {
  return tf.tidy(() => {
    const logits = policy.apply(prompts, tokens);
    const logitsRef = ctx.policy.apply(prompts, tokens, ctx.reference);
    const logp = tokenLogProbs(logits, tokens);
    const logpRef = tokenLogProbs(logitsRef, tokens);
    const klMc = sequenceKlEstimate(logits, logitsRef);
    return {
      'reward/proxy': perMember(ctx.reward.apply(prompts, tokens)),
      'kl/k1': perMember(tf.sum(klK1(logp, logpRef), 2)),
      'kl/k3': perMember(tf.sum(klK3(logp, logpRef), 2)),
      'kl/mc': klMc.mean,
      'kl/mc_se': klMc.se,
      'policy/entropy': perMember(tf.sum(entropy(logits), 2)),
    };
  });
}
