/**
 * P3O, Pairwise Proximal Policy Optimization (Wu et al. 2023, "Pairwise Proximal Policy
 * Optimization: Harnessing Relative Feedback for LLM Alignment", https://arxiv.org/abs/2310.00212);
 * ALGORITHMS.md §8. Its Algorithm 1: two responses y_1, y_2 per prompt from π_old, each scored
 * with the KL-penalised reward r = r_φ − β·log(π_old/π_ref)(y), and the pairwise policy gradient
 * (eq. 6)
 *
 *   ∇L = E_{y_1, y_2 ~ π_old} (r(y_1|x) − r(y_2|x))·∇log(π_θ(y_1|x)/π_θ(y_2|x))/2,
 *
 * made proximal with PPO's clip on whole responses (it is trajectory-wise: no value network, no
 * per-token credit), in one of the paper's two versions (§4.2):
 *
 *   separate (V1): each response's ratio ρ_i = π_θ(y_i)/π_old(y_i) clipped on its own,
 *     L = −½·[min(ρ_1·A, clip(ρ_1, 1 ± ε)·A) + min(ρ_2·(−A), clip(ρ_2, 1 ± ε)·(−A))], A = r_1 − r_2;
 *   joint (V2): the pair's relative ratio ρ_1/ρ_2 = π_θ(y_1)π_old(y_2)/(π_old(y_1)π_θ(y_2)) clipped,
 *     L = −½·min(ρ_1/ρ_2·A, clip(ρ_1/ρ_2, 1 ± ε)·A).
 *
 * Both equal eq. 6 at π_θ = π_old. Only r_1 − r_2 enters, so adding any c(x) to every reward of
 * a prompt changes nothing (the paper's reward equivalence, Definition 1); PPO's absolute
 * advantages do change. The pair difference is RLOO's leave-one-out advantage at k = 2, so the
 * loop is pg_loop.ts's.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { P3oHyper } from '../config';
import type { Metrics } from '../types';
import { createPgMethod, type PgSpec, type SequenceSurrogate } from './pg_loop';
import { perMember, type Method, type MethodContext } from './method';

/** Pairs sit side by side: response j of prompt b at column 2b + j. [P, 2B] → [P, B, 2]. */
const pairs = (x: tf.Tensor): tf.Tensor => tf.reshape(x, [x.shape[0], -1, 2]);

const clippedFraction = (ratio: tf.Tensor, epsilon: number): tf.Tensor => perMember(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), epsilon), 'float32'));

/** V1: PPO's clipped objective on each response's own ratio, averaged over the 2B responses (= ½ per pair). */
export const separateClipping: SequenceSurrogate = (logRatio, A, epsilon) =>
  tf.tidy(() => {
    const ratio = tf.exp(logRatio);
    const objective = tf.minimum(tf.mul(ratio, A), tf.mul(tf.clipByValue(ratio, 1 - epsilon, 1 + epsilon), A));
    return { loss: tf.neg(perMember(objective)), clipfrac: clippedFraction(ratio, epsilon) };
  });

/** V2: one clipped term per pair on ρ_1/ρ_2, with A = r_1 − r_2 (the first response's leave-one-out advantage). */
export const jointClipping: SequenceSurrogate = (logRatio, A, epsilon) =>
  tf.tidy(() => {
    const [first, second] = tf.unstack(pairs(logRatio), 2);
    const ratio = tf.exp(tf.sub(first, second));
    const A1 = tf.squeeze(tf.slice(pairs(A), [0, 0, 0], [-1, -1, 1]), [2]);
    const objective = tf.minimum(tf.mul(ratio, A1), tf.mul(tf.clipByValue(ratio, 1 - epsilon, 1 + epsilon), A1));
    return { loss: tf.neg(tf.mul(perMember(objective), 0.5)), clipfrac: clippedFraction(ratio, epsilon) };
  });

export function p3oSpec(clip: P3oHyper['clip']): PgSpec {
  return { id: 'p3o', estimator: 'leave_one_out', kl: 'sequence_reward', tokens: 'sum', sequence: clip === 'joint' ? jointClipping : separateClipping };
}

const f = (x: number | undefined, digits = 3): string => (x === undefined ? '–' : x.toFixed(digits));

function narrate(stage: string, m: Metrics, hp: P3oHyper): string {
  switch (stage) {
    case 'sample':
      return `Sampled two responses to each of ${hp.batchSize} prompts from the current policy.`;
    case 'score':
      return `Mean proxy reward ${f(m['reward/proxy'])}; minus β = ${f(m['p3o/beta'], 4)} times each response’s log π/π_ref (KL ${f(m['kl/k1'])}) gives ${f(m['reward/penalized'])}. Only the difference within each pair will count.`;
    case 'advantages':
      return `Each pair’s signal is r(y₁) − r(y₂), the same whatever constant the reward model adds to a prompt: mean |r₁ − r₂| ${f(m['p3o/advantage_abs'])}${m['p3o/equal_groups'] > 0 ? `, ${f(100 * m['p3o/equal_groups'], 0)}% of pairs tied and teach nothing` : ''}.`;
    case 'update':
      return `${hp.epochs} step${hp.epochs > 1 ? 's' : ''} raising the better response of each pair against the worse, ${
        hp.clip === 'joint' ? 'clipping the pair’s relative ratio (π₁/π₂)/(π₁,old/π₂,old)' : 'clipping each response’s ratio π/π_old'
      }: loss ${f(m['loss/policy'])}${hp.epochs > 1 ? `, ${f(100 * m['p3o/clipfrac'], 0)}% clipped` : ''}.`;
    default:
      return '';
  }
}

export function createP3o(ctx: MethodContext, hp: P3oHyper): Method {
  return createPgMethod(ctx, p3oSpec(hp.clip), { ...hp, k: 2 }, (stage, members) => narrate(stage, members[0] ?? {}, hp));
}
