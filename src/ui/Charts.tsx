/**
 * The charts column: a smoothing slider for the per-iteration curves (proxy reward, gold
 * reward, KL, win rate, losses), the KL–reward plane, gold vs proxy against √KL, the policy
 * bars on one-step tasks, and the sample inspector. Smoothing changes what is drawn, never
 * the stored history.
 */
import { useMemo, useState } from 'react';
import { METHOD_INFO } from '../core/method_info';
import type { IterationResult, PolicyBars } from '../core/types';
import { useLab } from '../state';
import { smoothRows } from './chartData';
import { MetricChart } from './MetricChart';
import './charts/charts.css';
import { KlRewardChart } from './charts/KlRewardChart';
import { membersOf, metricCharts } from './charts/metricSpecs';
import { OveroptChart } from './charts/OveroptChart';
import { PairsTable } from './charts/PairsTable';
import { PolicyBarsChart } from './charts/PolicyBarsChart';
import { SampleInspector } from './charts/SampleInspector';
import { useStageView } from './useStageView';

/** TensorBoard's range: 0 (raw) to 0.99 (heavy). */
const MAX_SMOOTHING = 0.99;

/** The smoothing control: a slider with its value written beside it. */
function SmoothingSlider({ value, onChange }: { value: number; onChange: (v: number) => void }) {
  return (
    <div className="chart-toolbar">
      <label htmlFor="chart-smoothing">Smoothing</label>
      <input id="chart-smoothing" type="range" min={0} max={MAX_SMOOTHING} step={0.01} value={value} onChange={(e) => onChange(Number(e.target.value))} aria-describedby="chart-smoothing-hint" />
      <output htmlFor="chart-smoothing">{value.toFixed(2)}</output>
      <span id="chart-smoothing-hint" className="chart-toolbar-hint">
        Exponential moving average of the per-iteration curves (debiased, as in TensorBoard); the stored numbers stay raw.
      </span>
    </div>
  );
}


const FIRST_ROW: ReadonlySet<string> = new Set(['proxy-reward', 'kl']);

/** The policy before the latest iteration's update: the previous iteration's, or π_ref before the first. */
function barsBefore(history: readonly IterationResult[]): PolicyBars | null {
  const latest = history.at(-1)?.bars;
  if (!latest) return null;
  const previous = history.at(-2)?.bars;
  return previous ?? { ...latest, members: latest.members.map((m) => ({ ...m, policy: m.reference })) };
}

/** The chart grid; re-derives rows only when the history, the members or the smoothing change. */
export function Charts() {
  const fullHistory = useLab((s) => s.history);
  const info = useLab((s) => s.info);
  // During a stage walk the charts wait for the stage that changes the policy (stageView).
  const { view } = useStageView();
  const shownHistory = useMemo(() => (view.chartsIncludeLatest ? fullHistory : fullHistory.slice(0, -1)), [fullHistory, view.chartsIncludeLatest]);
  const history = shownHistory;
  const prepared = useLab((s) => s.prepared);
  const [smoothing, setSmoothing] = useState(0);
  const members = useMemo(() => membersOf(info?.members, history), [info, history]);
  const method = useLab((s) => s.config.method.id);
  // A task from your own data has no gold reward: its charts say what cannot be known.
  const gold = useLab((s) => s.config.task.id !== 'data');
  const raw = useMemo(() => metricCharts(history, members, method, gold), [history, members, method, gold]);
  const charts = useMemo(() => raw.map((c) => ({ ...c, rows: smoothRows(c.rows, smoothing) })), [raw, smoothing]);
  const first = charts.filter((c) => FIRST_ROW.has(c.id));
  const rest = charts.filter((c) => !FIRST_ROW.has(c.id));
  const latest = fullHistory.at(-1) ?? null;
  const tabular = info?.task.policy === 'tabular' || Boolean(latest?.bars);
  const before = view.compare || !view.after ? barsBefore(fullHistory) : null;

  return (
    <section className="charts" aria-labelledby="charts-title">
      <h2 id="charts-title" className="visually-hidden">
        Metrics
      </h2>
      <SmoothingSlider value={smoothing} onChange={setSmoothing} />
      {/* First row: the reward being optimised, the KL paid for it, and the two together on the plane — one screen at 1280×720. */}
      {first.map((chart) => (
        <MetricChart key={chart.id} {...chart} />
      ))}
      <KlRewardChart history={history} members={members} frontier={prepared?.frontier ?? null} taskTitle={info?.task.title ?? 'this task'} prepared={prepared !== null} betaOnFrontier={METHOD_INFO[method].onFrontier === true} gold={gold} />
      {rest.map((chart) => (
        <MetricChart key={chart.id} {...chart} />
      ))}
      <OveroptChart history={history} members={members} frontier={prepared?.frontier ?? null} gold={gold} />
      {tabular && <PolicyBarsChart bars={(view.after ? latest?.bars : before) ?? null} before={view.compare ? before : null} iteration={latest?.iteration ?? 0} afterUpdate={view.after} members={members} />}
      {view.pairs && latest?.pairs && <PairsTable pairs={latest.pairs} method={method} iteration={latest.iteration} compare={view.compare} />}
      <SampleInspector samples={latest?.samples} iteration={latest?.iteration ?? 0} runLabel={members[0]?.label ?? 'the first run'} view={view} method={info?.config.method.id ?? method} />
    </section>
  );
}
