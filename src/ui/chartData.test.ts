import { describe, expect, it } from 'vitest';
import type { IterationResult } from '../core/types';
import { chartRows, hasMetric, memberColor, MEMBER_COLORS, seriesKey } from './chartData';

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
