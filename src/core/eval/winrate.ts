/**
 * Win rate against the reference policy (AlpacaFarm's headline metric), judged by the
 * hidden gold preference and by the noise-free annotator pool.
 *   winrate(π) = Σ_x p(x) Σ_y π(y|x) Σ_{y'} π_ref(y'|x)·P(y ≻ y' | x)
 * π_ref is frozen once training starts, so v(x, y) = Σ_{y'} π_ref(y'|x)·P(y ≻ y'|x) is
 * computed once and each evaluation is a dot product with π.
 */
import { checkpoint } from '../cancel';
import { preferFirst } from '../tasks/annotators';
import { allResponses, goldPrefers, type GoldTask } from '../tasks/task';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * v_gold and v_pool: [prompt][response], from the reference distribution ref [prompt][response].
 * N² pairs per prompt (1.7 million on the helpful task), so plain loops over precomputed
 * utilities: this runs in every preparation of an enumerable task. About 2 s on the helpful
 * task, so it checks `signal` once per response row and can be cancelled like a training step.
 */
export async function winVectors(task: GoldTask, ref: readonly (readonly number[])[], signal?: AbortSignal): Promise<{ gold: number[][]; pool: number[][] }> {
  const ys = allResponses(task);
  const N = ys.length;
  const { annotators } = task;
  const A = annotators.length;
  const gold: number[][] = [];
  const pool: number[][] = [];
  for (let x = 0; x < task.prompts.length; x++) {
    const u = annotators.map((a) => Float64Array.from(ys, (y) => a.utility(x, y)));
    const g = Float64Array.from(ys, (y) => task.gold(x, y));
    const support = ref[x].flatMap((p, j) => (p > 1e-9 ? [j] : []));
    const goldRow = new Array<number>(N);
    const poolRow = new Array<number>(N);
    for (let i = 0; i < N; i++) {
      await checkpoint(signal);
      let vGold = 0;
      let vPool = 0;
      for (const j of support) {
        const p = ref[x][j];
        if (task.goldPreference) {
          vGold += p * goldPrefers(task, x, ys[i], ys[j]);
        } else {
          const d = g[i] - g[j];
          vGold += p * (d > 0 ? 1 : d < 0 ? 0 : 0.5);
        }
        // The pool's preference with the order of presentation averaged out.
        let total = 0;
        for (let k = 0; k < A; k++) {
          const a = annotators[k];
          if (a.preference) {
            total += 0.5 * (preferFirst(a, x, ys[i], ys[j]) + 1 - preferFirst(a, x, ys[j], ys[i]));
          } else {
            const d = u[k][i] - u[k][j];
            total += 0.5 * (sigmoid((d + a.positionBias) / a.temperature) + 1 - sigmoid((-d + a.positionBias) / a.temperature));
          }
        }
        vPool += p * (total / A);
      }
      goldRow[i] = vGold;
      poolRow[i] = vPool;
    }
    gold.push(goldRow);
    pool.push(poolRow);
  }
  return { gold, pool };
}

/** The gold preference matrix [prompt][y][y'] of a small one-step task (for worst-case win rates and Nash). */
export function goldMatrix(task: GoldTask): number[][][] {
  const ys = allResponses(task);
  return task.prompts.map((_, x) => ys.map((a) => ys.map((b) => goldPrefers(task, x, a, b))));
}

/** Largest response set for which the full preference matrix is used (worst case, Nash). */
export const MAX_MATRIX = 64;
