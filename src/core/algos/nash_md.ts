/**
 * Nash-MD: Munos et al. 2023 ("Nash Learning from Human Feedback",
 * https://arxiv.org/abs/2312.00886); ALGORITHMS.md §5. The policy plays the preference game
 * against a geometric mixture of itself and μ = π_ref, and converges to the Nash equilibrium
 * π*_τ of the τ-regularized game P_τ(π ≻ π') = P(π ≻ π') − τ·KL(π‖μ) + τ·KL(π'‖μ), the
 * unique π with π*_τ(y) ∝ μ(y)·exp(P(y ≻ π*_τ)/τ) (§4).
 *
 * Exact tabular update (§5, eq. 5–6), on the learned preference table P_ψ(y ≻ y' | x):
 *   π^μ_t     ∝ π_t^{1−η_t·τ}·μ^{η_t·τ}                     the regularized policy (mixture)
 *   π_{t+1}   ∝ π^μ_t·exp(η_t·P_ψ(y ≻ π^μ_t))               mirror-descent step
 *   η_t       = 2/(τ(t+2))                                  last iterate → π*_τ (Theorem 1)
 *
 * Nash-MP, the mirror-prox variant (Tiapkin et al. 2025, "Accelerating Nash Learning from
 * Human Feedback via Mirror Prox", https://arxiv.org/abs/2505.19731): each update is two proximal
 * steps from π_k on the τ-regularized game, the second against the extrapolated policy,
 *   π_{k+½} = argmax_π η·P(π ≻ π_k)     − ητ·KL(π‖μ) − KL(π‖π_k)
 *   π_{k+1} = argmax_π η·P(π ≻ π_{k+½}) − ητ·KL(π‖μ) − KL(π‖π_k)
 * whose closed form is log π = normalize((log π_k + ητ·log μ + η·P(y ≻ π'))/(1+ητ)); with a
 * constant η the last iterate converges linearly, at the rate (1+ητ)^−k.
 *
 * Nash-MD-PG for sequences (§7):
 *   π^β_θ(·|x, y_<t) = softmax((1−β)·logits_θ + β·logits_ref)   β = 0: π_θ, β = 1: π_ref
 *   y ~ π_θ,  y' ~ π^β_θ,  A = P_ψ(y ≻ y') − ½ − τ·log(π_θ(y)/π_ref(y))
 *   ∇ = E[A·∇log π_θ(y)]  as the surrogate  L = −mean(sg(A)·Σ_t log π_θ(y_t))
 * Naming: the paper's τ is TRL's `beta`, the paper's β is TRL's `mixture_coef`; here τ is
 * `tau` (per member, so a sweep varies it) and β is `mixture`.
 *
 * Stages: mixture → sample → preference → update. All tensors are [P, ...].
 */
import * as tf from '@tensorflow/tfjs-core';
import { NASH_MP_ETA, type NashMdHyper } from '../config';
import { PopulationAdam } from '../math/adam';
import { sequenceLogProb } from '../math/logprobs';
import { variableFrom } from '../models/init';
import { sampleAutoregressive } from '../models/sample';
import type { SeqNet } from '../models/seq_net';
import type { PreferenceNet } from '../models/preference_mlp';
import { drawGumbel, drawPrompts, sampleResponses, streams } from '../population';
import { allResponses } from '../tasks/task';
import type { Metrics } from '../types';
import { perMember, policyStats, samplePolicy, type Method, type MethodContext, type MethodOutput } from './method';

export const NASH_MD_STAGES = ['mixture', 'sample', 'preference', 'update'] as const;

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

/**
 * The learned preference table P_ψ(y ≻ y' | x) over every pair of responses of an
 * enumerable task → [P, n_x, N, N] (response order of `allResponses`, as in eval/exact.ts).
 */
export function preferenceTable(ctx: MethodContext): tf.Tensor {
  const judge = preferenceModel(ctx);
  const { P, task } = ctx.pop;
  const { nPrompts, T } = ctx.pop.shape;
  const ys = allResponses(task);
  const N = ys.length;
  const n = nPrompts * N * N;
  const prompts = new Int32Array(n);
  const a = new Int32Array(n * T);
  const b = new Int32Array(n * T);
  for (let x = 0; x < nPrompts; x++) {
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const k = (x * N + i) * N + j;
        prompts[k] = x;
        a.set(ys[i], k * T);
        b.set(ys[j], k * T);
      }
    }
  }
  return tf.tidy(() => {
    const tile = (t: tf.Tensor) => tf.tile(t, [P, ...new Array<number>(t.rank - 1).fill(1)]);
    const logit = judge.logit(
      tile(tf.tensor2d(prompts, [1, n], 'int32')),
      tile(tf.tensor3d(a, [1, n, T], 'int32')),
      tile(tf.tensor3d(b, [1, n, T], 'int32')),
    );
    return tf.reshape(tf.sigmoid(logit), [P, nPrompts, N, N]);
  });
}

