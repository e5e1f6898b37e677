/**
 * The KL–reward plane: each member's trajectory, iteration by iteration, and for enumerable
 * tasks the exact frontier π*_β ∝ π_ref·exp(r/β) swept over β, the best reward any policy can
 * reach at each KL. A β sweep shows one trajectory per β heading for its own point on it.
 */
import { useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceDot, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Member } from '../../core/config';
import type { FrontierSet, IterationResult } from '../../core/types';
import { klMetricOf, memberColor, rewardMetricOf, trajectoryRows } from '../chartData';
import { ChartFrame } from './ChartFrame';
import { AXIS_PROPS, axisLabel, formatTick, formatValue, GRID_COLOR, niceTicks, STYLE_COLOR } from './format';
import { frontierCurves, frontierNote, FRONTIER_COLOR, optimumOf, referencePoint } from './frontier';
import { BON_BOUND } from './metricSpecs';

export interface KlRewardChartProps {
  history: readonly IterationResult[];
  members: readonly Member[];
  /** Per member; null when the task is not enumerated (or before preparation). */
  frontier: FrontierSet[] | null;
  taskTitle: string;
  /** Whether preparation has finished (until then no frontier is known either way). */
  prepared: boolean;
  /** Whether the members' β is the KL coefficient of the frontier's π*_β (PPO and the DPO family), so each run's own optimum can be marked. */
  betaOnFrontier: boolean;
  /** Whether the task has a gold reward to plot instead of the proxy (not a task from your data). */
  gold?: boolean;
}

