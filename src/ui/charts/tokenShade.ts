/**
 * Token colours for the sample inspector: a diverging scale on d = log π − log π_ref, blue
 * where the policy has made the token more likely than π_ref, orange where less, white at 0,
 * saturating at ±2 nats. The text is black or white, whichever contrasts more: with pure
 * black and white, every background keeps at least 4.5:1.
 */

const BLUE = [0, 114, 178] as const; // Okabe–Ito blue
const ORANGE = [213, 94, 0] as const; // Okabe–Ito vermillion

/** WCAG relative luminance of an sRGB colour (0–255 channels). */
export function luminance(rgb: readonly number[]): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Background, text colour and the contrast between them for a token with log-ratio `d` (nats). */
export function tokenShade(d: number): { background: string; color: string; contrast: number } {
  const t = Number.isFinite(d) ? Math.max(-1, Math.min(1, d / 2)) : 0;
  const base = t >= 0 ? BLUE : ORANGE;
  const a = Math.abs(t);
  const mix = base.map((c) => Math.round(255 + (c - 255) * a));
  const L = luminance(mix);
  const onWhite = 1.05 / (L + 0.05);
  const onBlack = (L + 0.05) / 0.05;
  return { background: `rgb(${mix.join(', ')})`, color: onWhite > onBlack ? '#ffffff' : '#000000', contrast: Math.max(onWhite, onBlack) };
}
