/**
 * You as the annotator: the comparisons the lab offers you to label, your labels as the farm's
 * comparisons, and how often you agree with the hidden gold preference and with each simulated
 * annotator. Pure and tensor-free, so the page computes it as you label.
 *
 * A label is [prompt, first reply, second reply, 1 if the first is better else 0], replies by
 * their index among all of the task's replies (`encodeResponse`), so labels stay a few bytes
 * each in a share link.
 */
import type { Config } from './config';
import { Rng } from './rng';
import { preferFirst, type Comparison } from './tasks/annotators';
import { decodeResponse, encodeResponse, goldPrefers, type GoldTask, type Task } from './tasks/task';

export type YourLabel = [x: number, first: number, second: number, firstWins: 0 | 1];

/** The annotator index a comparison of yours carries (the pool's are 0, 1, …). */
export const YOU = -1;

/** A comparison offered to you: a prompt and two different replies, as indices. */
export interface OfferedPair {
  x: number;
  first: number;
  second: number;
}

/**
 * The `k`-th comparison the lab offers for this config: a prompt drawn by the task's prompt
 * frequencies and two different replies drawn as the SFT demonstrations are (the distribution
 * π_ref learns), from a stream of the config's seed. The same config offers the same pairs,
 * so a class labelling the same link sees the same comparisons.
 */
export function offeredPair(task: Task, seed: number, k: number): OfferedPair {
  const rng = new Rng(seed).split(`yours/${k}`);
  const V = task.vocab.length;
  const x = rng.categorical(task.promptProbs as number[]);
  const first = task.demonstrate(x, rng);
  let second = task.demonstrate(x, rng);
  // A reply against itself teaches nothing: redraw, then fall back to any other reply.
  for (let tries = 0; tries < 20 && encodeResponse(second, V) === encodeResponse(first, V); tries++) second = task.demonstrate(x, rng);
  const a = encodeResponse(first, V);
  let b = encodeResponse(second, V);
  if (a === b) b = (a + 1 + rng.int(V ** task.T - 1)) % V ** task.T;
  return { x, first: a, second: b };
}

/** Your labels as the farm's comparisons (annotator `YOU`, never a coin toss). */
export function yourComparisons(task: Task, labels: readonly YourLabel[]): Comparison[] {
  const V = task.vocab.length;
  return labels.map(([x, a, b, w]) => ({ x, first: decodeResponse(a, V, task.T), second: decodeResponse(b, V, task.T), annotator: YOU, firstWins: w === 1, coinToss: false }));
}

export interface Agreement {
  labels: number;
  /** Expected share of your labels the gold preference agrees with (a gold tie counts half). */
  gold: number;
  /** The same for each simulated annotator, with both presentation orders averaged. */
  annotators: { name: string; bias: string; agreement: number }[];
}

export function agreement(task: GoldTask, labels: readonly YourLabel[]): Agreement {
  const V = task.vocab.length;
  let gold = 0;
  const sums = task.annotators.map(() => 0);
  for (const [x, a, b, w] of labels) {
    const [ya, yb] = [decodeResponse(a, V, task.T), decodeResponse(b, V, task.T)];
    const p = goldPrefers(task, x, ya, yb);
    gold += w ? p : 1 - p;
    task.annotators.forEach((ann, k) => {
      const q = 0.5 * (preferFirst(ann, x, ya, yb) + 1 - preferFirst(ann, x, yb, ya));
      sums[k] += w ? q : 1 - q;
    });
  }
  const n = Math.max(labels.length, 1);
  return { labels: labels.length, gold: gold / n, annotators: task.annotators.map((a, k) => ({ name: a.name, bias: a.bias, agreement: sums[k] / n })) };
}

/** Your labels in a config, or none. */
export function labelsOf(config: Config): readonly YourLabel[] {
  return (config.feedback.yours?.labels ?? []) as YourLabel[];
}
