/**
 * The per-iteration charts of a run: proxy reward, gold reward, KL, win rate and losses, one
 * line per population member in a colour stable per member index. Pure: history in, chart
 * specs out.
 */
import type { Member, MethodId } from '../../core/config';
import type { IterationResult } from '../../core/types';
import { chartRows, hasMetric, memberColor, seriesKey } from '../chartData';
import type { MetricChartProps, Series } from '../MetricChart';
import type { LegendItem } from './ChartFrame';
import { STYLE_COLOR } from './format';

/** Best-of-n's KL = log n − (n−1)/n, reported by the method every iteration. */
export const BON_BOUND = 'bon/kl_bound';

/** Most runs whose lines get their name written at their end (more would write over each other). */
export const MAX_END_LABELS = 6;

/**
 * One line per member for one metric; `suffix` tells metrics apart when a chart has several.
 * In a sweep, each member's solid line carries its name at its end, so colour is not the only key.
 */
function memberSeries(members: readonly Member[], metric: string, suffix = '', dashed = false, dotted = false): Series[] {
  const labelled = !dashed && !dotted && members.length > 1 && members.length <= MAX_END_LABELS;
  return members.map((m) => ({
    dataKey: seriesKey(metric, m.index),
    name: suffix ? `${m.label} · ${suffix}` : m.label,
    color: memberColor(m.index),
    dashed,
    dotted,
    ...(labelled ? { endLabel: m.label } : {}),
  }));
}

/** The legend: each member's colour, then the line styles when a chart has two metrics. */
function legendOf(members: readonly Member[], styles: { label: string; dashed: boolean; dotted?: boolean }[] = []): LegendItem[] {
  return [
    ...members.map((m) => ({ label: m.label, color: memberColor(m.index) })),
    ...styles.map((s) => ({ label: s.label, color: STYLE_COLOR, dashed: s.dashed, dotted: s.dotted })),
  ];
}

/**
 * What the proxy-reward chart means for each method: what it maximises, or why it does not
 * look at the reward model's score at all.
 */
const PROXY_CAPTION: Record<MethodId, string> = {
  ppo: 'Mean reward-model score r_φ: what PPO maximises, minus β·KL to the reference.',
  dpo: 'Mean reward-model score r_φ of the policy’s samples. DPO never queries r_φ: it fits the labelled pairs directly, so this is the reward model’s opinion of the result.',
  online_dpo: 'Mean reward-model score r_φ of the policy’s samples; online DPO labels fresh pairs of its own samples (by r_φ or the annotator pool) and fits them.',
  xpo: 'Mean reward-model score r_φ of the policy’s samples; XPO labels fresh pairs like online DPO and adds an exploration bonus.',
  simpo: 'Mean reward-model score r_φ of the policy’s samples. SimPO never sees r_φ: it raises the policy’s own length-normalised log-likelihood of the farm’s winners.',
  kto: 'Mean reward-model score r_φ of the policy’s samples. KTO never sees r_φ: it learns from the farm’s winners and losers as unpaired desirable and undesirable replies.',
  coh: 'Mean reward-model score r_φ of the policy’s samples. Chain of Hindsight never maximises r_φ: it learns from pairs written out with “good”/“bad” feedback.',
  nash_md: 'Mean reward-model score r_φ of the policy’s samples. Nash-MD plays against a preference model, not a reward: this is only the reward model’s view of its policy.',
  rloo: 'Mean reward-model score r_φ of the sampled responses: what RLOO maximises, minus β·KL folded into each reward.',
  grpo: 'Mean reward-model score r_φ of the sampled groups: what GRPO maximises (minus β·k3 KL in its loss when β > 0).',
  p3o: 'Mean reward-model score r_φ of the sampled pairs: what P3O maximises, minus β·KL in each reward, though it only ever uses the difference within a pair.',
  best_of_n: 'Mean reward-model score r_φ of the kept response: best-of-n samples n from π_ref and keeps r_φ’s favourite.',
  expert_iteration: 'Mean reward-model score r_φ of the policy’s samples: expert iteration fine-tunes on r_φ’s best of n, round after round.',
  sft: 'Mean reward-model score r_φ of the SFT policy, which is not trained further: the baseline every method is compared with.',
};

/** Line styles of a chart with an exact curve (solid) and an estimate of it (dashed). */
function exactAnd(estimate: string): { label: string; dashed: boolean }[] {
  return [
    { label: 'exact', dashed: false },
    { label: estimate, dashed: true },
  ];
}

/** Members from the loaded experiment, or placeholders from the results before it is known. */
export function membersOf(info: Member[] | undefined, history: readonly IterationResult[]): Member[] {
  if (info) return info;
  const count = history[0]?.members.length ?? 0;
  return Array.from({ length: count }, (_, index) => ({ index, seed: 0, beta: 0, label: `member ${index + 1}` }));
}

/** What a task without gold (your own data) cannot show, said where the chart would be. */
export const NO_GOLD = {
  reward: 'Cannot be known: your data has no hidden gold reward, only its labels. The proxy reward is the reward model’s opinion, fitted to them; the agreement chart measures the policy against rows it never trained on.',
  overoptimization: 'Cannot be known: over-optimisation is gold falling while the proxy climbs, and your data has no gold reward to watch fall. The agreement with held-out rows is the nearest measure it has.',
} as const;

/**
 * The per-iteration charts for a history, in page order. Without gold (a task from your data),
 * the gold chart says so and the win-rate chart becomes agreement with the file's held-out rows.
 */
