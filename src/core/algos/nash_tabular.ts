/**
 * Nash-MD and Nash-MP on one-step enumerable tasks with a table policy: exact updates over every
 * response, on the learned preference table P_ψ(y ≻ y' | x); ALGORITHMS.md §5.
 *
 * Nash-MD (Munos et al. 2023, https://arxiv.org/abs/2312.00886, §5, eq. 5–6):
 *   π^μ_t     ∝ π_t^{1−η_t·τ}·μ^{η_t·τ}                     the regularized policy (mixture)
 *   π_{t+1}   ∝ π^μ_t·exp(η_t·P_ψ(y ≻ π^μ_t))               mirror-descent step
 *   η_t       = 2/(τ(t+2))                                  last iterate → π*_τ (Theorem 1)
 *
 * Nash-MP, the mirror-prox variant (Tiapkin et al. 2025, https://arxiv.org/abs/2505.19731):
 * each update is two proximal steps from π_k on the τ-regularized game, the second against
 * the extrapolated policy,
 *   π_{k+½} = argmax_π η·P(π ≻ π_k)     − ητ·KL(π‖μ) − KL(π‖π_k)
 *   π_{k+1} = argmax_π η·P(π ≻ π_{k+½}) − ητ·KL(π‖μ) − KL(π‖π_k)
 * whose closed form is log π = normalize((log π_k + ητ·log μ + η·P(y ≻ π'))/(1+ητ)); with a
 * constant η the last iterate converges linearly, at the rate (1+ητ)^−k.
 *
 * Stages: Nash-MD mixture → preference → update; Nash-MP extrapolate → preference → update.
 * Nothing is sampled: the updates weigh every response. All tensors are [P, ...].
 */
import * as tf from '@tensorflow/tfjs-core';
import { NASH_MP_ETA, type NashMdHyper } from '../config';
import { variableFrom } from '../models/init';
import { allResponses } from '../tasks/task';
import type { Metrics } from '../types';
import type { Method, MethodContext, MethodOutput } from './method';
import { nashOutput, preferenceModel } from './nash_shared';

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

/**
 * The exact update as a `Method`: π_t lives as log-probabilities, mirrored into the table
 * policy's logits (row x = prompt x when T = 1) after each update.
 */
function createTabularNash(
  ctx: MethodContext,
  hp: NashMdHyper,
  variant: {
    stages: readonly string[];
    eta: (tau: number, t: number) => number;
    /** One update from log π_k: the opponent it played, P(y ≻ opponent), and log π_{k+1}. */
    step: (logPi: tf.Tensor, logMu: tf.Tensor, table: tf.Tensor, tau: tf.Tensor, eta: tf.Tensor) => { opponent: tf.Tensor; preference: tf.Tensor; next: tf.Tensor };
    /** Metric key of the policy's win rate against the opponent. */
    versus: string;
    narrate: (stage: string, m: Metrics, runs: string) => string;
  },
): Method {
  const { pop, policy, reference, evaluator } = ctx;
  if (!evaluator) throw new Error('The exact Nash update needs an enumerable task.');
  const taus = pop.members.map((m) => m.beta);
  const tau = tf.tensor1d(taus);
  const runs = pop.P > 1 ? ` (each of ${pop.P} runs with its own τ)` : '';
  const logMu = evaluator.logProbs(reference);
  const logPi = variableFrom(evaluator.logProbs(), false);
  const table = preferenceTable(ctx);
  const px = tf.tensor2d([pop.task.promptProbs as number[]]);
  const [opponentStage, , updateStage] = variant.stages;
  const iterate = (iteration: number, mark: (stage: string) => void): MethodOutput => {
    const eta = tf.tensor1d(taus.map((tp) => hp.eta ?? variant.eta(tp, iteration - 1)));
    const step = variant.step(logPi, logMu, table, tau, eta);
    mark(opponentStage);
    // Σ_x p(x)·Σ_y π(y|x)·P(y ≻ opponent | x): how often the policy beats the opponent it played.
    const versus = tf.tidy(() => tf.sum(tf.mul(tf.sum(tf.mul(tf.exp(logPi), step.preference), 2), px), 1));
    mark('preference');
    logPi.assign(step.next);
    const logits = tf.reshape(step.next, policy.params[0].shape);
    policy.params[0].assign(logits);
    const residual = nashResidual(logPi, logMu, table, tau);
    tf.dispose([step.opponent, step.preference, step.next, logits]);
    mark(updateStage);
    return nashOutput(ctx, hp, iteration, { 'nash/tau': tf.clone(tau), 'nash/eta': eta, [variant.versus]: versus, 'nash/residual': residual });
  };
  return {
    stages: variant.stages,
    iterate,
    narrate: (stage, members) => variant.narrate(stage, members[0] ?? {}, runs),
    dispose: () => tf.dispose([tau, logMu, logPi, table, px]),
  };
}

