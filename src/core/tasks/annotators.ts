/**
 * The simulated annotator pool (AlpacaFarm §3): each comparison is labelled by one
 * annotator drawn at random; with probability `labelNoise` the label is replaced
 * by a coin toss (AlpacaFarm's 0.5 gives an effective 25% flip rate).
 */
import type { Rng } from '../rng';
import type { Annotator, Task } from './task';

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** P(first ≻ second) for one annotator, with `first` shown first. */
export function preferFirst(a: Annotator, x: number, first: readonly number[], second: readonly number[]): number {
  const margin = a.preference ? logit(a.preference(x, first, second)) : a.utility(x, first) - a.utility(x, second);
  return sigmoid((margin + a.positionBias) / a.temperature);
}

/** log(p / (1 − p)), clamped so certain preferences stay finite. */
export function logit(p: number): number {
  const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
  return Math.log(q / (1 - q));
}

/** Noise-free pool judgement: P(a ≻ b) averaged over annotators and both presentation orders. */
export function poolPreference(task: Task, x: number, a: readonly number[], b: readonly number[]): number {
  let total = 0;
  for (const ann of task.annotators) {
    total += 0.5 * (preferFirst(ann, x, a, b) + (1 - preferFirst(ann, x, b, a)));
  }
  return total / task.annotators.length;
}

/** One labelled comparison. `firstWins` is the training label (after noise). */
export interface Comparison {
  x: number;
  first: number[];
  second: number[];
  annotator: number;
  firstWins: boolean;
  /** True when the label came from the coin toss rather than the annotator. */
  coinToss: boolean;
}

/** Labels pairs (x, first, second) with annotators drawn from the pool. */
export function labelPairs(
  task: Task,
  pairs: readonly { x: number; first: number[]; second: number[] }[],
  labelNoise: number,
  rng: Rng,
): Comparison[] {
  return pairs.map(({ x, first, second }) => {
    const annotator = rng.int(task.annotators.length);
    const coinToss = rng.bernoulli(labelNoise);
    const pFirst = preferFirst(task.annotators[annotator], x, first, second);
    const firstWins = coinToss ? rng.bernoulli(0.5) : rng.bernoulli(pFirst);
    return { x, first, second, annotator, firstWins, coinToss };
  });
}