/** The learned P_ψ; preparation trains it only for methods that declare they play against it. */
function preferenceModel(ctx: MethodContext): PreferenceNet {
  if (!ctx.preference) throw new Error('Nash-MD needs the pairwise preference model, and this preparation did not train one.');
  return ctx.preference;
}

/** P(y ≻ π | x) = Σ_{y'} P(y ≻ y' | x)·π(y' | x): table [P, n_x, N, N], π [P, n_x, N] → [P, n_x, N]. */
export function preferenceAgainst(table: tf.Tensor, pi: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.squeeze(tf.matMul(table, tf.expandDims(pi, 3)), [3]));
}

/**
 * One exact Nash-MD step on log-probabilities [P, n_x, N] (τ, η per member [P]):
 * log π^μ_t = normalize((1−ητ)·log π_t + ητ·log μ), log π_{t+1} = normalize(log π^μ_t + η·P(y ≻ π^μ_t)).
 */
export function nashMdStep(
  logPi: tf.Tensor,
  logMu: tf.Tensor,
  table: tf.Tensor,
  tau: tf.Tensor,
  eta: tf.Tensor,
): { logMix: tf.Tensor; preference: tf.Tensor; next: tf.Tensor } {
  return tf.tidy(() => {
    const P = logPi.shape[0];
    const w = tf.reshape(tf.mul(eta, tau), [P, 1, 1]);
    const logMix = tf.logSoftmax(tf.add(tf.mul(tf.sub(1, w), logPi), tf.mul(w, logMu)));
    const preference = preferenceAgainst(table, tf.exp(logMix));
    const next = tf.logSoftmax(tf.add(logMix, tf.mul(tf.reshape(eta, [P, 1, 1]), preference)));
    return { logMix, preference, next };
  });
}

/**
 * One exact Nash-MP update on log-probabilities [P, n_x, N] (τ, η per member [P]): the half step
 * against π_k, then the full step from π_k against π_{k+½}.
 */
export function nashMpStep(
  logPi: tf.Tensor,
  logMu: tf.Tensor,
  table: tf.Tensor,
  tau: tf.Tensor,
  eta: tf.Tensor,
): { logHalf: tf.Tensor; preference: tf.Tensor; next: tf.Tensor } {
  return tf.tidy(() => {
    const P = logPi.shape[0];
    const etaB = tf.reshape(eta, [P, 1, 1]);
    const w = tf.mul(etaB, tf.reshape(tau, [P, 1, 1]));
    const anchor = tf.add(logPi, tf.mul(w, logMu)); // log π_k + ητ·log μ
    // The proximal step from π_k, given P(y ≻ π') of the opponent π'.
    const prox = (vsOpponent: tf.Tensor) => tf.logSoftmax(tf.div(tf.add(anchor, tf.mul(etaB, vsOpponent)), tf.add(1, w)));
    const logHalf = prox(preferenceAgainst(table, tf.exp(logPi)));
    const preference = preferenceAgainst(table, tf.exp(logHalf));
    const next = prox(preference);
    return { logHalf, preference, next };
  });
}

/** Fixed-point residual of the regularized game per member [P]: max_{x,y} |π − normalize(μ·exp(P(·≻π)/τ))|. */
export function nashResidual(logPi: tf.Tensor, logMu: tf.Tensor, table: tf.Tensor, tau: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const pi = tf.exp(logPi);
    const target = tf.softmax(tf.add(logMu, tf.div(preferenceAgainst(table, pi), tf.reshape(tau, [-1, 1, 1]))));
    return tf.max(tf.abs(tf.sub(pi, target)), [1, 2]);
  });
}

const f = (x: number | undefined, digits = 3): string => (x === undefined ? '–' : x.toFixed(digits));