/** The plane, with a choice of reward: the proxy the method optimises or the hidden gold. */
export function KlRewardChart({ history, members, frontier, taskTitle, prepared, betaOnFrontier, gold = true }: KlRewardChartProps) {
  const [picked, setWhich] = useState<'proxy' | 'gold'>('proxy');
  const which = gold ? picked : 'proxy';
  const klMetric = klMetricOf(history);
  const rewardMetric = rewardMetricOf(history, `reward/${which}`);
  const trajectories = useMemo(() => members.map((m) => trajectoryRows(history, m.index, klMetric, rewardMetric)), [history, members, klMetric, rewardMetric]);
  const maxKl = Math.max(0, ...trajectories.flat().map((p) => p.kl));
  const curves = useMemo(() => frontierCurves(frontier?.[0] ?? null, which, maxKl), [frontier, which, maxKl]);
  const drawn = trajectories.filter((t) => t.length > 0).length;
  const bonBound = history.at(-1)?.members[0]?.[BON_BOUND];
  const targets = betaOnFrontier ? members.map((m) => optimumOf(frontier?.[m.index] ?? null, m.beta, which)) : [];
  const marked = targets.filter((t) => t && t.kl <= Math.max(2 * maxKl, 0.02));
  const origin = referencePoint(frontier?.[0] ?? null, which);
  // Round ticks over everything drawn: trajectories, frontier, markers (and best-of-n's KL).
  const drawnPoints = [...trajectories.flat(), ...curves.flatMap((c) => c.points), ...marked.flatMap((t) => (t ? [t] : [])), ...(origin ? [origin] : [])];
  const xTicks = niceTicks(0, Math.max(...drawnPoints.map((p) => p.kl), bonBound ?? 0));
  const yTicks = niceTicks(Math.min(...drawnPoints.map((p) => p.reward)), Math.max(...drawnPoints.map((p) => p.reward)));
  const exact = klMetric === 'kl/exact';

  const markers = [
    drawn ? '● latest point' : '',
    marked.length ? '○ the run’s own π*_β' : '',
    origin ? '■ π_ref' : '',
  ].filter(Boolean);
  const markerNote = markers.length ? ` ${markers.join(', ')}.` : '';
  const caption = [
    `Each run’s path, one point per evaluated iteration: ${exact ? 'exact' : 'sampled k3'} KL(π‖π_ref) across, ${rewardMetric.endsWith('_exact') ? 'exact expected' : 'mean sampled'} ${which} reward up.`,
    frontierNote(frontier, prepared, taskTitle, which, members.length),
    bonBound === undefined ? '' : `Dotted vertical: best-of-n’s KL, log n − (n−1)/n = ${formatTick(bonBound)}.`,
    markerNote.trim(),
  ]
    .filter(Boolean)
    .join(' ');
  const legend = [
    ...members.map((m) => ({ label: m.label, color: memberColor(m.index) })),
    ...curves.map((c) => ({ label: c.label, color: FRONTIER_COLOR, dashed: c.dashed })),
    ...(bonBound === undefined ? [] : [{ label: 'log n − (n−1)/n', color: STYLE_COLOR, dotted: true }]),
  ];
  const select = !gold ? undefined : (
    <label className="chart-control">
      Reward
      <select value={which} onChange={(e) => setWhich(e.target.value === 'gold' ? 'gold' : 'proxy')}>
        <option value="proxy">proxy (r_φ)</option>
        <option value="gold">gold</option>
      </select>
    </label>
  );

  return (
    <ChartFrame
      id="kl-reward"
      title="KL–reward plane"
      caption={caption}
      points={history.length}
      legend={legend}
      controls={select}
      data={{ trajectories: drawn, frontier: curves[0]?.points.length ?? 0, optima: marked.length }}
    >
      {drawn === 0 ? null : (
        <ResponsiveContainer width="100%" height="100%" minHeight={120}>
          <LineChart margin={{ top: 4, right: 12, bottom: 12, left: 8 }}>
            <CartesianGrid stroke={GRID_COLOR} strokeDasharray="3 3" />
            <XAxis dataKey="kl" type="number" ticks={xTicks} domain={[0, xTicks[xTicks.length - 1]]} tickFormatter={formatTick} label={axisLabel('KL(π‖π_ref), nats', 'x')} {...AXIS_PROPS} />
            <YAxis dataKey="reward" type="number" width={66} tickFormatter={formatTick} ticks={yTicks} domain={[yTicks[0], yTicks[yTicks.length - 1]]} label={axisLabel(which === 'gold' ? 'gold reward' : 'reward r_φ', 'y')} {...AXIS_PROPS} />
            <Tooltip formatter={formatValue} labelFormatter={(kl) => `KL ${formatValue(kl)} nats`} isAnimationActive={false} />
            {bonBound === undefined ? null : <ReferenceLine x={bonBound} stroke={STYLE_COLOR} strokeDasharray="1 3" strokeWidth={1.5} ifOverflow="extendDomain" />}
            {curves.map((c) => (
              <Line key={c.label} data={c.points} dataKey="reward" name={c.label} stroke={FRONTIER_COLOR} strokeWidth={1.5} strokeDasharray={c.dashed ? '5 4' : undefined} dot={false} isAnimationActive={false} type="monotone" />
            ))}
            {origin && <ReferenceDot x={origin.kl} y={origin.reward} r={5} shape={(props: { cx?: number; cy?: number }) => <rect x={(props.cx ?? 0) - 5} y={(props.cy ?? 0) - 5} width={10} height={10} fill={FRONTIER_COLOR} className="marker-reference" />} ifOverflow="extendDomain" />}
            {members.map((m, i) => {
              const target = targets[i];
              return target && target.kl <= Math.max(2 * maxKl, 0.02) ? <ReferenceDot key={`t${m.index}`} x={target.kl} y={target.reward} r={7} fill="none" stroke={memberColor(m.index)} strokeWidth={2.5} className="marker-optimum" ifOverflow="extendDomain" /> : null;
            })}
            {members.map((m, i) => {
              const last = trajectories[i].at(-1);
              return last ? <ReferenceDot key={`c${m.index}`} x={last.kl} y={last.reward} r={6} fill={memberColor(m.index)} stroke="#fff" strokeWidth={2} className="marker-current" /> : null;
            })}
            {members.map((m, i) => (
              <Line
                key={m.index}
                data={trajectories[i]}
                dataKey="reward"
                name={m.label}
                stroke={memberColor(m.index)}
                strokeWidth={2}
                dot={{ r: 2.5, fill: memberColor(m.index), strokeWidth: 0 }}
                className="trajectory"
                isAnimationActive={false}
                type="linear"
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </ChartFrame>
  );
}
