/**
 * Best-of-n sampling (Nakano et al. 2021; Stiennon et al. 2020; AlpacaFarm §4 with n = 16):
 * draw n responses from π_ref, keep the one the reward model r_φ scores highest. No
 * parameters change: the "policy" is the sampling procedure, whose distribution is
 *
 *   π_bon(y | x) = F(y)^n − F(y⁻)^n,   F(y) = Σ_{y' : r(y') ≤ r(y)} π_ref(y' | x)
 *
 * (responses sorted by r_φ; F(y⁻) the mass strictly below). Its KL to π_ref is at most
 * log n − (n−1)/n, with equality in the continuous limit (ALGORITHMS.md §0; Beirami et al. 2024).
 *
 * Stages: sample → score → select.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BestOfNHyper } from '../config';
import { drawPrompts, sampleResponses, streams } from '../population';
import type { Rng } from '../rng';
import { perMember, type Method, type MethodContext, type MethodOutput } from './method';
import { oneHotFloat } from '../math/one_hot';

export const BEST_OF_N_STAGES = ['sample', 'score', 'select'] as const;

/** KL(π_bon ‖ π_ref) of a continuous reward: log n − (n−1)/n. */
export function bestOfNKlBound(n: number): number {
  return Math.log(n) - (n - 1) / n;
}

/**
 * The exact best-of-n distribution over a finite response set: `ref` π_ref per response,
 * `r` their scores. Tied scores share the mass of their group in proportion to π_ref.
 */
export function bestOfNDistribution(ref: readonly number[], r: readonly number[], n: number): number[] {
  const order = ref.map((_, i) => i).sort((a, b) => r[a] - r[b]);
  const out = new Array<number>(ref.length).fill(0);
  let below = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    let mass = 0;
    while (end < order.length && r[order[end]] === r[order[start]]) mass += ref[order[end++]];
    const group = (below + mass) ** n - below ** n;
    for (let k = start; k < end; k++) out[order[k]] = mass > 0 ? (group * ref[order[k]]) / mass : 0;
    below += mass;
    start = end;
  }
  return out;
}

/**
 * B prompts per member, n candidates each from the policy (or `params`), and the candidate
 * r_φ scores highest → prompts [P, B], best tokens [P, B, T], best scores [P, B].
 */
export function bestOfCandidates(
  ctx: MethodContext,
  rngs: readonly Rng[],
  B: number,
  n: number,
  params: readonly tf.Tensor[] | undefined,
  mark: (stage: string) => void = () => {},
): { prompts: tf.Tensor; tokens: tf.Tensor; scores: tf.Tensor } {
  const { P } = ctx.pop;
  const { T } = ctx.pop.shape;
  const prompts = drawPrompts(ctx.pop, rngs, B);
  // Candidate j of prompt b sits at column b·n + j.
  const repeated = tf.tidy(() => tf.reshape(tf.tile(tf.expandDims(prompts, 2), [1, 1, n]), [P, B * n]));
  const candidates = sampleResponses(ctx.pop, rngs, ctx.policy, repeated, params);
  mark('sample');
  const score = tf.tidy(() => tf.reshape(ctx.reward.apply(repeated, candidates), [P, B, n]));
  repeated.dispose();
  mark('score');
  const picked = tf.tidy(() => {
    const best = n > 1 ? oneHotFloat(tf.argMax(score, 2), n) : tf.ones([P, B, 1]); // [P, B, n]
    const tokens = tf.sum(tf.mul(tf.reshape(tf.cast(candidates, 'float32'), [P, B, n, T]), tf.expandDims(best, 3)), 2);
    return { tokens: tf.cast(tf.round(tokens), 'int32'), scores: tf.sum(tf.mul(score, best), 2) };
  });
  tf.dispose([candidates, score]);
  return { prompts, ...picked };
}

export function createBestOfN(ctx: MethodContext, hp: BestOfNHyper): Method {
  const { pop, evaluator } = ctx;
  // The best-of-n table is fixed (π_ref and r_φ are frozen): compute it once.
  const table =
    evaluator &&
    tf.tensor3d(
      pop.members.map((_, p) =>
        evaluator.tables.reference[p].map((ref, x) => bestOfNDistribution(ref, evaluator.tables.proxy[p][x], hp.n).map((q) => Math.log(Math.max(q, 1e-30)))),
      ),
    );
  return {
    stages: BEST_OF_N_STAGES,
    iterate(iteration, mark): MethodOutput {
      const rngs = streams(pop, `best_of_n/${iteration}`);
      const { prompts, tokens, scores } = bestOfCandidates(ctx, rngs, hp.batchSize, hp.n, ctx.reference, mark);
      const metrics = {
        'reward/proxy': perMember(scores),
        'bon/kl_bound': tf.fill([pop.P], bestOfNKlBound(hp.n)),
        'bon/n': tf.fill([pop.P], hp.n),
      };
      scores.dispose();
      mark('select');
      return { metrics, prompts, tokens };
    },
    exactLogProbs: table ? () => tf.clone(table) : undefined,
    narrate(stage, members) {
      const m = members[0];
      switch (stage) {
        case 'sample':
          return `Drew ${hp.n} candidates from π_ref for each of ${hp.batchSize} prompts.`;
        case 'score':
          return 'The reward model scored every candidate.';
        case 'select':
          return `Kept the best of each ${hp.n}: mean proxy reward ${m['reward/proxy']?.toFixed(3)}; KL ≤ log n − (n−1)/n = ${bestOfNKlBound(hp.n).toFixed(3)}${m['kl/exact'] === undefined ? '' : ` (exact ${m['kl/exact'].toFixed(3)})`}.`;
        default:
          return stage;
      }
    },
    dispose() {
      table?.dispose();
    },
  };
}