/** Nash-MD as a `Method`: exact tabular mirror descent on one-step enumerable tasks, Nash-MD-PG otherwise. */
export function createNashMd(ctx: MethodContext, hp: NashMdHyper): Method {
  const { pop, policy, reference, evaluator } = ctx;
  const judge = preferenceModel(ctx);
  const { P } = pop;
  const tabularOk = pop.task.T === 1 && evaluator !== null && pop.policyKind === 'tabular';
  const mirrorProx = hp.update === 'mirror_prox';
  const exact = hp.update === 'exact' || mirrorProx || (hp.update === 'auto' && tabularOk);
  if (exact && !tabularOk) {
    throw new Error(`Nash-MD's ${mirrorProx ? 'mirror-prox' : 'exact'} update needs a one-step enumerable task with a tabular policy; use update "pg".`);
  }
  const taus = pop.members.map((m) => m.beta);
  const tau = tf.tensor1d(taus);
  const runs = P > 1 ? ` (each of ${P} runs with its own τ)` : '';

  const finish = (iteration: number, metrics: Record<string, tf.Tensor>): MethodOutput => {
    const { prompts, tokens } = samplePolicy(ctx, streams(pop, `nash_md/${iteration}/eval`), hp.batchSize);
    return { metrics: { ...metrics, ...policyStats(ctx, prompts, tokens) }, prompts, tokens };
  };

  if (exact) {
    // π_t as log-probabilities; the tabular policy's logits (row x = prompt x when T = 1) mirror it.
    const logMu = evaluator!.logProbs(reference);
    const logPi = variableFrom(evaluator!.logProbs(), false);
    const table = preferenceTable(ctx);
    const px = tf.tensor2d([pop.task.promptProbs as number[]]);
    const stepSize = (tp: number, t: number) => hp.eta ?? (mirrorProx ? NASH_MP_ETA : 2 / (tp * (t + 2)));
    const iterate = (iteration: number, mark: (stage: string) => void): MethodOutput => {
      const t = iteration - 1;
      const eta = tf.tensor1d(taus.map((tp) => stepSize(tp, t)));
      // Nash-MD: the opponent is the mixture π^μ_t; Nash-MP: the extrapolated π_{k+½}.
      const step = mirrorProx ? nashMpStep(logPi, logMu, table, tau, eta) : nashMdStep(logPi, logMu, table, tau, eta);
      const opponent = 'logMix' in step ? step.logMix : step.logHalf;
      mark('mixture');
      mark('sample'); // nothing to sample: the update enumerates every response.
      const vsMixture = tf.tidy(() => tf.sum(tf.mul(tf.sum(tf.mul(tf.exp(logPi), step.preference), 2), px), 1));
      mark('preference');
      logPi.assign(step.next);
      const logits = tf.reshape(step.next, policy.params[0].shape);
      policy.params[0].assign(logits);
      const residual = nashResidual(logPi, logMu, table, tau);
      tf.dispose([opponent, step.preference, step.next, logits]);
      mark('update');
      return finish(iteration, { 'nash/tau': tf.clone(tau), 'nash/eta': eta, 'nash/preference_vs_mixture': vsMixture, 'nash/residual': residual });
    };
    return {
      stages: NASH_MD_STAGES,
      iterate,
      narrate: (stage, members) => (mirrorProx ? narrateMirrorProx : narrateExact)(stage, members[0] ?? {}, runs),
      dispose: () => tf.dispose([tau, logMu, logPi, table, px]),
    };
  }

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
    return finish(iteration, {
      ...scored.stats,
      'loss/policy': kept['loss/policy'],
      'nash/tau': tf.clone(tau),
      // PG has no mirror-descent η: its step size is Adam's learning rate.
      'nash/eta': tf.fill([P], hp.lr),
    });
  };
  return {
    stages: NASH_MD_STAGES,
    iterate,
    narrate: (stage, members) => narratePg(stage, members[0] ?? {}, hp, runs),
    dispose: () => {
      optimizer.dispose();
      tf.dispose([tau, tauB]);
    },
  };
}

function narrateExact(stage: string, m: Metrics, runs: string): string {
  switch (stage) {
    case 'mixture':
      return `Mixed the policy with π_ref: π^μ ∝ π^{1−ητ}·π_ref^{ητ} with τ = ${f(m['nash/tau'])} and step η = ${f(m['nash/eta'])}${runs}.`;
    case 'sample':
      return 'No sampling needed: the exact update weighs every response of every prompt.';
    case 'preference':
      return `Learned preference model: the policy beats the mixture ${f(m['nash/preference_vs_mixture'])} of the time.`;
    case 'update':
      return `Mirror-descent step π ∝ π^μ·exp(η·P(y ≻ π^μ)); distance from the regularized Nash equilibrium ${f(m['nash/residual'], 5)}.`;
    default:
      return stage;
  }
}

function narrateMirrorProx(stage: string, m: Metrics, runs: string): string {
  switch (stage) {
    case 'mixture':
      return `Extrapolated: π_{k+½} ∝ (π_k·π_ref^{ητ}·exp(η·P(y ≻ π_k)))^{1/(1+ητ)} with τ = ${f(m['nash/tau'])} and step η = ${f(m['nash/eta'])}${runs}.`;
    case 'sample':
      return 'No sampling needed: the exact update weighs every response of every prompt.';
    case 'preference':
      return `Learned preference model: the policy beats the extrapolated policy π_{k+½} ${f(m['nash/preference_vs_mixture'])} of the time.`;
    case 'update':
      return `Mirror-prox step from π_k against π_{k+½}: π ∝ (π_k·π_ref^{ητ}·exp(η·P(y ≻ π_{k+½})))^{1/(1+ητ)}; distance from the regularized Nash equilibrium ${f(m['nash/residual'], 5)}.`;
    default:
      return stage;
  }
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
