/**
 * The population a run trains together: P members, each with its own seed-derived
 * random streams and KL coefficient, sharing one task and one set of [P, ...] models.
 * Host-side draws (prompts, Gumbel noise, minibatch orders) are made per member from
 * that member's stream, so members that share a seed see identical data.
 */
import * as tf from '@tensorflow/tfjs-core';
import { populationOf, type Config, type Member } from './config';
import { createTabularNet } from './models/tabular';
import { createTransformer } from './models/transformer';
import { sampleTokens } from './models/sample';
import type { SeqNet, SeqShape } from './models/seq_net';
import { Rng } from './rng';
import { isEnumerable, taskFor, type Task } from './tasks';

export interface Population {
  config: Config;
  task: Task;
  shape: SeqShape;
  members: Member[];
  P: number;
  /** Root stream of each member (derive children with `split`). */
  rngs: Rng[];
  policyKind: 'tabular' | 'transformer';
  enumerable: boolean;
}

export function createPopulation(config: Config): Population {
  const task = taskFor(config.task);
  const members = populationOf(config);
  const kind = config.policy.kind === 'auto' ? (task.T === 1 ? 'tabular' : 'transformer') : config.policy.kind;
  return {
    config,
    task,
    shape: { nPrompts: task.prompts.length, V: task.vocab.length, T: task.T },
    members,
    P: members.length,
    rngs: members.map((m) => new Rng(m.seed)),
    policyKind: kind,
    enumerable: isEnumerable(task),
  };
}

/** Each member's child stream named `label`. */
export function streams(pop: Population, label: string): Rng[] {
  return pop.rngs.map((r) => r.split(label));
}

/** A policy-shaped (outDim = V) or value-shaped (outDim = 1) network of the population's kind. */
export function createNet(pop: Population, outDim: number, label: string): SeqNet {
  if (pop.policyKind === 'tabular') return createTabularNet(pop.shape, outDim, pop.P);
  return createTransformer(pop.shape, outDim, streams(pop, label), pop.config.policy);
}

/** B prompts per member drawn from the task's prompt distribution → int32 [P, B]. */
export function drawPrompts(pop: Population, rngs: readonly Rng[], B: number): tf.Tensor {
  const out = new Int32Array(pop.P * B);
  rngs.forEach((rng, p) => {
    for (let b = 0; b < B; b++) out[p * B + b] = rng.categorical(pop.task.promptProbs);
  });
  return tf.tensor2d(out, [pop.P, B], 'int32');
}

/** Gumbel noise for sampling B responses per member → [P, B, T, V]. */
export function drawGumbel(pop: Population, rngs: readonly Rng[], B: number): tf.Tensor {
  const { T, V } = pop.shape;
  const per = B * T * V;
  const out = new Float32Array(pop.P * per);
  rngs.forEach((rng, p) => out.set(rng.gumbelArray(per), p * per));
  return tf.tensor4d(out, [pop.P, B, T, V]);
}

/**
 * Responses to prompts [P, B] from `net` (under `params`, e.g. π_ref's), token by token with
 * Gumbel noise drawn from `rngs` → tokens [P, B, T] int32. Every sampler of the lab is this.
 */
export function sampleResponses(pop: Population, rngs: readonly Rng[], net: SeqNet, prompts: tf.Tensor, params?: readonly tf.Tensor[]): tf.Tensor {
  const gumbel = drawGumbel(pop, rngs, prompts.shape[1] as number);
  const tokens = sampleTokens(net, prompts, gumbel, params);
  gumbel.dispose();
  return tokens;
}

/** Per-member random subsets of size n from 0..N−1, as rows into a [P·N, ...] flattening → int32 [P·n]. */
export function drawMinibatch(rngs: readonly Rng[], N: number, n: number): tf.Tensor {
  const out = new Int32Array(rngs.length * n);
  rngs.forEach((rng, p) => {
    const perm = rng.permutation(N);
    for (let i = 0; i < n; i++) out[p * n + i] = p * N + perm[i];
  });
  return tf.tensor1d(out, 'int32');
}

/** Rows `rows` (from drawMinibatch) of a [P, N, ...] tensor → [P, n, ...]. */
export function takeRows(x: tf.Tensor, rows: tf.Tensor, P: number): tf.Tensor {
  return tf.tidy(() => {
    const [, N, ...rest] = x.shape;
    const picked = tf.gather(tf.reshape(x, [P * N, ...rest]), rows);
    return tf.reshape(picked, [P, rows.shape[0] / P, ...rest]);
  });
}

/**
 * Rows a progress report reads while a stage trains: a bounded sample, so that reporting
 * twenty times costs little more than twenty minibatches. The stage's last report reads
 * every row.
 */
export const REPORT_ROWS = 256;

/** The first `n` rows of each member of a [P, N, ...] tensor → [P, min(n, N), ...] (data are i.i.d., so a fair sample). */
export function headRows(x: tf.Tensor, n: number): tf.Tensor {
  const [P, N, ...rest] = x.shape;
  return tf.slice(x, [0, 0, ...rest.map(() => 0)], [P, Math.min(n, N), ...rest]);
}

/** One epoch's k minibatches of ⌊N/k⌋ rows, a fresh permutation per member: rows of the flattened [P·N] batch, member-major. */
function epochRowIndices(rngs: readonly Rng[], N: number, k: number): Int32Array[] {
  const n = Math.floor(N / k);
  const perms = rngs.map((rng) => rng.permutation(N));
  return Array.from({ length: k }, (_, m) => {
    const out = new Int32Array(rngs.length * n);
    perms.forEach((perm, p) => {
      for (let i = 0; i < n; i++) out[p * n + i] = p * N + perm[m * n + i];
    });
    return out;
  });
}

/**
 * `epochs` shuffled passes over the columns [P, N, ...] of one batch, k minibatches each (a
 * fresh permutation per member and epoch, drawn in epoch order), picked all at once: one gather
 * and one unstack per column for the whole update instead of a gather per column per
 * minibatch. → [epochs·k][column] of [P, ⌊N/k⌋, ...], owned by the caller.
 */
export function epochMinibatches(rngs: readonly Rng[], N: number, k: number, epochs: number, columns: readonly tf.Tensor[]): tf.Tensor[][] {
  const P = rngs.length;
  const n = Math.floor(N / k);
  const parts = Array.from({ length: epochs }, () => epochRowIndices(rngs, N, k)).flat();
  const rows = new Int32Array(parts.length * P * n);
  parts.forEach((part, i) => rows.set(part, i * P * n));
  return tf.tidy(() => {
    const indices = tf.tensor1d(rows, 'int32');
    const picked = columns.map((c) => {
      const [, , ...rest] = c.shape;
      return tf.unstack(tf.reshape(tf.gather(tf.reshape(c, [P * N, ...rest]), indices), [parts.length, P, n, ...rest]));
    });
    return parts.map((_, m) => picked.map((column) => column[m]));
  });
}
