/**
 * One titled line chart of metrics per iteration. The container carries `data-points`
 * (iterations plotted) so end-to-end tests can watch it grow without reading SVG.
 */
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartRow } from './chartData';

/** One line: a column of the rows, its legend name, colour and dash style. */
export interface Series {
  dataKey: string;
  name: string;
  color: string;
  dashed?: boolean;
  /** Finer than dashed: a third line style on one chart. */
  dotted?: boolean;
}

/** A legend entry: a member's colour, or (grey) a line style shared by all members. */
export interface LegendItem {
  label: string;
  color: string;
  dashed?: boolean;
}

export interface MetricChartProps {
  title: string;
  /** Test id suffix: the container is `chart-<id>`. */
  id: string;
  /** One sentence under the title: what the chart shows and what to look for. */
  caption: string;
  rows: ChartRow[];
  series: Series[];
  /**
   * One entry per member colour, then one per line style. Not one per series: a 16-member
   * sweep with two metrics would otherwise bury the plot under 32 legend entries.
   */
  legend: LegendItem[];
}

/** A short line sample in the series' colour and dash style. */
function LineSample({ color, dashed }: { color: string; dashed?: boolean }) {
  return (
    <svg width="18" height="8" aria-hidden="true" className="legend-line">
      <line x1="1" y1="4" x2="17" y2="4" stroke={color} strokeWidth="2.5" strokeDasharray={dashed ? '4 3' : undefined} />
    </svg>
  );
}

/** Compact tick labels: 0.000123 → "1.2e-4", 1234 → "1234", 0.5 → "0.5". */
function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}

function formatValue(value: unknown): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(4))) : String(value);
}

/** A recharts line chart with animations off, so each new iteration shows at once. */
export function MetricChart({ title, id, caption, rows, series, legend }: MetricChartProps) {
  const headingId = `chart-title-${id}`;
  return (
    <section className="chart" aria-labelledby={headingId} data-testid={`chart-${id}`} data-points={rows.length}>
      <h3 id={headingId} className="chart-title">
        {title}
      </h3>
      <p className="chart-caption">{caption}</p>
      <div className="chart-plot">
        {rows.length === 0 ? (
          <p className="chart-empty">No iterations yet: press Step or Play.</p>
        ) : (
          <ResponsiveContainer width="100%" height="100%" minHeight={120}>
            <LineChart data={rows} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="#e3e6eb" strokeDasharray="3 3" />
              <XAxis dataKey="iteration" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tick={{ fontSize: 11, fill: '#3d4451' }} stroke="#8a919e" />
              <YAxis width={52} tickFormatter={formatTick} tick={{ fontSize: 11, fill: '#3d4451' }} stroke="#8a919e" domain={['auto', 'auto']} />
              <Tooltip formatter={formatValue} labelFormatter={(label) => `Iteration ${String(label)}`} isAnimationActive={false} />
              {series.map((s) => (
                <Line
                  key={s.dataKey}
                  dataKey={s.dataKey}
                  name={s.name}
                  stroke={s.color}
                  strokeWidth={2}
                  strokeDasharray={s.dotted ? '1 3' : s.dashed ? '5 4' : undefined}
                  // A single iteration is a point, not a line: show dots until lines carry the picture.
                  dot={rows.length <= 12 ? { r: 2.5, fill: s.color, strokeWidth: 0 } : false}
                  connectNulls
                  isAnimationActive={false}
                  type="linear"
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
      <ul className="legend" aria-label={`${title}: legend`}>
        {legend.map((item) => (
          <li key={`${item.label}-${item.color}-${item.dashed ? 'd' : 's'}`}>
            <LineSample color={item.color} dashed={item.dashed} />
            {item.label}
          </li>
        ))}
      </ul>
    </section>
  );
}
