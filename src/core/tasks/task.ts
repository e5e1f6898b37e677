/**
 * What a toy task is: a vocabulary, a prompt distribution, fixed-length responses,
 * a noisy demonstrator (for SFT), a hidden gold reward, and a pool of simulated
 * annotators in the AlpacaFarm spirit. Tasks are plain data + pure functions.
 */
import type { Rng } from '../rng';

/** A simulated annotator: a Bradley–Terry judge with its own utility and biases. */
export interface Annotator {
  name: string;
  /** One line for learners: what this annotator is biased toward. */
  bias: string;
  /** The annotator's utility for response y to prompt x (gold plus its bias). */
  utility(x: number, y: readonly number[]): number;
  /**
   * For annotators of a general (possibly intransitive) preference: P(a ≻ b | x) before
   * position bias and temperature. When present it replaces the utility difference.
   */
  preference?(x: number, a: readonly number[], b: readonly number[]): number;
  /** Added to the logit of the response shown first (position bias); 0 for none. */
  positionBias: number;
  /** BT temperature: P(a ≻ b) = σ((u(a) − u(b) + positionBias) / temperature). */
  temperature: number;
}

export interface Task {
  id: string;
  title: string;
  /** What the task shows, in two sentences. */
  summary: string;
  /** What to try with it. */
  tryThis: string;
  /** Response tokens; a response is T of them. */
  vocab: readonly string[];
  /** Response length (a one-step bandit has T = 1). */
  T: number;
  prompts: readonly string[];
  promptProbs: readonly number[];
  /** The noisy demonstrator whose samples SFT imitates. */
  demonstrate(x: number, rng: Rng): number[];
  /**
   * Hidden gold reward (for preference tasks: the Borda score, mean win rate against a uniform
   * reply). Absent for a task built from your data: nothing is known beyond its labels.
   */
  gold?(x: number, y: readonly number[]): number;
  /**
   * Hidden gold preference P(y ≻ y' | x), when the task has one that a reward cannot express
   * (e.g. a ≻ b ≻ c ≻ a). Absent: the gold preference compares gold rewards, ties counting ½.
   */
  goldPreference?(x: number, a: readonly number[], b: readonly number[]): number;
  /** The simulated pool; for a task from your data, only the names of who labelled its rows. */
  annotators: readonly Annotator[];
  /** A task from your data: its labelled rows, the comparisons every method learns from. */
  data?: { pairs: readonly (readonly [x: number, chosen: number, rejected: number, annotator: number])[] };
  /** Renders a response for people. */
  render(y: readonly number[]): string;
}

/** Number of distinct responses V^T. */
export function responseCount(task: Pick<Task, 'vocab' | 'T'>): number {
  return task.vocab.length ** task.T;
}

/** Largest response space we enumerate exactly (per prompt). */
export const MAX_ENUMERABLE = 4096;

export function isEnumerable(task: Pick<Task, 'vocab' | 'T'>): boolean {
  return responseCount(task) <= MAX_ENUMERABLE;
}

/** Response index (big-endian base V) → tokens. */
export function decodeResponse(index: number, V: number, T: number): number[] {
  const y = new Array<number>(T);
  for (let t = T - 1; t >= 0; t--) {
    y[t] = index % V;
    index = Math.floor(index / V);
  }
  return y;
}

/** Tokens → response index (big-endian base V). */
export function encodeResponse(y: readonly number[], V: number): number {
  let index = 0;
  for (const token of y) index = index * V + token;
  return index;
}

/** All V^T responses, in index order. */
export function allResponses(task: Pick<Task, 'vocab' | 'T'>): number[][] {
  const V = task.vocab.length;
  return Array.from({ length: responseCount(task) }, (_, i) => decodeResponse(i, V, task.T));
}

/** A task whose gold reward (and simulated annotators) are known: every task but one built from your data. */
export type GoldTask = Task & { gold: (x: number, y: readonly number[]) => number };

export function hasGold(task: Task): task is GoldTask {
  return task.gold !== undefined;
}

/** Gold reward table [n_x][V^T] for an enumerable task. */
export function goldTable(task: GoldTask): number[][] {
  const ys = allResponses(task);
  return task.prompts.map((_, x) => ys.map((y) => task.gold(x, y)));
}

/** The gold preference P(a ≻ b | x): the task's own, or a comparison of gold rewards (ties ½). */
export function goldPrefers(task: GoldTask, x: number, a: readonly number[], b: readonly number[]): number {
  if (task.goldPreference) return task.goldPreference(x, a, b);
  const d = task.gold(x, a) - task.gold(x, b);
  return d > 0 ? 1 : d < 0 ? 0 : 0.5;
}
