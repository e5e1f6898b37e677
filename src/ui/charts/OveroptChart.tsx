/**
 * Reward over-optimization (Gao et al. 2022): gold and proxy reward against √KL. The proxy
 * keeps climbing as the policy moves away from π_ref while gold rises, then falls; on an
 * enumerable task the exact π*_β of r_φ, scored by gold, shows where the peak would be.
 */
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Member } from '../../core/config';
import type { FrontierSet, IterationResult } from '../../core/types';
import { klMetricOf, memberColor, rewardMetricOf, sqrtKl } from '../chartData';
import { ChartFrame } from './ChartFrame';
import { AXIS_PROPS, axisLabel, formatTick, formatValue, GRID_COLOR, STYLE_COLOR } from './format';
import { FRONTIER_COLOR } from './frontier';
import { NO_GOLD } from './metricSpecs';

export interface OveroptChartProps {
  history: readonly IterationResult[];
  members: readonly Member[];
  frontier: FrontierSet[] | null;
  /** False for a task from your data: there is no gold reward, and the chart says so. */
  gold?: boolean;
}

/** A member's points (√KL, gold, proxy) in iteration order, where KL and both rewards were measured. */
export function overoptRows(history: readonly IterationResult[], member: number, klMetric: string, goldMetric: string, proxyMetric: string) {
  const out: { iteration: number; x: number; gold: number; proxy: number }[] = [];
  for (const result of history) {
    const v = result.members[member];
    const [kl, gold, proxy] = [v?.[klMetric], v?.[goldMetric], v?.[proxyMetric]];
    if ([kl, gold, proxy].every((n) => n !== undefined && Number.isFinite(n))) out.push({ iteration: result.iteration, x: sqrtKl(kl), gold, proxy });
  }
  return out;
}

/** Gold (solid) and proxy (dashed) reward per member against √KL. */
export function OveroptChart({ history, members, frontier, gold: hasGold = true }: OveroptChartProps) {
  const klMetric = klMetricOf(history);
  const gold = rewardMetricOf(history, 'reward/gold');
  const proxy = rewardMetricOf(history, 'reward/proxy');
  const rows = useMemo(() => members.map((m) => overoptRows(history, m.index, klMetric, gold, proxy)), [history, members, klMetric, gold, proxy]);
  const maxX = Math.max(0, ...rows.flat().map((r) => r.x));
  const exactGold = useMemo(() => {
    const limit = Math.max(1.5 * maxX, 0.15);
    return (frontier?.[0]?.proxy ?? [])
      .filter((p) => p.other !== undefined && Number.isFinite(p.kl) && sqrtKl(p.kl) <= limit)
      .map((p) => ({ x: sqrtKl(p.kl), gold: p.other! }))
      .sort((a, b) => a.x - b.x);
  }, [frontier, maxX]);
  const drawn = rows.filter((r) => r.length > 0).length;
  const exact = klMetric === 'kl/exact';
  const caption =
    `Gold (solid) and proxy (dashed) reward against √KL(π‖π_ref) (${exact ? 'exact' : 'sampled k3'}): when the proxy climbs while gold falls, the policy is exploiting the reward model.` +
    (exactGold.length ? ' Dotted: the gold reward of the exact optimum of r_φ at each KL.' : '');
  const legend = [
    ...members.map((m) => ({ label: m.label, color: memberColor(m.index) })),
    { label: 'gold', color: STYLE_COLOR },
    { label: 'proxy', color: STYLE_COLOR, dashed: true },
    ...(exactGold.length ? [{ label: 'π*_β of r_φ, gold', color: FRONTIER_COLOR, dotted: true }] : []),
  ];

  return (
    <ChartFrame id="overoptimization" title="Gold vs proxy against √KL" caption={caption} points={history.length} legend={hasGold ? legend : []} data={{ trajectories: drawn }} {...(hasGold ? {} : { empty: NO_GOLD.overoptimization })}>
      {drawn === 0 || !hasGold ? null : (
        <ResponsiveContainer width="100%" height="100%" minHeight={120}>
          <LineChart margin={{ top: 4, right: 12, bottom: 12, left: 8 }}>
            <CartesianGrid stroke={GRID_COLOR} strokeDasharray="3 3" />
            <XAxis dataKey="x" type="number" domain={[0, 'auto']} tickFormatter={formatTick} label={axisLabel('√KL(π‖π_ref), √nats', 'x')} {...AXIS_PROPS} />
            <YAxis type="number" width={66} tickFormatter={formatTick} domain={['auto', 'auto']} label={axisLabel('reward', 'y')} {...AXIS_PROPS} />
            <Tooltip formatter={formatValue} labelFormatter={(x) => `√KL ${formatValue(x)}`} isAnimationActive={false} />
            {exactGold.length > 0 && (
              <Line data={exactGold} dataKey="gold" name="π*_β of r_φ, gold" stroke={FRONTIER_COLOR} strokeWidth={1.5} strokeDasharray="1 3" dot={false} isAnimationActive={false} type="monotone" />
            )}
            {members.flatMap((m, i) => [
              <Line key={`g${m.index}`} data={rows[i]} dataKey="gold" name={`${m.label} · gold`} stroke={memberColor(m.index)} strokeWidth={2} dot={{ r: 2, fill: memberColor(m.index), strokeWidth: 0 }} isAnimationActive={false} type="linear" />,
              <Line key={`p${m.index}`} data={rows[i]} dataKey="proxy" name={`${m.label} · proxy`} stroke={memberColor(m.index)} strokeWidth={2} strokeDasharray="5 4" dot={false} isAnimationActive={false} type="linear" />,
            ])}
          </LineChart>
        </ResponsiveContainer>
      )}
    </ChartFrame>
  );
}
