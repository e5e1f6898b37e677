import { describe, expect, it } from 'vitest';
import { spread } from './EndLabels';

describe('end labels', () => {
  it('keeps labels where their lines end when they do not collide', () => {
    expect(spread([100, 10, 50], 14, 0, 200)).toEqual([100, 10, 50]);
  });

  it('spreads lines that end together, at least the gap apart, in their order, inside the plot', () => {
    const ys = spread([80, 80, 81, 200], 14, 0, 200);
    const sorted = [...ys].sort((a, b) => a - b);
    for (let k = 1; k < sorted.length; k++) expect(sorted[k] - sorted[k - 1]).toBeGreaterThanOrEqual(14);
    expect(ys[0]).toBeLessThan(ys[2]);
    expect(Math.max(...ys)).toBeLessThanOrEqual(200);
    // Pushed back up from the bottom edge.
    expect(spread([195, 198], 14, 0, 200)).toEqual([186, 200]);
  });
});
