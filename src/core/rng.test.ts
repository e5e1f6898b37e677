import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

describe('Rng', () => {
  it('is reproducible from its seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(new Rng(43).nextUint32()).not.toBe(xs[0]);
  });

  it('derives child streams from the seed, not from how far the parent has run', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    for (let i = 0; i < 100; i++) b.uniform();
    expect(a.split('sft').uniform()).toBe(b.split('sft').uniform());
    expect(a.split('sft').uniform()).not.toBe(a.split('rm').uniform());
  });

  it('has the moments of its distributions', () => {
    const rng = new Rng(1);
    const n = 20000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    let sg = 0;
    for (let i = 0; i < n; i++) {
      su += rng.uniform();
      const z = rng.normal();
      sn += z;
      sn2 += z * z;
      sg += rng.gumbel();
    }
    // Standard errors: uniform 0.29/√n ≈ 0.002, normal 1/√n ≈ 0.007, Gumbel 1.28/√n ≈ 0.009;
    // bounds sit at about 4–5 standard errors.
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(sn / n)).toBeLessThan(0.03);
    expect(sn2 / n).toBeGreaterThan(0.96);
    expect(sn2 / n).toBeLessThan(1.04);
    expect(Math.abs(sg / n - 0.5772)).toBeLessThan(0.04); // Euler–Mascheroni constant
  });

  it('draws categories in proportion to their weights', () => {
    const rng = new Rng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[rng.categorical([1, 2, 7])]++;
    expect(counts[0] / 30000).toBeCloseTo(0.1, 1);
    expect(counts[2] / 30000).toBeCloseTo(0.7, 1);
  });

  it('permutes without losing elements', () => {
    const p = Array.from(new Rng(5).permutation(50)).sort((a, b) => a - b);
    expect(p).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
