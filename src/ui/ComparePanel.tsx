/**
 * Saved runs side by side: the runs ticked "Compare" in the history panel, overlaid on four
 * small charts (gold reward, proxy reward, KL, win rate; and agreement with held-out rows when
 * a run on your own data is among them) with a legend whose checkboxes switch
 * each run's lines on and off. A run's colour comes from its id, so it never changes.
 */
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { defaultRunName, toggleVisible, useRuns, type SavedRun } from '../state';
import { compareCharts, compareRows, runColor, type CompareMetric } from './compareData';
import './history.css';

const DASHES = [undefined, '5 4', '1 3', '8 3 2 3'];

/** Short axis labels: KL can be 1e-4 while rewards are around 1, on the same panel. */
function tick(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) < 0.01) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}

function tooltipValue(value: unknown): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(4))) : String(value);
}

function CompareChart({ chart, runs, names }: { chart: CompareMetric; runs: SavedRun[]; names: Map<string, string> }) {
  const { rows, series } = compareRows(runs, chart);
  return (
    <figure className="compare-chart" data-testid={`compare-${chart.id}`} data-points={rows.length} data-lines={series.length}>
      <figcaption className="compare-chart-title">{chart.title}</figcaption>
      {series.length === 0 ? (
        <p className="compare-empty">No compared run measured this.</p>
      ) : (
        <ResponsiveContainer width="100%" height={130}>
          <LineChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#e3e6eb" strokeDasharray="3 3" />
            <XAxis dataKey="iteration" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis width={56} tickFormatter={tick} domain={['auto', 'auto']} tick={{ fontSize: 11 }} />
            <Tooltip formatter={tooltipValue} labelFormatter={(label) => `Iteration ${String(label)}`} isAnimationActive={false} />
            {series.map((s) => (
              <Line
                key={s.dataKey}
                dataKey={s.dataKey}
                name={`${names.get(s.runId) ?? ''}${s.member > 0 ? ` · member ${s.member}` : ''} (${s.metric})`}
                stroke={runColor(s.runId)}
                strokeWidth={2}
                strokeDasharray={DASHES[s.member % DASHES.length]}
                dot={rows.length <= 12 ? { r: 2, fill: runColor(s.runId), strokeWidth: 0 } : false}
                connectNulls
                isAnimationActive={false}
                type="linear"
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

/** The comparison panel; absent until a run is ticked "Compare". */
export function ComparePanel() {
  const runs = useRuns((s) => s.runs);
  const compared = useRuns((s) => s.compared);
  const hidden = useRuns((s) => s.hidden);
  const picked = compared.map((id) => runs.find((r) => r.id === id)).filter((r): r is SavedRun => r !== undefined);
  if (picked.length === 0) return null;
  const shown = picked.filter((r) => !hidden.includes(r.id));
  const names = new Map(picked.map((r) => [r.id, r.name]));
  return (
    <section className="panel compare" aria-labelledby="compare-title">
      <h2 id="compare-title" className="panel-title">
        Compare runs
      </h2>
      <fieldset className="compare-legend">
        <legend className="visually-hidden">Runs shown</legend>
        {picked.map((run) => (
          <label key={run.id} className="compare-legend-item" data-color={runColor(run.id)}>
            <input type="checkbox" checked={!hidden.includes(run.id)} onChange={() => toggleVisible(run.id)} aria-label={`Show ${run.name}`} />
            <span className="swatch" style={{ background: runColor(run.id) }} aria-hidden="true" />
            <span>
              {run.name}
              {run.name === defaultRunName(run.config) ? '' : ` (${defaultRunName(run.config)})`} · {run.iterations.length} it.
            </span>
          </label>
        ))}
      </fieldset>
      {picked.some((r) => r.iterations.some((i) => i.members.length > 1)) && (
        <p className="compare-note">Population members of a sweep share their run’s colour; member 1 onwards are dashed.</p>
      )}
      <div className="compare-grid">
        {compareCharts(picked).map((chart) => (
          <CompareChart key={chart.id} chart={chart} runs={shown} names={names} />
        ))}
      </div>
    </section>
  );
}
