/**
 * A verifiable task: sort five distinct digits from 0–5 (six prompts, each missing one
 * digit). Gold is correctness — 1 for the sorted answer, 0 otherwise — which no annotator
 * sees directly: they give partial credit and take shortcuts. 6⁵ = 7,776 responses per
 * prompt is past what we enumerate, so KL and win rates are Monte Carlo estimates with
 * standard errors.
 */
import type { Rng } from '../rng';
import type { Annotator, GoldTask } from './task';

const DIGITS = ['0', '1', '2', '3', '4', '5'] as const;
const T = 5;

/** All 5-subsets of 0..5 in lexicographic order (6 prompts). */
const SETS: number[][] = (() => {
  const out: number[][] = [];
  const pick = (start: number, chosen: number[]): void => {
    if (chosen.length === T) {
      out.push(chosen);
      return;
    }
    for (let d = start; d < DIGITS.length; d++) pick(d + 1, [...chosen, d]);
  };
  pick(0, []);
  return out;
})();

/** Scrambled display order of each prompt's digits (fixed, so prompts read like a question). */
const SHOWN = SETS.map((set, i) => set.map((_, j) => set[(j * 3 + i) % T]));

const gold = (x: number, y: readonly number[]): number => (y.every((d, t) => d === SETS[x][t]) ? 1 : 0);
/** Fraction of positions holding the right digit. */
const placed = (x: number, y: readonly number[]): number => y.filter((d, t) => d === SETS[x][t]).length / T;
/** Fraction of adjacent pairs in ascending order (looks sorted, whatever the digits). */
const ascending = (y: readonly number[]): number => y.slice(1).filter((d, t) => d > y[t]).length / (T - 1);

const annotators: Annotator[] = [
  { name: 'checker', bias: 'gives partial credit per correct position', utility: (x, y) => 2 * placed(x, y) + gold(x, y), positionBias: 0, temperature: 0.5 },
  { name: 'skimmer', bias: 'checks only that digits go up', utility: (_x, y) => 2 * ascending(y), positionBias: 0, temperature: 0.5 },
  { name: 'hasty', bias: 'prefers whichever answer it reads first', utility: (x, y) => 2 * placed(x, y), positionBias: 0.5, temperature: 0.7 },
];

/** The demonstrator sorts, then with probability ½ swaps a random adjacent pair. */
function demonstrate(x: number, rng: Rng): number[] {
  const y = [...SETS[x]];
  if (rng.bernoulli(0.5)) {
    const i = rng.int(T - 1);
    [y[i], y[i + 1]] = [y[i + 1], y[i]];
  }
  return y;
}

export const sorting: GoldTask = {
  id: 'sorting',
  title: 'Sort five digits (verifiable)',
  summary:
    'Gold is whether the answer is exactly sorted; annotators give partial credit or only check that digits go up. Too many answers to enumerate, so KL and win rates are Monte Carlo estimates with error bars.',
  tryThis: 'Watch the exact-match rate (gold) against the reward model’s score: does partial credit lead to full correctness?',
  vocab: DIGITS,
  T,
  prompts: SHOWN.map((d) => `“Sort: ${d.join(' ')}”`),
  promptProbs: SETS.map(() => 1 / SETS.length),
  demonstrate,
  gold,
  annotators,
  render: (y) => y.map((d) => DIGITS[d]).join(' '),
};
