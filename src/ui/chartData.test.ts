import { describe, expect, it } from 'vitest';
import type { IterationResult } from '../core/types';
import { chartRows, hasMetric, klMetricOf, memberColor, MEMBER_COLORS, rewardMetricOf, seriesKey, smoothRows, smoothSeries, sqrtKl, trajectoryRows } from './chartData';

const result = (iteration: number, members: Record<string, number>[]): IterationResult => ({
  iteration,
  members,
  stages: [],
  readbacks: 1,
});

describe('chartRows', () => {
  it('makes one row per iteration with one column per metric and member', () => {
    const rows = chartRows(
      [result(1, [{ 'reward/proxy': 0.5 }, { 'reward/proxy': 0.25 }]), result(2, [{ 'reward/proxy': 0.75 }, { 'reward/proxy': 1 }])],
      ['reward/proxy'],
    );
    expect(rows).toEqual([
      { iteration: 1, 'reward/proxy#0': 0.5, 'reward/proxy#1': 0.25 },
      { iteration: 2, 'reward/proxy#0': 0.75, 'reward/proxy#1': 1 },
    ]);
  });

  it('leaves out metrics that were not measured or are not finite, so lines bridge the gap', () => {
    const rows = chartRows([result(1, [{ 'kl/k3': 0.1, 'kl/exact': NaN }]), result(2, [{ 'kl/k3': 0.2 }])], ['kl/exact', 'kl/k3']);
    expect(rows).toEqual([
      { iteration: 1, 'kl/k3#0': 0.1 },
      { iteration: 2, 'kl/k3#0': 0.2 },
    ]);
  });
});

describe('hasMetric', () => {
  it('is true when any member of any iteration measured it', () => {
    const history = [result(1, [{ a: 1 }]), result(2, [{ a: 1 }, { b: 2 }])];
    expect(hasMetric(history, 'b')).toBe(true);
    expect(hasMetric(history, 'c')).toBe(false);
  });
});

describe('member colours', () => {
  it('are stable per index and distinct across the 16-member maximum', () => {
    expect(memberColor(3)).toBe(memberColor(3));
    expect(new Set(MEMBER_COLORS).size).toBe(16);
    expect(memberColor(16)).toBe(memberColor(0));
    expect(seriesKey('loss/value', 2)).toBe('loss/value#2');
  });
});

describe('smoothSeries (TensorBoard’s debiased EMA)', () => {
  it('matches hand-computed values', () => {
    // w = ½: s1 = ½·1 / (1 − ½) = 1; s2 = (¼ + 1) / ¾ = 5/3; s3 = (5/8 + 3/2) / (7/8) = 17/7,
    // i.e. the mean of 1, 2, 3 weighted ¼, ½, 1.
    const [a, b, c] = smoothSeries([1, 2, 3], 0.5);
    expect(a).toBeCloseTo(1, 12);
    expect(b).toBeCloseTo(5 / 3, 12);
    expect(c).toBeCloseTo(17 / 7, 12);
  });

  it('skips missing values without advancing the average, and is the identity at weight 0', () => {
    // After 1 the sum is ½; then 3: (¼ + 3/2) / (1 − ¼) = 7/3 = (½·1 + 1·3) / 1.5.
    const out = smoothSeries([1, undefined, 3, NaN], 0.5);
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeUndefined();
    expect(out[2]).toBeCloseTo(7 / 3, 12);
    expect(out[3]).toBeUndefined();
    expect(smoothSeries([4, 2], 0)).toEqual([4, 2]);
  });

  it('smooths every column of chart rows and leaves the stored rows untouched', () => {
    const rows = chartRows([result(1, [{ g: 0 }]), result(2, [{ g: 1 }]), result(3, [{ g: 1, k: 2 }])], ['g', 'k']);
    const before = JSON.stringify(rows);
    const smooth = smoothRows(rows, 0.9);
    expect(JSON.stringify(rows)).toBe(before);
    // w = 0.9: s2 = (0.9·0 + 0.1·1) / (1 − 0.81) = 0.1 / 0.19.
    expect(smooth[1]['g#0']).toBeCloseTo(0.1 / 0.19, 12);
    expect(smooth[0]).toEqual({ iteration: 1, 'g#0': 0 });
    // k's first value starts its own average: debiased, it is the value itself.
    expect(smooth[2]['k#0']).toBeCloseTo(2, 12);
    expect(smooth[1]['k#0']).toBeUndefined();
  });
});

describe('KL–reward helpers', () => {
  it('sqrtKl takes the root and treats a negative estimate as 0', () => {
    expect(sqrtKl(0.25)).toBe(0.5);
    expect(sqrtKl(-0.01)).toBe(0);
  });

  it('trajectoryRows keeps the iterations where both metrics are finite, per member', () => {
    const history = [
      result(1, [{ 'kl/exact': 0, 'reward/proxy_exact': 0.5 }, { 'kl/exact': 0, 'reward/proxy_exact': 0.4 }]),
      result(2, [{ 'kl/k3': 0.1 }, { 'kl/k3': 0.2 }]),
      result(3, [{ 'kl/exact': 0.3, 'reward/proxy_exact': 0.9 }, { 'kl/exact': NaN, 'reward/proxy_exact': 0.6 }]),
    ];
    expect(trajectoryRows(history, 0, 'kl/exact', 'reward/proxy_exact')).toEqual([
      { iteration: 1, kl: 0, reward: 0.5 },
      { iteration: 3, kl: 0.3, reward: 0.9 },
    ]);
    expect(trajectoryRows(history, 1, 'kl/exact', 'reward/proxy_exact')).toEqual([{ iteration: 1, kl: 0, reward: 0.4 }]);
    expect(klMetricOf(history)).toBe('kl/exact');
    expect(klMetricOf([history[1]])).toBe('kl/k3');
    expect(rewardMetricOf(history, 'reward/proxy')).toBe('reward/proxy_exact');
    expect(rewardMetricOf(history, 'reward/gold')).toBe('reward/gold');
  });
});
