/**
 * Monte Carlo win rate against π_ref for tasks too large to enumerate: each sampled
 * y ~ π is paired with y' ~ π_ref for the same prompt and judged by the gold preference and
 * the noise-free pool. Returns the mean and its standard error.
 */
import { poolPreference } from '../tasks/annotators';
import { goldPrefers, type GoldTask } from '../tasks/task';
import type { Metrics } from '../types';

export function monteCarloWinRates(task: GoldTask, xs: readonly number[], ys: readonly number[][], refs: readonly number[][]): Metrics {
  const gold = xs.map((x, b) => goldPrefers(task, x, ys[b], refs[b]));
  const pool = xs.map((x, b) => poolPreference(task, x, ys[b], refs[b]));
  const [g, gse] = meanSe(gold);
  const [p, pse] = meanSe(pool);
  return { 'winrate/vs_ref_gold': g, 'winrate/vs_ref_gold_se': gse, 'winrate/vs_ref_pool': p, 'winrate/vs_ref_pool_se': pse };
}

function meanSe(v: readonly number[]): [number, number] {
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(n - 1, 1);
  return [mean, Math.sqrt(variance / n)];
}
