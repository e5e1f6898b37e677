/**
 * Win rate against the reference policy (AlpacaFarm's headline metric), judged by the
 * hidden gold preference and by the noise-free annotator pool.
 *   winrate(π) = Σ_x p(x) Σ_y π(y|x) Σ_{y'} π_ref(y'|x)·P(y ≻ y' | x)
 * π_ref is frozen once training starts, so v(x, y) = Σ_{y'} π_ref(y'|x)·P(y ≻ y'|x) is
 * computed once and each evaluation is a dot product with π.
 */
import { preferFirst } from '../tasks/annotators';
import { allResponses, goldPrefers, type Task } from '../tasks/task';

/** Pool preference from precomputed utilities (the hot path for sequence tasks). */
function poolFromUtilities(task: Task, u: number[][][], x: number, i: number, j: number, ys: number[][]): number {
  let total = 0;
  task.annotators.forEach((a, k) => {
    if (a.preference) {
      total += 0.5 * (preferFirst(a, x, ys[i], ys[j]) + 1 - preferFirst(a, x, ys[j], ys[i]));
      return;
    }
    const d = u[k][x][i] - u[k][x][j];
    const s = (z: number) => 1 / (1 + Math.exp(-z));
    total += 0.5 * (s((d + a.positionBias) / a.temperature) + 1 - s((-d + a.positionBias) / a.temperature));
  });
  return total / task.annotators.length;
}

/** v_gold and v_pool: [prompt][response], from the reference distribution ref [prompt][response]. */
export function winVectors(task: Task, ref: readonly (readonly number[])[]): { gold: number[][]; pool: number[][] } {
  const ys = allResponses(task);
  const u = task.annotators.map((a) => task.prompts.map((_, x) => ys.map((y) => a.utility(x, y))));
  const goldValues = task.prompts.map((_, x) => ys.map((y) => task.gold(x, y)));
  const gold: number[][] = [];
  const pool: number[][] = [];
  task.prompts.forEach((_, x) => {
    const support = ref[x].map((p, j) => [p, j] as const).filter(([p]) => p > 1e-9);
    gold.push(
      ys.map((y, i) =>
        support.reduce((s, [p, j]) => {
          if (task.goldPreference) return s + p * goldPrefers(task, x, y, ys[j]);
          const d = goldValues[x][i] - goldValues[x][j];
          return s + p * (d > 0 ? 1 : d < 0 ? 0 : 0.5);
        }, 0),
      ),
    );
    pool.push(ys.map((_, i) => support.reduce((s, [p, j]) => s + p * poolFromUtilities(task, u, x, i, j, ys), 0)));
  });
  return { gold, pool };
}

/** The gold preference matrix [prompt][y][y'] of a small one-step task (for worst-case win rates and Nash). */
export function goldMatrix(task: Task): number[][][] {
  const ys = allResponses(task);
  return task.prompts.map((_, x) => ys.map((a) => ys.map((b) => goldPrefers(task, x, a, b))));
}

/** Largest response set for which the full preference matrix is used (worst case, Nash). */
export const MAX_MATRIX = 64;
