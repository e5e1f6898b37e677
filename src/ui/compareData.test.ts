import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../core/config';
import type { SavedRun } from '../state';
import { COMPARE_METRICS, compareCharts, compareRows, metricOf, runColor } from './compareData';

function run(id: string, iterations: Record<string, number>[][]): SavedRun {
  return {
    id,
    name: id,
    createdAt: 0,
    updatedAt: 0,
    backend: 'CPU',
    config: defaultConfig(),
    iterations: iterations.map((members, i) => ({ iteration: i + 1, members, stages: [], readbacks: 0 })),
  };
}

const kl = COMPARE_METRICS.find((c) => c.id === 'kl')!;

describe('comparison rows', () => {
  it('puts two runs of different lengths on one iteration axis', () => {
    const a = run('a', [[{ 'kl/exact': 0.1, 'kl/k3': 0.2 }], [{ 'kl/exact': 0.3, 'kl/k3': 0.4 }]]);
    const b = run('b', [[{ 'kl/k3': 0.5 }], [{ 'kl/k3': 0.6 }], [{ 'kl/k3': 0.7 }]]);
    const { rows, series } = compareRows([a, b], kl);
    // a has exact KL, so it shows exact; b only k3.
    expect(series.map((s) => [s.dataKey, s.metric])).toEqual([
      ['a#0', 'kl/exact'],
      ['b#0', 'kl/k3'],
    ]);
    expect(rows).toEqual([
      { iteration: 1, 'a#0': 0.1, 'b#0': 0.5 },
      { iteration: 2, 'a#0': 0.3, 'b#0': 0.6 },
      { iteration: 3, 'b#0': 0.7 },
    ]);
  });

  it('draws every population member of a sweep and skips runs without the metric', () => {
    const sweep = run('s', [[{ 'reward/gold': 1 }, { 'reward/gold': 2 }]]);
    const none = run('n', [[{ 'kl/k3': 1 }]]);
    const { rows, series } = compareRows([sweep, none], COMPARE_METRICS[0]);
    expect(series.map((s) => s.dataKey)).toEqual(['s#0', 's#1']);
    expect(rows).toEqual([{ iteration: 1, 's#0': 1, 's#1': 2 }]);
    expect(metricOf(none, ['reward/gold'])).toBeNull();
  });

  it('adds the agreement chart only when a compared run measured it (a run on your own data)', () => {
    const bandit = run('b', [[{ 'reward/gold': 1, 'kl/exact': 0.1 }]]);
    const mine = run('m', [[{ 'agreement/held_out': 0.7, 'kl/exact': 0.2 }]]);
    expect(compareCharts([bandit]).map((c) => c.id)).toEqual(['gold-reward', 'proxy-reward', 'kl', 'winrate']);
    expect(compareCharts([bandit, mine]).map((c) => c.id)).toEqual(['gold-reward', 'proxy-reward', 'kl', 'winrate', 'agreement']);
    expect(compareRows([bandit, mine], compareCharts([mine]).at(-1)!).series.map((s) => s.dataKey)).toEqual(['m#0']);
  });

  it('gives a run the same colour whatever else is compared, and different runs different colours', () => {
    expect(runColor('0b7e6c1e-4a51-4bd1-9f63-4d1c1f0c2a10')).toBe(runColor('0b7e6c1e-4a51-4bd1-9f63-4d1c1f0c2a10'));
    const colours = new Set(['a', 'b', 'c', 'd', 'e'].map(runColor));
    expect(colours.size).toBe(5);
    expect(runColor('a')).toMatch(/^hsl\(\d+ 70% 32%\)$/);
  });
});
