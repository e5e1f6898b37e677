/**
 * Exact evaluation by enumeration: for tasks with V^T ≤ MAX_ENUMERABLE responses per
 * prompt, every (x, y) is scored at each evaluation. Gives the exact sequence KL(π‖π_ref),
 * the exact expected gold and proxy rewards, exact win rates against π_ref (gold and
 * pool), and for small one-step tasks the worst-case win rate min_{y'} P(π ≻ y').
 */
import * as tf from '@tensorflow/tfjs-core';
import { sequenceLogProb } from '../math/logprobs';
import type { RewardNet } from '../models/reward_mlp';
import type { SeqNet } from '../models/seq_net';
import type { Population } from '../population';
import type { Feedback } from '../preparation/feedback';
import type { Comparison } from '../tasks/annotators';
import { allResponses, encodeResponse, goldTable, hasGold } from '../tasks/task';
import { goldMatrix, MAX_MATRIX, winVectors } from './winrate';

export interface ExactTables {
  /** π_ref per member [P][x][y]. */
  reference: number[][][];
  /** r_φ per member [P][x][y]. */
  proxy: number[][][];
  /** Gold reward [x][y]; null for a task from your data (it has none). */
  gold: number[][] | null;
  /** Gold preference [x][y][y'] for small one-step tasks, else null. */
  preference: number[][][] | null;
}

export interface ExactEvaluator {
  /**
   * log π(y|x) for every prompt and response → [P, n_x, N], of the policy network (with
   * `params` when given) or of another network over the same responses (`net`).
   */
  logProbs(params?: readonly tf.Tensor[], net?: SeqNet): tf.Tensor;
  /**
   * Per-member [P] tensors: `kl/exact`, `reward/gold_exact`, `reward/proxy_exact`, `winrate/vs_ref_*`,
   * `winrate/worst_case`, of the policy network, or of the table `logPi` [P, n_x, N] when given
   * (a method whose policy is not the network, e.g. best-of-n).
   */
  metrics(logPi?: tf.Tensor): Record<string, tf.Tensor>;
  tables: ExactTables;
  dispose(): void;
}

/** Each member's held-out comparisons (the end of its list) as flat indices x·N + y of the chosen and rejected reply. */
function heldOutIndices(feedback: Feedback, N: number, V: number): [number[][], number[][]] {
  const nTest = feedback.test.prompts.shape[1] as number;
  const held = feedback.comparisons.map((list) => list.slice(list.length - nTest));
  const at = (c: Comparison, winner: boolean) => c.x * N + encodeResponse(c.firstWins === winner ? c.first : c.second, V);
  return [held.map((l) => l.map((c) => at(c, true))), held.map((l) => l.map((c) => at(c, false)))];
}

/**
 * On a task from your data (no gold reward), each evaluation also reports `agreement/held_out`:
 * how often the policy's own implicit reward log π/π_ref ranks a held-out row's chosen reply
 * above its rejected one (a tie counts half, so ½ at π = π_ref) — TRL's reward accuracy, on rows
 * no judge trained on.
 */
