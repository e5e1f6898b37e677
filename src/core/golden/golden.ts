/**
 * Golden trajectories, as in TRL's tests/invariant: every method runs a fixed small config
 * (seed 0, 50 iterations, tfjs CPU backend) and a few key metrics per iteration are
 * compared with a committed reference (`<method>.json` beside this file) within a
 * tolerance. A refactor that silently changes the numbers fails here, naming the method,
 * the metric, the iteration and the size of the drift.
 */
import type { ConfigInput, MethodId } from '../config';
import type { Metrics } from '../types';

/** The preparation every golden trajectory runs on (bandit: tabular policy, exact evaluation, fast). */
export const GOLDEN_PREPARATION = {
  seed: 0,
  iterations: 50,
  task: { id: 'bandit' },
  sft: { steps: 20, demos: 256 },
  feedback: { comparisons: 256 },
  rewardModel: { steps: 20 },
  preferenceModel: { steps: 20 },
} satisfies Partial<ConfigInput>;

/** The method's defaults, with a small batch so that all methods together stay quick. */
export function goldenConfig(id: MethodId): Partial<ConfigInput> {
  return { ...GOLDEN_PREPARATION, method: { id, batchSize: 16 } as ConfigInput['method'] };
}

/** Metrics every method is pinned on; plus each method's own losses and the Nash-MD residual. */
const CORE_KEYS = ['reward/proxy', 'reward/gold_exact', 'kl/exact', 'kl/k3', 'winrate/vs_ref_gold'];
const isPinned = (key: string): boolean => CORE_KEYS.includes(key) || key.startsWith('loss/') || key === 'nash/residual';

/** A committed reference: the config it came from and one series per pinned metric. */
export interface GoldenFile {
  method: MethodId;
  config: Partial<ConfigInput>;
  metrics: Record<string, number[]>;
}

/** Member 0's pinned metrics over the iterations → one series per metric, 8 significant digits. */
export function goldenSeries(iterations: readonly Metrics[]): Record<string, number[]> {
  const keys = Object.keys(iterations[0] ?? {}).filter(isPinned).sort();
  return Object.fromEntries(keys.map((k) => [k, iterations.map((m) => Number(m[k].toPrecision(8)))]));
}

/** One metric at one iteration (1-based) that left the tolerance. */
export interface Drift {
  metric: string;
  iteration: number;
  got: number;
  want: number;
  diff: number;
}

/** Default tolerance: |got − want| ≤ atol + rtol·|want|. */
export const TOLERANCE = { atol: 1e-4, rtol: 1e-3 };

/**
 * Every (metric, iteration) where `actual` leaves the tolerance around `expected`, plus
 * metrics missing on either side (reported with NaN), in metric then iteration order.
 */
export function compareSeries(
  actual: Record<string, number[]>,
  expected: Record<string, number[]>,
  { atol, rtol } = TOLERANCE,
): Drift[] {
  const drifts: Drift[] = [];
  const metrics = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  for (const metric of metrics) {
    const got = actual[metric] ?? [];
    const want = expected[metric] ?? [];
    for (let i = 0; i < Math.max(got.length, want.length); i++) {
      const g = got[i] ?? NaN;
      const w = want[i] ?? NaN;
      const diff = Math.abs(g - w);
      if (!(diff <= atol + rtol * Math.abs(w))) drifts.push({ metric, iteration: i + 1, got: g, want: w, diff });
    }
  }
  return drifts;
}

/** A failure message that says which method drifted, where first and by how much. */
export function describeDrifts(method: string, drifts: readonly Drift[]): string {
  const lines = drifts.slice(0, 5).map((d) => `  ${d.metric} at iteration ${d.iteration}: got ${d.got}, reference ${d.want} (|Δ| = ${d.diff.toPrecision(3)})`);
  const more = drifts.length > 5 ? `\n  … and ${drifts.length - 5} more` : '';
  return `${method} drifted from its golden trajectory in ${drifts.length} place(s):\n${lines.join('\n')}${more}\n` +
    'If the change is intended, regenerate the references with `npm run golden:update` and commit them.';
}
