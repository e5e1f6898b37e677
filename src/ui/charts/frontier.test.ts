import { describe, expect, it } from 'vitest';
import type { FrontierSet } from '../../core/types';
import { frontierCurves, frontierNote, optimumOf, referencePoint } from './frontier';
import { pngFileName } from './exportPng';

const set: FrontierSet = {
  proxy: [
    { beta: 0.01, kl: 3, reward: 2, other: 0.1 },
    { beta: 1, kl: 0.02, reward: 0.6, other: 0.5 },
    { beta: 0.1, kl: 0.2, reward: 1.2, other: 0.7 },
  ],
  gold: [
    { beta: 1, kl: 0.01, reward: 0.55 },
    { beta: 0.1, kl: 0.3, reward: 0.9 },
  ],
};

describe('frontierCurves', () => {
  it('sorts by KL and clips at max(2·max run KL, 0.02), so a far tiny-β end does not squash the runs', () => {
    const [proxy] = frontierCurves(set, 'proxy', 0.15);
    // Limit 0.3: the β = 0.01 point at KL 3 is dropped.
    expect(proxy.points).toEqual([
      { kl: 0.02, reward: 0.6 },
      { kl: 0.2, reward: 1.2 },
    ]);
    expect(frontierCurves(set, 'proxy', 0)[0].points).toEqual([{ kl: 0.02, reward: 0.6 }]);
  });

  it('on the gold plane draws the gold frontier and, dashed, r_φ’s optimum scored by gold', () => {
    const [gold, proxyByGold] = frontierCurves(set, 'gold', 2);
    expect(gold.dashed).toBe(false);
    expect(gold.points.map((p) => p.reward)).toEqual([0.55, 0.9]);
    expect(proxyByGold.dashed).toBe(true);
    expect(proxyByGold.points.map((p) => p.reward)).toEqual([0.5, 0.7, 0.1]);
    expect(frontierCurves(null, 'gold', 1)).toEqual([]);
  });
});

describe('frontierNote', () => {
  it('says why there is no frontier on a task that is not enumerated', () => {
    expect(frontierNote(null, true, 'Sort five digits', 'proxy', 1)).toMatch(/^No exact frontier: Sort five digits has too many responses per prompt to enumerate/);
    expect(frontierNote(null, false, 'Sort five digits', 'proxy', 1)).toMatch(/once preparation has finished/);
    expect(frontierNote([set], true, 'Bandit', 'proxy', 3)).toMatch(/first run’s reward model/);
  });
});

describe('pngFileName', () => {
  it('slugs the chart title', () => {
    expect(pngFileName('KL–reward plane')).toBe('alignment-lab-kl-reward-plane.png');
    expect(pngFileName('Policy vs π_ref and π*')).toBe('alignment-lab-policy-vs-ref-and.png');
  });
});

describe('the plane’s markers', () => {
  const set = {
    proxy: [
      { beta: 0.01, kl: 2, reward: 0.9, other: 0.4 },
      { beta: 0.1, kl: 0.5, reward: 0.6, other: 0.5 },
      { beta: 1, kl: 0.05, reward: 0.35, other: 0.33 },
      { beta: 100, kl: 0, reward: 0.3, other: 0.3 },
    ],
    gold: [
      { beta: 0.01, kl: 2.1, reward: 0.95 },
      { beta: 100, kl: 0, reward: 0.31 },
    ],
  };

  it('puts each run’s π*_β at the frontier point of the nearest β (log scale)', () => {
    expect(optimumOf(set, 0.12, 'proxy')).toEqual({ kl: 0.5, reward: 0.6 });
    expect(optimumOf(set, 0.5, 'proxy')).toEqual({ kl: 0.05, reward: 0.35 });
    expect(optimumOf(set, 0.12, 'gold')).toEqual({ kl: 0.5, reward: 0.5 });
    expect(optimumOf(null, 0.1, 'proxy')).toBeNull();
  });

  it('puts π_ref at KL 0 with the reward the reference earns', () => {
    expect(referencePoint(set, 'proxy')).toEqual({ kl: 0, reward: 0.3 });
    expect(referencePoint(set, 'gold')).toEqual({ kl: 0, reward: 0.31 });
  });
});