export async function createExactEvaluator(
  pop: Population,
  policy: SeqNet,
  reference: readonly tf.Tensor[],
  reward: RewardNet,
  feedback: Feedback,
  signal?: AbortSignal,
): Promise<ExactEvaluator> {
  const { P, task } = pop;
  const { nPrompts, T } = pop.shape;
  const ys = allResponses(task);
  const N = ys.length;
  const gold = hasGold(task) ? goldTable(task) : null;
  const preference = hasGold(task) && T === 1 && N <= MAX_MATRIX ? goldMatrix(task) : null;

  const flatPrompts = new Int32Array(nPrompts * N);
  const flatTokens = new Int32Array(nPrompts * N * T);
  for (let x = 0; x < nPrompts; x++) {
    ys.forEach((y, i) => {
      flatPrompts[x * N + i] = x;
      flatTokens.set(y, (x * N + i) * T);
    });
  }
  const [prompts, tokens, px] = tf.tidy(() => [
    tf.tile(tf.tensor2d(flatPrompts, [1, nPrompts * N], 'int32'), [P, 1]),
    tf.tile(tf.tensor3d(flatTokens, [1, nPrompts * N, T], 'int32'), [P, 1, 1]),
    tf.reshape(tf.tensor1d(task.promptProbs as number[]), [1, nPrompts]),
  ]);
  const goldT = gold ? tf.tidy(() => tf.reshape(tf.tensor2d(gold), [1, nPrompts, N])) : null;
  const logProbs = (params?: readonly tf.Tensor[], net: SeqNet = policy): tf.Tensor =>
    tf.tidy(() => tf.reshape(sequenceLogProb(net, prompts, tokens, params), [P, nPrompts, N]));
  // π_ref and r_φ are frozen once the method starts: compute them, and the judgements that depend on them, once.
  const logRef = logProbs(reference);
  const proxy = tf.tidy(() => tf.reshape(reward.apply(prompts, tokens), [P, nPrompts, N]));
  const [refHost, proxyHost] = (await Promise.all([logRef.array(), proxy.array()])) as number[][][][];
  const refProbs = refHost.map((m) => m.map((row) => row.map(Math.exp)));

  // Members sharing a seed (a β sweep) share π_ref exactly: judge each distinct reference once.
  // (A task from your data has no gold and no pool to judge with: no win rates.)
  const bySeed = new Map<number, { gold: number[][]; pool: number[][] }>();
  const vectors: { gold: number[][]; pool: number[][] }[] = [];
  try {
    for (const [p, m] of pop.members.entries()) {
      if (!hasGold(task)) break;
      if (!bySeed.has(m.seed)) bySeed.set(m.seed, await winVectors(task, refProbs[p], signal));
      vectors.push(bySeed.get(m.seed)!);
    }
  } catch (error) {
    tf.dispose([prompts, tokens, px, logRef, proxy, ...(goldT ? [goldT] : [])]); // cancelled: free what was made so far
    throw error;
  }
  const vGold = vectors.length > 0 ? tf.tensor3d(vectors.map((v) => v.gold)) : null;
  const vPool = vectors.length > 0 ? tf.tensor3d(vectors.map((v) => v.pool)) : null;
  const matrix = preference ? tf.tensor3d(preference) : null;
  // Flat indices x·N + y of each held-out row's chosen and rejected reply, per member [P, n].
  const rows = hasGold(task) ? null : heldOutIndices(feedback, N, pop.shape.V);
  const [chosenAt, rejectedAt] = rows ? rows.map((idx) => tf.tensor2d(idx, [P, idx[0].length], 'int32')) : [null, null];

  return {
    logProbs,
    metrics(given) {
      return tf.tidy(() => {
        const logPi = given ?? logProbs();
        const pi = tf.exp(logPi);
        const weigh = (perPrompt: tf.Tensor): tf.Tensor => tf.sum(tf.mul(perPrompt, px), 1);
        const expect = (f: tf.Tensor): tf.Tensor => weigh(tf.sum(tf.mul(pi, f), 2));
        const out: Record<string, tf.Tensor> = {
          'kl/exact': expect(tf.sub(logPi, logRef)),
          'reward/proxy_exact': expect(proxy),
        };
        if (goldT) out['reward/gold_exact'] = expect(goldT);
        if (chosenAt && rejectedAt) {
          const implicit = tf.reshape(tf.sub(logPi, logRef), [P, nPrompts * N]);
          const h = tf.sub(tf.gather(implicit, chosenAt, 1, 1), tf.gather(implicit, rejectedAt, 1, 1));
          out['agreement/held_out'] = tf.mean(tf.add(tf.cast(tf.greater(h, 0), 'float32'), tf.mul(0.5, tf.cast(tf.equal(h, 0), 'float32'))), 1);
        }
        if (vGold && vPool) {
          out['winrate/vs_ref_gold'] = expect(vGold);
          out['winrate/vs_ref_pool'] = expect(vPool);
        }
        if (matrix) {
          // Σ_y π(y|x)·P(y ≻ y'|x) for every y', then the worst y' per prompt.
          const vsEach = tf.matMul(tf.transpose(pi, [1, 0, 2]), matrix); // [n_x, P, N]
          out['winrate/worst_case'] = tf.sum(tf.mul(tf.transpose(tf.min(vsEach, 2)), px), 1);
        }
        return out;
      });
    },
    tables: { reference: refProbs, proxy: proxyHost, gold, preference },
    dispose() {
      tf.dispose([prompts, tokens, px, logRef, proxy, ...[goldT, vGold, vPool, matrix, chosenAt, rejectedAt].filter((t) => t !== null)]);
    },
  };
}
