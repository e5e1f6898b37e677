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

/** Tick font and axis colour (4.5:1 or better on white). */
export const AXIS_PROPS = { tick: { fontSize: 11, fill: '#3d4451' }, stroke: '#8a919e' } as const;

export const GRID_COLOR = '#e3e6eb';

/** Grey: line-style entries describe every member's lines, whatever their colour. */
export const STYLE_COLOR = '#4a5261';
