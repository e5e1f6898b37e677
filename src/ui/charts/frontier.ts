/**
 * The exact frontier curves drawn on the KL–reward plane, and the sentence that says which
 * frontier is shown or why there is none. Pure, for the chart components.
 */
import type { FrontierSet } from '../../core/types';

/** Dark grey: the exact answers are drawn in one neutral colour, apart from the members'. */
export const FRONTIER_COLOR = '#1c2330';

/** One exact curve: points (kl, reward) sorted by KL. */
export interface FrontierCurve {
  label: string;
  dashed: boolean;
  points: { kl: number; reward: number }[];
}

/**
 * The frontier curves for the plane with `which` reward, clipped to KL ≤ max(2·maxKl, 0.02) so a
 * run near π_ref is not squeezed into a corner by the frontier's far end (tiny β).
 * Proxy: π*_β of r_φ. Gold: π*_β of gold (the best possible), and dashed, π*_β of r_φ scored by gold.
 */
export function frontierCurves(set: FrontierSet | null, which: 'proxy' | 'gold', maxKl: number): FrontierCurve[] {
  if (!set) return [];
  const limit = Math.max(2 * maxKl, 0.02);
  const curve = (label: string, dashed: boolean, pts: { kl: number; reward: number }[]): FrontierCurve => ({
    label,
    dashed,
    points: pts.filter((p) => Number.isFinite(p.kl) && Number.isFinite(p.reward) && p.kl <= limit).sort((a, b) => a.kl - b.kl),
  });
  if (which === 'proxy') return [curve('exact frontier π*_β of r_φ', false, set.proxy.map((p) => ({ kl: p.kl, reward: p.reward })))];
  if (!set.gold) return [];
  return [
    curve('exact frontier π*_β of gold', false, set.gold.map((p) => ({ kl: p.kl, reward: p.reward }))),
    curve('π*_β of r_φ, judged by gold', true, set.proxy.filter((p) => p.other !== undefined).map((p) => ({ kl: p.kl, reward: p.other! }))),
  ];
}

/** The caption's second sentence: what the frontier is, or why none is drawn. */
export function frontierNote(frontier: FrontierSet[] | null, prepared: boolean, taskTitle: string, which: 'proxy' | 'gold', members: number): string {
  if (!prepared) return 'The exact frontier appears once preparation has finished.';
  if (!frontier) {
    return `No exact frontier: ${taskTitle} has too many responses per prompt to enumerate, and π*_β needs every one of them, so KL and rewards here are sample estimates.`;
  }
  const whose = members > 1 ? ' (of the first run’s reward model and π_ref)' : '';
  return which === 'proxy'
    ? `Black: the exact frontier${whose}, the most r_φ any policy earns at each KL; a run on it has found π*_β.`
    : `Black: the exact gold frontier${whose}; dashed: where optimising r_φ exactly would land, its gap the cost of the reward model’s errors.`;
}

/**
 * Where a run of KL coefficient β is headed on the plane: its own π*_β, the frontier point
 * whose β is nearest on a log scale (the frontier is computed on a fine β grid). For `gold`,
 * the same optimum of r_φ scored by gold. Null without a frontier.
 */
export function optimumOf(set: FrontierSet | null, beta: number, which: 'proxy' | 'gold'): { kl: number; reward: number } | null {
  if (!set || !(beta > 0)) return null;
  let best: (typeof set.proxy)[number] | null = null;
  for (const p of set.proxy) {
    if (!best || Math.abs(Math.log(p.beta / beta)) < Math.abs(Math.log(best.beta / beta))) best = p;
  }
  if (!best) return null;
  const reward = which === 'proxy' ? best.reward : best.other;
  return reward === undefined ? null : { kl: best.kl, reward };
}

/** π_ref on the plane: KL 0 and the reward the reference earns (the frontier's β → ∞ end). */
export function referencePoint(set: FrontierSet | null, which: 'proxy' | 'gold'): { kl: number; reward: number } | null {
  const points = which === 'proxy' ? set?.proxy : set?.gold;
  if (!points?.length) return null;
  const end = points.reduce((a, b) => (b.beta > a.beta ? b : a));
  return { kl: 0, reward: end.reward };
}
