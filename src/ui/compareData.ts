/**
 * Chart rows for comparing saved runs: one row per iteration, one column per (run, member).
 * Pure, so it is unit-tested without a DOM. A run's colour comes from its id, so it keeps
 * its colour when other runs are ticked, unticked or deleted.
 */
import type { SavedRun } from '../state';
import type { ChartRow } from './chartData';

/** One comparison chart: a title and the metrics it plots, the first one a run has wins. */
export interface CompareMetric {
  id: string;
  title: string;
  /** Candidates in order of preference (e.g. exact KL where measured, else k3). */
  metrics: readonly string[];
  /** Drawn only when a compared run measured it (the agreement of runs on your own data). */
  whenMeasured?: boolean;
}

export const COMPARE_METRICS: readonly CompareMetric[] = [
  { id: 'gold-reward', title: 'Gold reward', metrics: ['reward/gold'] },
  { id: 'proxy-reward', title: 'Proxy reward', metrics: ['reward/proxy'] },
  { id: 'kl', title: 'KL to π_ref', metrics: ['kl/exact', 'kl/k3'] },
  { id: 'winrate', title: 'Win rate vs π_ref (gold)', metrics: ['winrate/vs_ref_gold'] },
  { id: 'agreement', title: 'Agreement with held-out rows', metrics: ['agreement/held_out'], whenMeasured: true },
];

/** The charts to draw for the compared runs: every chart, and those drawn only when measured if a run measured them. */
export function compareCharts(runs: readonly SavedRun[]): CompareMetric[] {
  return COMPARE_METRICS.filter((c) => !c.whenMeasured || runs.some((r) => metricOf(r, c.metrics) !== null));
}

/** One drawn line: a column of the rows, the run it belongs to and which member. */
export interface CompareSeries {
  dataKey: string;
  runId: string;
  member: number;
  /** The metric this run shows on this chart. */
  metric: string;
}

/** FNV-1a over the id's UTF-16 units: cheap, stable across sessions and browsers. */
function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The colour of a run, from its id. Lightness 32% keeps every hue at ≥ 3:1 contrast on the
 * white chart background (yellow is the worst case, about 3.4:1).
 */
export function runColor(id: string): string {
  return `hsl(${hashId(id) % 360} 70% 32%)`;
}

/** The first of the candidate metrics that the run measured at least once, or null. */
export function metricOf(run: SavedRun, candidates: readonly string[]): string | null {
  return candidates.find((m) => run.iterations.some((r) => r.members.some((values) => Number.isFinite(values[m])))) ?? null;
}

/** Rows and series for one chart over the given runs (hidden runs already left out). */
export function compareRows(runs: readonly SavedRun[], chart: CompareMetric): { rows: ChartRow[]; series: CompareSeries[] } {
  const byIteration = new Map<number, ChartRow>();
  const series: CompareSeries[] = [];
  for (const run of runs) {
    const metric = metricOf(run, chart.metrics);
    if (!metric) continue;
    const members = Math.max(0, ...run.iterations.map((r) => r.members.length));
    for (let member = 0; member < members; member++) series.push({ dataKey: `${run.id}#${member}`, runId: run.id, member, metric });
    for (const result of run.iterations) {
      let row = byIteration.get(result.iteration);
      if (!row) {
        row = { iteration: result.iteration } as ChartRow;
        byIteration.set(result.iteration, row);
      }
      result.members.forEach((values, member) => {
        const value = values[metric];
        if (Number.isFinite(value)) row[`${run.id}#${member}`] = value;
      });
    }
  }
  const rows = [...byIteration.values()].sort((a, b) => a.iteration - b.iteration);
  return { rows, series };
}
