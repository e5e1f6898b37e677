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
