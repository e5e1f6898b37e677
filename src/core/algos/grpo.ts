/**
 * GRPO, Group Relative Policy Optimization (Shao et al. 2024, "DeepSeekMath",
 * https://arxiv.org/abs/2402.03300, eq. 3; TRL grpo_trainer), and Dr. GRPO (Liu et al. 2025,
 * "Understanding R1-Zero-Like Training", https://arxiv.org/abs/2503.20783); ALGORITHMS.md §8.
 * For a group of G = k responses to a prompt, scored R_i = r_φ(x, y_i):
 *
 *   Â_i = (R_i − mean R)/std R             (Dr. GRPO: R_i − mean R, no std)
 *   L   = −(1/G)·Σ_i (1/|y_i|)·Σ_t [min(ρ_t·Â_i, clip(ρ_t, 1 ± ε)·Â_i) − β·k3_t],
 *   k3  = π_ref/π_θ − log(π_ref/π_θ) − 1  (per token, differentiated through π_θ)
 *
 * With TRL's default β = 0 nothing holds the policy near π_ref: it collapses onto argmax r_φ.
 * A group whose rewards are all equal has Â = 0 and teaches nothing. The k3 term's gradient at
 * π_θ = π_old is that of KL(π_ref‖π_θ), the forward KL, so with β > 0 the policy settles where
 * π(y)·(Â-weighted reward advantage) balances β·(π(y) − π_ref(y)) — near, not on, the
 * reverse-KL frontier π*_β. The loop is pg_loop.ts's.
 */
import type { GrpoHyper } from '../config';
import type { Metrics } from '../types';
import { createPgMethod, type PgSpec } from './pg_loop';
import type { Method, MethodContext } from './method';

export function grpoSpec(variant: GrpoHyper['variant']): PgSpec {
  return { id: 'grpo', estimator: variant === 'dr_grpo' ? 'group_mean' : 'group_norm', kl: 'k3_loss', tokens: 'mean' };
}

const f = (x: number | undefined, digits = 3): string => (x === undefined ? '–' : x.toFixed(digits));

function narrate(stage: string, m: Metrics, hp: GrpoHyper): string {
  const name = hp.variant === 'dr_grpo' ? 'Dr. GRPO' : 'GRPO';
  switch (stage) {
    case 'sample':
      return `Sampled a group of ${hp.k} responses to each of ${hp.batchSize} prompts from the current policy.`;
    case 'score':
      return `The reward model scored every response: mean proxy reward ${f(m['reward/proxy'])} (KL to π_ref so far ${f(m['kl/k1'])}).`;
    case 'advantages':
      return `${name} compares each response with its own group: ${hp.variant === 'dr_grpo' ? 'R − mean R' : '(R − mean R)/std R'}, mean |Â| ${f(m['grpo/advantage_abs'])}; ${f(100 * (m['grpo/equal_groups'] ?? 0), 0)}% of groups scored all alike and teach nothing.`;
    case 'update':
      return `${hp.epochs} clipped step${hp.epochs > 1 ? 's' : ''} toward the responses that beat their group: loss ${f(m['loss/policy'])}${
        hp.beta > 0 ? `, KL term β·k3 = ${f(m['loss/kl'], 4)}` : ', and with β = 0 nothing pulls it back to π_ref'
      }.`;
    default:
      return '';
  }
}

export function createGrpo(ctx: MethodContext, hp: GrpoHyper): Method {
  return createPgMethod(ctx, grpoSpec(hp.variant), hp, (stage, members) => narrate(stage, members[0] ?? {}, hp));
}
