/** Number formats and axis styling shared by the charts. */

/** Compact tick labels: 0.000123 → "1.2e-4", 1234 → "1234", 0.5 → "0.5". */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}

/** Tooltip values: four significant digits. */
export function formatValue(value: unknown): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(4))) : String(value);
}

/** Tick font and axis colour (4.5:1 or better on white); 12 px, readable on a projector. */
export const AXIS_PROPS = { tick: { fontSize: 12, fill: '#3d4451' }, stroke: '#8a919e' } as const;

/** An axis title as recharts draws it: x below the ticks, y turned along the axis. */
export function axisLabel(value: string, axis: 'x' | 'y') {
  return axis === 'x'
    ? { value, position: 'insideBottom' as const, offset: -4, fontSize: 12, fill: '#3d4451' }
    : { value, angle: -90, position: 'insideLeft' as const, offset: 0, fontSize: 12, fill: '#3d4451', style: { textAnchor: 'middle' as const } };
}

/**
 * About `count` ticks at round steps (1, 2, 2.5 or 5 × 10^k) covering [min, max]: 0, 15, 30, 45
 * rather than 1, 16, 31, 46. `integer` keeps steps ≥ 1 (iterations).
 */
export function niceTicks(min: number, max: number, count = 5, integer = false): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = integer ? 1 : Math.abs(min) * 0.1 || 1;
    [min, max] = [min - pad, max + pad];
  }
  const raw = (max - min) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let t = first; t < max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

export const GRID_COLOR = '#e3e6eb';

/** Grey: line-style entries describe every member's lines, whatever their colour. */
export const STYLE_COLOR = '#4a5261';