export function metricCharts(history: readonly IterationResult[], members: readonly Member[], method: MethodId = 'ppo', gold = true): MetricChartProps[] {
  const hasExact = hasMetric(history, 'kl/exact');
  /** Exact expectation under π where the task is enumerable (solid), the batch's sample mean (dashed). */
  const rewardChart = (id: string, title: string, metric: string, what: string, yLabel: string) => {
    const exact = hasMetric(history, `${metric}_exact`);
    return {
      id,
      title,
      yLabel,
      caption: exact ? `${what} Solid: exact expectation under the policy; dashed: this iteration’s samples.` : `${what} Mean over this iteration’s samples.`,
      rows: chartRows(history, exact ? [metric, `${metric}_exact`] : [metric]),
      series: exact ? [...memberSeries(members, `${metric}_exact`, 'exact'), ...memberSeries(members, metric, 'sampled', true)] : memberSeries(members, metric),
      legend: legendOf(members, exact ? exactAnd('sampled') : []),
    };
  };
  /** Every `loss/*` the method reports (PPO: policy and value; DPO: its loss; …), solid then dashed. */
  const lossChart = () => {
    const keys = [...new Set(history.flatMap((r) => Object.keys(r.members[0] ?? {}).filter((k) => k.startsWith('loss/'))))].sort();
    const styles = keys.map((k, i) => ({ label: k.slice('loss/'.length), dashed: i > 0 }));
    return {
      id: 'loss',
      title: 'Loss',
      yLabel: 'loss',
      caption: keys.length || !history.length ? 'The method’s training losses, averaged over the updates of the iteration.' : 'This method reports no training loss (it does not train, or trains in closed form).',
      rows: chartRows(history, keys),
      series: keys.flatMap((k, i) => memberSeries(members, k, styles[i].label, i > 0, i > 1)),
      legend: legendOf(members, keys.length > 1 ? styles : []),
    };
  };
  // Best-of-n's KL is pinned by n: log n − (n−1)/n (ALGORITHMS.md §0), one dotted line for all members.
  const bonBound = hasMetric(history, BON_BOUND);
  const klSeries = [
    ...(hasExact ? memberSeries(members, 'kl/exact', 'exact') : []),
    ...memberSeries(members, 'kl/k3', 'k3', hasExact),
    ...(bonBound ? [{ dataKey: seriesKey(BON_BOUND, 0), name: 'log n − (n−1)/n', color: STYLE_COLOR, dotted: true }] : []),
  ];
  const klCaption = hasExact
    ? 'KL(π‖π_ref), how far the policy moved from the SFT reference: exact, and the sampled k3 estimate.'
    : 'KL(π‖π_ref), how far the policy moved from the SFT reference (sampled k3 estimate).';
  return [
    rewardChart('proxy-reward', 'Proxy reward', 'reward/proxy', PROXY_CAPTION[method], 'reward r_φ'),
    gold
      ? rewardChart('gold-reward', 'Gold reward', 'reward/gold', 'The hidden true reward; a gap to the proxy means over-optimization.', 'gold reward')
      : { id: 'gold-reward', title: 'Gold reward', yLabel: 'gold reward', caption: 'The hidden true reward, which the built-in tasks have and a task from your data does not.', rows: [], series: [], legend: [], unknowable: NO_GOLD.reward },
    {
      id: 'kl',
      title: 'KL',
      yLabel: 'KL, nats',
      caption: bonBound ? `${klCaption} Dotted: best-of-n’s KL, log n − (n−1)/n, reached when no two candidates tie.` : klCaption,
      rows: chartRows(history, ['kl/exact', 'kl/k3', ...(bonBound ? [BON_BOUND] : [])]),
      series: klSeries,
      legend: legendOf(members, [...(hasExact ? exactAnd('k3 estimate') : []), ...(bonBound ? [{ label: 'log n − (n−1)/n', dashed: false, dotted: true }] : [])]),
    },
    gold ? winRateChart() : agreementChart(),
    lossChart(),
  ];

  function agreementChart(): MetricChartProps {
    return {
      id: 'agreement',
      title: 'Agreement with held-out rows',
      yLabel: 'agreement',
      caption:
        'How often the policy’s own implicit reward, log π/π_ref, ranks the chosen reply of a held-out row of your file above the rejected one (ties count half, so π_ref scores ½). A win rate against π_ref needs a gold preference or annotators, which your data does not have.',
      rows: chartRows(history, ['agreement/held_out']),
      series: memberSeries(members, 'agreement/held_out'),
      legend: legendOf(members),
    };
  }

  function winRateChart(): MetricChartProps {
    return {
      id: 'win-rate',
      title: 'Win rate vs π_ref',
      yLabel: 'win rate',
      caption: hasMetric(history, 'winrate/worst_case')
        ? 'How often a response of the policy beats one of the SFT reference, judged by the gold preference and by the noise-free annotator pool; dotted: the worst case against any single response.'
        : 'How often a response of the policy beats one of the SFT reference, judged by the gold preference and by the noise-free annotator pool (AlpacaFarm’s measure).',
      rows: chartRows(history, ['winrate/vs_ref_gold', 'winrate/vs_ref_pool', 'winrate/worst_case']),
      series: [
        ...memberSeries(members, 'winrate/vs_ref_gold', 'gold'),
        ...memberSeries(members, 'winrate/vs_ref_pool', 'pool', true),
        ...(hasMetric(history, 'winrate/worst_case') ? memberSeries(members, 'winrate/worst_case', 'worst case', true, true) : []),
      ],
      legend: legendOf(members, [
        { label: 'gold', dashed: false },
        { label: 'annotator pool', dashed: true },
        ...(hasMetric(history, 'winrate/worst_case') ? [{ label: 'worst case', dashed: false, dotted: true }] : []),
      ]),
    };
  }
}
