/**
 * Exact evaluation by enumeration: for tasks with V^T ≤ MAX_ENUMERABLE responses per
 * prompt, score every (x, y) once per evaluation. Gives the exact sequence KL(π‖π_ref),
 * the exact expected gold and proxy rewards, and the tables for π, π_ref and r_φ.
 */
import * as tf from '@tensorflow/tfjs-core';
import { tokenLogProbs } from '../math/logprobs';
import type { RewardNet } from '../models/reward_mlp';
import type { SeqNet } from '../models/seq_net';
import type { Population } from '../population';
import { allResponses, goldTable } from '../tasks/task';

export interface ExactEvaluator {
  /** log π(y|x) for every prompt and response → [P, n_x, N]. */
  logProbs(params?: readonly tf.Tensor[]): tf.Tensor;
  /** Per-member [P] tensors: `kl/exact`, `reward/gold_exact`, `reward/proxy_exact`. */
  metrics(): Record<string, tf.Tensor>;
  /** Host copies of the reference, proxy-reward and gold tables, [P][n_x][N] / [n_x][N]. */
  tables(): Promise<{ reference: number[][][]; proxy: number[][][]; gold: number[][] }>;
  dispose(): void;
}

export function createExactEvaluator(
  pop: Population,
  policy: SeqNet,
  reference: readonly tf.Tensor[],
  reward: RewardNet,
): ExactEvaluator {
  const { P } = pop;
  const { nPrompts, T } = pop.shape;
  const ys = allResponses(pop.task);
  const N = ys.length;
  const gold = goldTable(pop.task);

  const flatPrompts = new Int32Array(nPrompts * N);
  const flatTokens = new Int32Array(nPrompts * N * T);
  for (let x = 0; x < nPrompts; x++) {
    ys.forEach((y, i) => {
      flatPrompts[x * N + i] = x;
      flatTokens.set(y, (x * N + i) * T);
    });
  }
  const [prompts, tokens, px, goldT] = tf.tidy(() => [
    tf.tile(tf.tensor2d(flatPrompts, [1, nPrompts * N], 'int32'), [P, 1]),
    tf.tile(tf.tensor3d(flatTokens, [1, nPrompts * N, T], 'int32'), [P, 1, 1]),
    tf.reshape(tf.tensor1d(pop.task.promptProbs as number[]), [1, nPrompts]),
    tf.reshape(tf.tensor2d(gold), [1, nPrompts, N]),
  ]);

  const logProbs = (params?: readonly tf.Tensor[]): tf.Tensor =>
    tf.tidy(() => tf.reshape(tf.sum(tokenLogProbs(policy.apply(prompts, tokens, params), tokens), 2), [P, nPrompts, N]));
  // π_ref and r_φ are frozen once the method starts: compute them once.
  const logRef = logProbs(reference);
  const proxy = tf.tidy(() => tf.reshape(reward.apply(prompts, tokens), [P, nPrompts, N]));

  return {
    logProbs,
    metrics() {
      return tf.tidy(() => {
        const logPi = logProbs();
        const pi = tf.exp(logPi);
        const weigh = (perPrompt: tf.Tensor): tf.Tensor => tf.sum(tf.mul(perPrompt, px), 1);
        return {
          'kl/exact': weigh(tf.sum(tf.mul(pi, tf.sub(logPi, logRef)), 2)),
          'reward/gold_exact': weigh(tf.sum(tf.mul(pi, goldT), 2)),
          'reward/proxy_exact': weigh(tf.sum(tf.mul(pi, proxy), 2)),
        };
      });
    },
    async tables() {
      const [ref, prox] = await Promise.all([logRef.array(), proxy.array()]);
      return {
        reference: (ref as number[][][]).map((m) => m.map((row) => row.map(Math.exp))),
        proxy: prox as number[][][],
        gold,
      };
    },
    dispose() {
      tf.dispose([prompts, tokens, px, goldT, logRef, proxy]);
    },
  };
}
