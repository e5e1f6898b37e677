import { describe, expect, it } from 'vitest';
import type { Member } from '../../core/config';
import type { IterationResult } from '../../core/types';
import { BON_BOUND, metricCharts } from './metricSpecs';

const members: Member[] = [
  { index: 0, seed: 0, beta: 0.1, label: 'seed 0' },
  { index: 1, seed: 1, beta: 0.1, label: 'seed 1' },
];
const result = (iteration: number, extra: Record<string, number> = {}): IterationResult => ({
  iteration,
  members: members.map(() => ({ 'kl/exact': 1.4, 'kl/k3': 1.5, ...extra })),
  stages: [],
  readbacks: 1,
});
const klChart = (history: IterationResult[]) => metricCharts(history, members).find((c) => c.id === 'kl')!;

describe('the KL chart', () => {
  it('draws best-of-n’s log n − (n−1)/n once, dotted, with a legend entry and a caption', () => {
    const bound = Math.log(16) - 15 / 16;
    const chart = klChart([result(1, { [BON_BOUND]: bound }), result(2, { [BON_BOUND]: bound })]);
    const line = chart.series.filter((s) => s.dataKey.startsWith(BON_BOUND));
    expect(line).toEqual([expect.objectContaining({ dataKey: `${BON_BOUND}#0`, dotted: true, name: 'log n − (n−1)/n' })]);
    expect(chart.rows.map((r) => r[`${BON_BOUND}#0`])).toEqual([bound, bound]);
    expect(chart.legend).toContainEqual(expect.objectContaining({ label: 'log n − (n−1)/n', dotted: true }));
    expect(chart.caption).toMatch(/best-of-n’s KL, log n − \(n−1\)\/n/);
  });

  it('has no such line for other methods', () => {
    const chart = klChart([result(1), result(2)]);
    expect(chart.series.some((s) => s.dataKey.startsWith(BON_BOUND))).toBe(false);
    expect(chart.caption).not.toMatch(/log n/);
    expect(chart.series).toHaveLength(4); // exact and k3 per member
  });

  it('speaks of the selected method in the proxy-reward caption, and titles every axis', () => {
    const caption = (method: Parameters<typeof metricCharts>[2]) => metricCharts([], members, method).find((c) => c.id === 'proxy-reward')!.caption;
    expect(caption('ppo')).toMatch(/what PPO maximises/);
    for (const method of ['dpo', 'coh', 'nash_md', 'best_of_n', 'sft'] as const) expect(caption(method)).not.toMatch(/PPO/);
    expect(caption('dpo')).toMatch(/DPO never queries r_φ/);
    expect(metricCharts([], members).map((c) => c.yLabel)).toEqual(['reward r_φ', 'gold reward', 'KL, nats', 'win rate', 'loss']);
  });
});