/** Tabular Nash-MD: mirror descent against the mixture π^μ_t, η_t = 2/(τ(t+2)). */
export function createNashMirrorDescent(ctx: MethodContext, hp: NashMdHyper, stages: readonly string[]): Method {
  return createTabularNash(ctx, hp, {
    stages,
    eta: (tau, t) => 2 / (tau * (t + 2)),
    step: (...args) => {
      const { logMix, preference, next } = nashMdStep(...args);
      return { opponent: logMix, preference, next };
    },
    versus: 'nash/preference_vs_mixture',
    narrate: narrateMirrorDescent,
  });
}

/** Tabular Nash-MP: mirror prox against the extrapolated π_{k+½}, constant η. */
export function createNashMirrorProx(ctx: MethodContext, hp: NashMdHyper, stages: readonly string[]): Method {
  return createTabularNash(ctx, hp, {
    stages,
    eta: () => NASH_MP_ETA,
    step: (...args) => {
      const { logHalf, preference, next } = nashMpStep(...args);
      return { opponent: logHalf, preference, next };
    },
    versus: 'nash/preference_vs_extrapolated',
    narrate: narrateMirrorProx,
  });
}

function narrateMirrorDescent(stage: string, m: Metrics, runs: string): string {
  switch (stage) {
    case 'mixture':
      return `Mixed the policy with π_ref: π^μ ∝ π^{1−ητ}·π_ref^{ητ} with τ = ${f(m['nash/tau'])} and step η = ${f(m['nash/eta'])}${runs}.`;
    case 'preference':
      return `No sampling: the update weighs every response of every prompt. Learned preference model: the policy beats the mixture ${f(m['nash/preference_vs_mixture'])} of the time.`;
    case 'update':
      return `Mirror-descent step π ∝ π^μ·exp(η·P(y ≻ π^μ)); distance from the regularized Nash equilibrium ${f(m['nash/residual'], 5)}.`;
    default:
      return stage;
  }
}

function narrateMirrorProx(stage: string, m: Metrics, runs: string): string {
  switch (stage) {
    case 'extrapolate':
      return `Extrapolated: π_{k+½} ∝ (π_k·π_ref^{ητ}·exp(η·P(y ≻ π_k)))^{1/(1+ητ)} with τ = ${f(m['nash/tau'])} and step η = ${f(m['nash/eta'])}${runs}.`;
    case 'preference':
      return `No sampling: the update weighs every response of every prompt. Learned preference model: the policy beats the extrapolated policy π_{k+½} ${f(m['nash/preference_vs_extrapolated'])} of the time.`;
    case 'update':
      return `Mirror-prox step from π_k against π_{k+½}: π ∝ (π_k·π_ref^{ητ}·exp(η·P(y ≻ π_{k+½})))^{1/(1+ητ)}; distance from the regularized Nash equilibrium ${f(m['nash/residual'], 5)}.`;
    default:
      return stage;
  }
}

