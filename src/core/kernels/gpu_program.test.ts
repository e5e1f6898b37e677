import { describe, expect, it } from 'vitest';
import { WORKGROUP, workgroupsFor } from './gpu_program';

describe('workgroupsFor', () => {
  it('covers every thread with the fewest workgroups of WORKGROUP threads, in x alone while x fits', () => {
    expect(workgroupsFor(0)).toEqual([1, 1]);
    expect(workgroupsFor(WORKGROUP)).toEqual([1, 1]);
    expect(workgroupsFor(WORKGROUP + 1)).toEqual([2, 1]);
    expect(workgroupsFor(65_535 * WORKGROUP)).toEqual([65_535, 1]);
  });

  it('spills into y past the per-dimension limit, x within it, still covering every thread', () => {
    for (const threads of [65_535 * WORKGROUP + 1, 10_000_000, 300_000_000]) {
      const [x, y] = workgroupsFor(threads);
      expect(x).toBeLessThanOrEqual(65_535);
      expect(y).toBeGreaterThan(1);
      expect(x * y * WORKGROUP).toBeGreaterThanOrEqual(threads);
      // No more than one row of workgroups to spare.
      expect((x * (y - 1)) * WORKGROUP).toBeLessThan(threads);
    }
    const [x, y] = workgroupsFor(1000 * WORKGROUP, 300);
    expect([x, y]).toEqual([250, 4]);
  });
});
