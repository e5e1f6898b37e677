/**
 * PPO for RLHF: Schulman et al. 2017 ("Proximal Policy Optimization Algorithms",
 * https://arxiv.org/abs/1707.06347) as used by InstructGPT (Ouyang et al. 2022) and
 * AlpacaFarm; ALGORITHMS.md §2.
 *
 *   r_t = −β·kl_t (+ r_φ(x, y) at the last token)          per-token KL penalty
 *   A   = GAE(γ, λ) (eq. 16 of Schulman et al. 2016), whitened per member
 *   L   = L_pg (eq. 7, clipped) + c_v·L_v (clipped value loss)
 *   β   ← β·(1 + clip(KL/target − 1, ±0.2)·B/horizon)      (Ziegler et al. 2019), if adaptive
 *
 * The loop is pg_loop.ts's, with the `gae` estimator (one response per prompt, a value head).
 */
import type { PpoHyper } from '../config';
import { narrate } from '../narration';
import type { Method, MethodContext, MethodOutput } from './method';
import { createPgMethod, createPgState, disposePgState, pgIteration, type PgHyper, type PgSpec, type PgState } from './pg_loop';

export const PPO_SPEC: PgSpec = { id: 'ppo', estimator: 'gae', kl: 'token_reward', tokens: 'mean' };

/** PPO's settings as the loop's: one response per prompt, shuffled minibatches, GAE and its value loss. */
export function ppoHyper(hp: PpoHyper): PgHyper {
  return {
    k: 1,
    batchSize: hp.batchSize,
    epochs: hp.epochs,
    minibatches: hp.minibatches,
    clipRange: hp.clipRange,
    lr: hp.lr,
    gae: { gamma: hp.gamma, lambda: hp.lambda, whiten: hp.whitenAdvantages, vfCoef: hp.vfCoef, clipRangeValue: hp.clipRangeValue },
    klEstimator: hp.klEstimator,
    annealLr: hp.annealLr,
    adaptiveKl: hp.adaptiveKl,
  };
}

export type PpoState = PgState;

export const createPpoState = (ctx: MethodContext, hp: PpoHyper): PpoState => createPgState(ctx, PPO_SPEC, ppoHyper(hp));
export const disposePpoState = disposePgState;

/** One PPO iteration; `iteration` (1-based) names this iteration's random streams. */
export function ppoIteration(ctx: MethodContext, state: PpoState, hp: PpoHyper, iteration: number, mark?: (stage: string) => void): MethodOutput {
  return pgIteration(ctx, state, PPO_SPEC, ppoHyper(hp), iteration, mark);
}

/** PPO as a `Method`: its value head and optimizer live as long as the experiment's run; its β may move (adaptive KL). */
export function createPpo(ctx: MethodContext, hp: PpoHyper): Method {
  return createPgMethod(ctx, PPO_SPEC, ppoHyper(hp), (stage, members) => narrate(stage, members, hp), true);
}
