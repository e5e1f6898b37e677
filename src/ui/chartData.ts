/**
 * Turns the iteration history into recharts rows: one row per iteration, one column per
 * (metric, member) pair. Pure, so it is unit-tested without a DOM.
 */
import type { IterationResult } from '../core/types';

/** A recharts row: `iteration` plus `<metric>#<member>` columns (absent where not measured). */
export type ChartRow = { iteration: number } & Record<string, number>;

/** The column key of one metric for one population member. */
export function seriesKey(metric: string, member: number): string {
  return `${metric}#${member}`;
}

/**
 * Rows for the given metrics. A metric missing in an iteration (e.g. `kl/exact` between
 * exact evaluations) is left out of that row, and a non-finite value too, so the line
 * bridges the gap instead of dropping to zero.
 */
export function chartRows(history: readonly IterationResult[], metrics: readonly string[]): ChartRow[] {
  return history.map((result) => {
    const row: ChartRow = { iteration: result.iteration };
    result.members.forEach((values, member) => {
      for (const metric of metrics) {
        const value = values[metric];
        if (value !== undefined && Number.isFinite(value)) row[seriesKey(metric, member)] = value;
      }
    });
    return row;
  });
}

/** Whether any iteration measured the metric (so its line and legend entry are worth showing). */
export function hasMetric(history: readonly IterationResult[], metric: string): boolean {
  return history.some((result) => result.members.some((values) => values[metric] !== undefined));
}

/**
 * Member colours, stable per member index. Okabe–Ito first (colour-blind safe), then
 * darker Tableau shades; each has at least 3:1 contrast against the white chart background.
 */
export const MEMBER_COLORS = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#8C6D00',
  '#56379E',
  '#A6382F',
  '#1F6F6F',
  '#7F7F7F',
  '#B8336A',
  '#3B6E24',
  '#4E5DB3',
  '#A35A00',
  '#6B3E26',
  '#2E6BAA',
  '#8E2F8E',
] as const;

/** The colour of member `index` (wraps after 16 members, the population maximum). */
export function memberColor(index: number): string {
  return MEMBER_COLORS[index % MEMBER_COLORS.length];
}

/**
 * TensorBoard's smoothing: an exponential moving average with weight `weight` ∈ [0, 1),
 * debiased by 1 − weight^n (n = finite values seen) so the curve starts at the first value
 * instead of being dragged toward 0. Missing and non-finite values stay missing and do not
 * advance the average.
 */
export function smoothSeries(values: readonly (number | undefined)[], weight: number): (number | undefined)[] {
  if (weight <= 0) return [...values];
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (v === undefined || !Number.isFinite(v)) return undefined;
    last = last * weight + (1 - weight) * v;
    n += 1;
    return last / (1 - weight ** n);
  });
}

/** Rows with every metric column smoothed over iterations (a new array: the input is untouched). */
export function smoothRows(rows: readonly ChartRow[], weight: number): ChartRow[] {
  if (weight <= 0) return rows.map((r) => ({ ...r }));
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'iteration');
  const out = rows.map((r) => ({ iteration: r.iteration }) as ChartRow);
  for (const key of keys) {
    smoothSeries(
      rows.map((r) => r[key]),
      weight,
    ).forEach((v, i) => {
      if (v !== undefined) out[i][key] = v;
    });
  }
  return out;
}

/** √KL, the x axis of over-optimization plots (Gao et al. 2022); a negative estimate (k1 can be) counts as 0. */
export function sqrtKl(kl: number): number {
  return Math.sqrt(Math.max(kl, 0));
}

/** One point of a member's path through the KL–reward plane. */
export interface TrajectoryPoint {
  iteration: number;
  kl: number;
  reward: number;
}

/**
 * Member `member`'s path through the (KL, reward) plane: one point per iteration where both
 * metrics were measured and finite, in iteration order.
 */
export function trajectoryRows(history: readonly IterationResult[], member: number, klMetric: string, rewardMetric: string): TrajectoryPoint[] {
  const out: TrajectoryPoint[] = [];
  for (const result of history) {
    const values = result.members[member];
    const kl = values?.[klMetric];
    const reward = values?.[rewardMetric];
    if (kl !== undefined && reward !== undefined && Number.isFinite(kl) && Number.isFinite(reward)) out.push({ iteration: result.iteration, kl, reward });
  }
  return out;
}

/** The best KL metric the history has: exact where the task is enumerated, else the k3 estimate. */
export function klMetricOf(history: readonly IterationResult[]): 'kl/exact' | 'kl/k3' {
  return hasMetric(history, 'kl/exact') ? 'kl/exact' : 'kl/k3';
}

/** A reward metric's exact expectation where the history has it, else the sample mean. */
export function rewardMetricOf(history: readonly IterationResult[], metric: 'reward/gold' | 'reward/proxy'): string {
  return hasMetric(history, `${metric}_exact`) ? `${metric}_exact` : metric;
}
