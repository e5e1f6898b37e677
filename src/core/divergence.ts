/**
 * Divergence containment (issue 13): an iteration that produces a non-finite number is undone
 * before anything of it is kept. The experiment snapshots every variable before the iteration
 * (by reference: an update assigns new buffers, so the old ones cost nothing to keep), checks
 * the iteration's one readback, and on a NaN or ±Infinity puts every variable back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { addMany } from './math/add_many';
import type { Config } from './config';
import type { Metrics } from './types';

/** Training produced a non-finite number; the iteration was undone. */
export class DivergenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DivergenceError';
  }
}

/** The variables as they are now, to put back after a failed iteration. */
export interface VariableSnapshot {
  restore(): void;
  /** The values `vars` had when the snapshot was taken (borrowed: the snapshot disposes them). */
  valuesOf(vars: readonly tf.Variable[]): tf.Tensor[];
  dispose(): void;
}

/** Keeps a reference to every registered variable's current value (no copy on any backend). */
export function snapshotVariables(): VariableSnapshot {
  const kept = Object.values(tf.engine().registeredVariables).map((v) => ({ v, value: tf.clone(v) }));
  const byVariable = new Map<tf.Variable, tf.Tensor>(kept.map(({ v, value }) => [v, value]));
  return {
    valuesOf(vars) {
      return vars.map((v) => {
        const value = byVariable.get(v);
        if (!value) throw new Error(`snapshot: variable ${v.name} was created after the snapshot`);
        return value;
      });
    },
    restore() {
      for (const { v, value } of kept) if (!v.isDisposed && !value.isDisposed) v.assign(value);
    },
    dispose() {
      tf.dispose(kept.map((k) => k.value));
    },
  };
}

/** Per member, Σ|θ| over `params` [P, …]: finite exactly when every weight is (short of float32 overflow). */
export function weightMagnitude(params: readonly tf.Tensor[], P: number): tf.Tensor1D {
  return tf.tidy(() => addMany(params.map((p) => tf.sum(tf.abs(tf.reshape(p, [P, -1])), 1))) as tf.Tensor1D);
}

/** What went non-finite first: a member's metric, its KL coefficient, or its weights. */
export interface NonFinite {
  member: number;
  quantity: string;
  value: number;
}

export function firstNonFinite(members: Metrics[], betas: number[], weights: Float32Array): NonFinite | null {
  for (const [member, metrics] of members.entries()) {
    const bad = Object.entries(metrics).find(([, value]) => !Number.isFinite(value));
    if (bad) return { member, quantity: bad[0], value: bad[1] };
    if (!Number.isFinite(betas[member])) return { member, quantity: 'the KL coefficient', value: betas[member] };
    if (!Number.isFinite(weights[member])) return { member, quantity: "the policy's weights", value: weights[member] };
  }
  return null;
}

const show = (x: number) => (Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '−Infinity');

/** The message: what blew up, where, that the run kept its last good state, and what to change. */
export function divergenceMessage(config: Config, iteration: number, label: string, bad: NonFinite, beta: { start: number; now: number }): string {
  const method = config.method;
  const what = `Training diverged at iteration ${iteration} (${label}): ${bad.quantity} became ${show(bad.value)}.`;
  const kept = `The iteration was undone; the run stays at iteration ${iteration - 1}.`;
  let fix: string;
  const runaway = !Number.isFinite(beta.now) || beta.now > 100 * beta.start || beta.now < beta.start / 100;
  if (method.id === 'ppo' && method.adaptiveKl && runaway) {
    fix = `The adaptive KL controller had driven β from ${beta.start} to ${Number.isFinite(beta.now) ? beta.now.toPrecision(2) : show(beta.now)}: turn it off, or raise its target (now ${method.adaptiveKl.target}) or horizon (now ${method.adaptiveKl.horizon}).`;
  } else if ('lr' in method) {
    fix = `Lower the learning rate (now ${method.lr}; try ${Number((method.lr / 10).toPrecision(2))}).`;
  } else {
    fix = 'Lower the learning rates of the preparation (SFT, judges), or reset.';
  }
  return `${what} ${kept} ${fix}`;
}
