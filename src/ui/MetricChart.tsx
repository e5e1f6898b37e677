/**
 * One titled line chart of metrics per iteration, in the shared chart frame (PNG export,
 * legend, `data-points` for tests). `data-first` lists the first series' drawn values so a
 * test can see smoothing change what is drawn.
 */
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartRow } from './chartData';
import { ChartFrame, type LegendItem } from './charts/ChartFrame';
import { EndLabels } from './charts/EndLabels';
import { dashOf } from './charts/ChartFrame';
import { AXIS_PROPS, axisLabel, formatTick, formatValue, GRID_COLOR, niceTicks } from './charts/format';

export type { LegendItem } from './charts/ChartFrame';

/** One line: a column of the rows, its legend name, colour and dash style. */
export interface Series {
  dataKey: string;
  name: string;
  color: string;
  dashed?: boolean;
  /** Finer than dashed: a third line style on one chart. */
  dotted?: boolean;
  /** Written at the line's end (a sweep's member names), so colour is not the only key. */
  endLabel?: string;
}

export interface MetricChartProps {
  title: string;
  /** Test id suffix: the container is `chart-<id>`. */
  id: string;
  /** One sentence under the title: what the chart shows and what to look for. */
  caption: string;
  /** The y axis's title, with its unit where it has one ("KL, nats"). */
  yLabel: string;
  rows: ChartRow[];
  series: Series[];
  /**
   * One entry per member colour, then one per line style. Not one per series: a 16-member
   * sweep with two metrics would otherwise bury the plot under 32 legend entries.
   */
  legend: LegendItem[];
  /** Why this chart's numbers cannot exist here (a task from your data has no gold reward); shown in place of the plot. */
  unknowable?: string;
}

/** A recharts line chart with animations off, so each new iteration shows at once. */
export function MetricChart({ title, id, caption, yLabel, rows, series, legend, unknowable }: MetricChartProps) {
  const first = series[0]?.dataKey;
  const values = rows.flatMap((r) => series.map((s) => r[s.dataKey]).filter((v): v is number => v !== undefined && Number.isFinite(v)));
  const iterations = rows.map((r) => r.iteration);
  // The axis spans the iterations run so far; round ticks inside it (1–12: 5, 10; 1–3: 1, 2, 3).
  const [from, to] = [Math.min(...iterations), Math.max(...iterations)];
  const xTicks = niceTicks(from, to, 5, true).filter((t) => t >= from && t <= to);
  const yTicks = niceTicks(Math.min(...values), Math.max(...values));
  const endLabels = series.flatMap((s) => {
    const last = [...rows].reverse().find((r) => Number.isFinite(r[s.dataKey]))?.[s.dataKey];
    return s.endLabel && last !== undefined ? [{ value: last, text: s.endLabel, color: s.color }] : [];
  });
  const drawn = first ? rows.map((r) => (r[first] === undefined ? '' : String(Number(r[first].toPrecision(6))))).join(',') : '';
  return (
    <ChartFrame id={id} title={title} caption={caption} points={rows.length} legend={legend} data={{ first: drawn }} {...(unknowable ? { empty: unknowable } : {})}>
      {rows.length === 0 || unknowable ? null : (
        <ResponsiveContainer width="100%" height="100%" minHeight={120}>
          <LineChart data={rows} margin={{ top: 4, right: endLabels.length ? Math.ceil(20 + 7.5 * Math.max(...endLabels.map((l) => l.text.length + 2))) : 12, bottom: 12, left: 8 }}>
            <CartesianGrid stroke={GRID_COLOR} strokeDasharray="3 3" />
            <XAxis dataKey="iteration" type="number" ticks={xTicks} domain={[from, to]} allowDecimals={false} label={axisLabel('iteration', 'x')} {...AXIS_PROPS} />
            <YAxis width={66} tickFormatter={formatTick} ticks={yTicks.length ? yTicks : undefined} domain={yTicks.length ? [yTicks[0], yTicks[yTicks.length - 1]] : ['auto', 'auto']} label={axisLabel(yLabel, 'y')} {...AXIS_PROPS} />
            <Tooltip formatter={formatValue} labelFormatter={(label) => `Iteration ${String(label)}`} isAnimationActive={false} />
            {series.map((s) => (
              <Line
                key={s.dataKey}
                dataKey={s.dataKey}
                name={s.name}
                stroke={s.color}
                strokeWidth={2}
                strokeDasharray={dashOf(s)}
                // A single iteration is a point, not a line: show dots until lines carry the picture.
                dot={rows.length <= 12 ? { r: 2.5, fill: s.color, strokeWidth: 0 } : false}
                connectNulls
                isAnimationActive={false}
                type="linear"
              />
            ))}
            <EndLabels labels={endLabels} />
          </LineChart>
        </ResponsiveContainer>
      )}
    </ChartFrame>
  );
}
