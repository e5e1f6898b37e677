/**
 * RLOO, REINFORCE Leave-One-Out (Ahmadian et al. 2024, "Back to Basics: Revisiting REINFORCE
 * Style Optimization for Learning from Human Feedback in LLMs", https://arxiv.org/abs/2402.14740;
 * TRL rloo_trainer); ALGORITHMS.md §8. For k responses y_1..y_k of each prompt:
 *
 *   r_i = r_φ(x, y_i) − β·Σ_t log(π_θ/π_ref)(y_i,t)        (KL folded into the reward, no gradient)
 *   A_i = r_i − (1/(k−1))·Σ_{j≠i} r_j                       (the others' mean: an unbiased baseline)
 *   L   = −(1/k)·Σ_i A_i·log π_θ(y_i)                       (REINFORCE; clipped from the second pass)
 *
 * Its expected gradient is that of the KL-regularised objective E[r_φ] − β·KL(π‖π_ref), so on a
 * tabular task it reaches π* ∝ π_ref·exp(r_φ/β). The loop is pg_loop.ts's.
 */
import type { RlooHyper } from '../config';
import type { Metrics } from '../types';
import { createPgMethod, type PgSpec } from './pg_loop';
import type { Method, MethodContext } from './method';

export const RLOO_SPEC: PgSpec = { id: 'rloo', estimator: 'leave_one_out', kl: 'sequence_reward', tokens: 'sum' };

const f = (x: number | undefined, digits = 3): string => (x === undefined ? '–' : x.toFixed(digits));

function narrate(stage: string, m: Metrics, hp: RlooHyper): string {
  switch (stage) {
    case 'sample':
      return `Sampled ${hp.k} responses to each of ${hp.batchSize} prompts from the current policy.`;
    case 'score':
      return `Mean proxy reward ${f(m['reward/proxy'])}; minus β = ${f(m['rloo/beta'], 4)} times each response’s log π/π_ref (KL ${f(m['kl/k1'])}), the reward RLOO optimises is ${f(m['reward/penalized'])}.`;
    case 'advantages':
      return `Each response’s baseline is the mean reward of the other ${hp.k - 1} answer${hp.k > 2 ? 's' : ''} to its prompt: mean |A| ${f(m['rloo/advantage_abs'])}${m['rloo/equal_groups'] > 0 ? `, ${f(100 * m['rloo/equal_groups'], 0)}% of prompts got equal rewards and teach nothing` : ''}.`;
    case 'update':
      return `${hp.epochs} policy-gradient step${hp.epochs > 1 ? 's' : ''} raising log π of responses that beat their baseline: loss ${f(m['loss/policy'])}${hp.epochs > 1 ? `, ${f(100 * m['rloo/clipfrac'], 0)}% of ratios clipped` : ''}.`;
    default:
      return '';
  }
}

export function createRloo(ctx: MethodContext, hp: RlooHyper): Method {
  return createPgMethod(ctx, RLOO_SPEC, hp, (stage, members) => narrate(stage, members[0] ?? {}, hp));
}
