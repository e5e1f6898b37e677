import { describe, expect, it } from 'vitest';
import { niceTicks } from './format';

describe('niceTicks', () => {
  it.each<[number, number, boolean, number[]]>([
    [1, 46, true, [0, 20, 40, 60]],
    [1, 60, true, [0, 20, 40, 60]],
    [1, 3, true, [1, 2, 3]],
    [0, 1.35, false, [0, 0.5, 1, 1.5]],
    [0.21, 0.48, false, [0.2, 0.3, 0.4, 0.5]],
    [-0.012, 0.03, false, [-0.02, 0, 0.02, 0.04]],
    [5, 5, true, [4, 5, 6]],
  ])('covers [%s, %s] at round steps', (min, max, integer, ticks) => {
    expect(niceTicks(min, max, 5, integer)).toEqual(ticks);
  });

  it('always covers the data', () => {
    for (const [min, max] of [[0.001, 0.0031], [12, 987], [-3.3, 7.1]]) {
      const t = niceTicks(min, max);
      expect(t[0]).toBeLessThanOrEqual(min);
      expect(t[t.length - 1]).toBeGreaterThanOrEqual(max);
      expect(t.length).toBeLessThanOrEqual(8);
    }
  });
});
