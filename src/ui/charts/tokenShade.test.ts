import { describe, expect, it } from 'vitest';
import { luminance, tokenShade } from './tokenShade';

describe('tokenShade', () => {
  it('is white at 0, full Okabe–Ito blue at +2 nats and beyond, vermillion at −2', () => {
    expect(tokenShade(0)).toMatchObject({ background: 'rgb(255, 255, 255)', color: '#000000' });
    expect(tokenShade(2).background).toBe('rgb(0, 114, 178)');
    expect(tokenShade(9).background).toBe('rgb(0, 114, 178)');
    expect(tokenShade(-2).background).toBe('rgb(213, 94, 0)');
    // Half way: 255 + (0 − 255)·½ = 127.5 → 128 (red channel of blue).
    expect(tokenShade(1).background).toBe('rgb(128, 185, 217)');
    expect(tokenShade(NaN).background).toBe('rgb(255, 255, 255)');
  });

  it('keeps text contrast at WCAG AA (4.5:1) across the whole scale', () => {
    for (let d = -2.5; d <= 2.5; d += 0.05) expect(tokenShade(d).contrast).toBeGreaterThanOrEqual(4.5);
    // White on full blue: 1.05 / (L + 0.05) with L(0, 114, 178) ≈ 0.155 → ≈ 5.1.
    expect(luminance([0, 114, 178])).toBeCloseTo(0.155, 2);
    expect(tokenShade(2).color).toBe('#ffffff');
  });
});
