/**
 * Nash-MD: Munos et al. 2023 ("Nash Learning from Human Feedback",
 * https://arxiv.org/abs/2312.00886); ALGORITHMS.md §5. The policy plays the preference game
 * against a geometric mixture of itself and μ = π_ref, and converges to the Nash equilibrium
 * π*_τ of the τ-regularized game P_τ(π ≻ π') = P(π ≻ π') − τ·KL(π‖μ) + τ·KL(π'‖μ), the
 * unique π with π*_τ(y) ∝ μ(y)·exp(P(y ≻ π*_τ)/τ) (§4).
 *
 * Three updates, each in its own file: exact mirror descent and Nash-MP's mirror prox on
 * one-step enumerable tasks with a table policy (nash_tabular.ts), and Nash-MD-PG for
 * sequences (nash_md_pg.ts). `nashUpdate` (method_info.ts) picks one from the config.
 */
import type { NashMdHyper } from '../config';
import { methodStages, nashUpdate } from '../method_info';
import type { Method, MethodContext } from './method';
import { createNashMdPg } from './nash_md_pg';
import { createNashMirrorDescent, createNashMirrorProx } from './nash_tabular';

/** Nash-MD as a `Method`, with the update the config asks for. */
export function createNashMd(ctx: MethodContext, hp: NashMdHyper): Method {
  const config = { ...ctx.pop.config, method: hp };
  const update = nashUpdate(config);
  const stages = methodStages(config);
  const tabularOk = ctx.pop.task.T === 1 && ctx.evaluator !== null && ctx.pop.policyKind === 'tabular';
  if (update !== 'pg' && !tabularOk) {
    throw new Error(`Nash-MD's ${update === 'mp' ? 'mirror-prox' : 'exact'} update needs a one-step enumerable task with a tabular policy; use update "pg".`);
  }
  if (update === 'mp') return createNashMirrorProx(ctx, hp, stages);
  if (update === 'md') return createNashMirrorDescent(ctx, hp, stages);
  return createNashMdPg(ctx, hp, stages);
}
