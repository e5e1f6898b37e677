/**
 * Names written at the right end of a chart's lines (a sweep's members), so colour is not the
 * only key. Rendered inside a recharts chart: it reads the y scale and the plot area, and
 * spreads labels whose lines end close together so no two overlap.
 */
import { usePlotArea, useYAxisScale } from 'recharts';

export interface EndLabel {
  /** The line's last value (data units). */
  value: number;
  text: string;
  color: string;
}

/** Smallest distance between two labels' baselines, px. */
const GAP = 14;

/**
 * Label positions near `ys` (px, any order), at least `gap` apart and inside [top, bottom]:
 * sorted, pushed down past each neighbour, then pulled back up from the bottom edge.
 */
export function spread(ys: readonly number[], gap: number, top: number, bottom: number): number[] {
  const order = ys.map((y, i) => [y, i] as const).sort((a, b) => a[0] - b[0]);
  const placed = order.map(([y]) => y);
  for (let k = 0; k < placed.length; k++) placed[k] = Math.max(placed[k], k === 0 ? top : placed[k - 1] + gap);
  for (let k = placed.length - 1; k >= 0; k--) placed[k] = Math.min(placed[k], k === placed.length - 1 ? bottom : placed[k + 1] - gap);
  const out = new Array<number>(ys.length);
  order.forEach(([, i], k) => (out[i] = placed[k]));
  return out;
}

export function EndLabels({ labels }: { labels: readonly EndLabel[] }) {
  const scale = useYAxisScale();
  const plot = usePlotArea();
  if (!scale || !plot || labels.length === 0) return null;
  const ys = spread(
    labels.map((l) => Number(scale(l.value))),
    GAP,
    plot.y + 4,
    plot.y + plot.height,
  );
  return (
    <g className="end-labels">
      {labels.map((l, i) => (
        // A dot in the line's colour, then the name in the text colour (some run colours are too light for text).
        <text key={l.text} x={plot.x + plot.width + 6} y={ys[i]} dy={4} fontSize={12} fontWeight={600} fill="#1c2330" className="end-label">
          <tspan fill={l.color}>● </tspan>
          {l.text}
        </text>
      ))}
    </g>
  );
}
