/**
 * One preparation, many methods. SFT → feedback → reward and preference models → exact
 * evaluator do not depend on the method, so a farm table (every method on the same π_ref,
 * the same judges and the same labelled comparisons, as in AlpacaFarm) prepares once and
 * runs each method on it: `createExperiment(config, { shared })`. The shared preparation owns its
 * tensors; experiments on it borrow them and free only their own.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Config } from '../config';
import type { ExactEvaluator } from '../eval/exact';
import type { SeqNet } from '../models/seq_net';
import { trainPreferenceModel } from './preference_model';
import { broadcastPrepared } from './per_member';
import { createNet, createPopulation, type Population } from '../population';
import { METHOD_INFO, needsPreferenceModel } from '../method_info';
import { disposePrepared, prepare, type PrepareOptions, type Prepared } from './prepare';
import type { PrepareProgress } from '../types';

/** A preparation that experiments can run on without preparing again. */
export interface SharedPreparation {
  /** What the preparation depended on (see `preparationKey`); an experiment must match it. */
  readonly key: string;
  readonly prepared: Prepared;
  /** Frees the preparation: call once every experiment on it is done. */
  dispose(): void;
}

/**
 * Everything in a config that the preparation depends on: its distinct seeds, task, policy
 * family, SFT, feedback and judges. Not the method, its β, a β sweep, the iterations or
 * evalEvery: the members of a β sweep share one seed, hence one preparation.
 */
export function preparationKey(config: Config): string {
  const { task, policy, sft, feedback, rewardModel, preferenceModel } = config;
  const seeds = preparationSeeds(config);
  return JSON.stringify({ task, policy, sft, feedback, rewardModel, preferenceModel, seeds });
}

/** The seeds a preparation is prepared for: the config's members' seeds, each once, in member order. */
export function preparationSeeds(config: Config): number[] {
  return [...new Set(createPopulation(config).members.map((m) => m.seed))];
}

/** The population a preparation is prepared on: one member per distinct seed (a β sweep collapses to its seed). */
export function preparationPopulation(config: Config): Population {
  return createPopulation(config.sweep.kind === 'beta' ? { ...config, sweep: { kind: 'none' } } : config);
}

/**
 * Prepares the preparation `config` describes. Its method matters only for whether the pairwise
 * preference model is trained: pass `{ preferenceModel: true }` when other methods that play
 * against it (Nash-MD) will run on the preparation.
 */
export async function prepareShared(config: Config, onProgress?: (p: PrepareProgress) => void, options: PrepareOptions = {}): Promise<SharedPreparation> {
  const pop = preparationPopulation(config);
  // SFT trains this net into π_ref; it is kept because the exact evaluator scores through it.
  const net = createNet(pop, pop.shape.V, 'policy/init');
  let prepared: Prepared;
  try {
    prepared = await prepare(pop, net, onProgress, options);
  } catch (error) {
    net.dispose();
    throw error;
  }
  return sharedPreparationOf(preparationKey(config), prepared, net);
}

/** A preparation owning `prepared` and the network `net` that holds π_ref (the evaluator scores through it). */
export function sharedPreparationOf(key: string, prepared: Prepared, net: SeqNet): SharedPreparation {
  return {
    key,
    prepared,
    dispose() {
      disposePrepared(prepared);
      net.dispose();
    },
  };
}

/**
 * Where an experiment gets its preparation when it prepares: the engine's cache, say. Returns a preparation
 * the experiment borrows (never disposes) that matches `config`'s preparation (`preparationKey`) and
 * has every judge `config`'s method needs.
 */
export type PreparationSource = (config: Config, onProgress?: (p: PrepareProgress) => void, signal?: AbortSignal) => Promise<SharedPreparation>;

/**
 * Trains the pairwise preference model into `preparation` if it has none: a preparation made for PPO,
 * reused by Nash-MD, trains only this judge. Same numbers as training it in `prepare` (its
 * random streams are its own).
 */
export async function addPreferenceModel(preparation: SharedPreparation, config: Config, onProgress?: (p: PrepareProgress) => void, signal?: AbortSignal): Promise<void> {
  const p = preparation.prepared;
  if (p.preference) return;
  if (preparationKey(config) !== preparation.key) throw new Error('addPreferenceModel: the config does not match the preparation.');
  const pm = await trainPreferenceModel(preparationPopulation(config), p.feedback, (step, total, members) => onProgress?.({ stage: 'preference_model', step, total, members }), signal);
  p.preference = pm.preference;
  p.result.preferenceModel = pm.metrics;
}

/** What an experiment borrows from a preparation, and how to give back what the view itself made. */
export interface Adopted {
  prepared: Prepared;
  /** Frees the view's own tensors (a broadcast for a β sweep); the preparation's stay. */
  release(): void;
}

/**
 * The view of a shared preparation an experiment trains on: `policy` is reset to π_ref's
 * parameters and the exact evaluator scores `policy` instead of the preparation's own net. When the
 * experiment's members repeat a seed (a β sweep on a preparation made once per seed), each
 * member gets its seed's π_ref, judges and comparisons (see `broadcastPrepared`).
 * Throws if the experiment's config needs a different preparation.
 */
export async function adoptPreparation(shared: SharedPreparation, config: Config, policy: SeqNet): Promise<Adopted> {
  if (preparationKey(config) !== shared.key) {
    throw new Error('This experiment needs its own preparation: its seed, task, policy, SFT, feedback or judge settings differ from the shared preparation’s.');
  }
  const p = shared.prepared;
  if (!p.preference && needsPreferenceModel([config.method.id])) {
    throw new Error(`${METHOD_INFO[config.method.id].title} needs the pairwise preference model: prepare the shared preparation with { preferenceModel: true }.`);
  }
  const seeds = preparationSeeds(config);
  const rows = createPopulation(config).members.map((m) => seeds.indexOf(m.seed));
  if (rows.length === seeds.length) {
    policy.params.forEach((w, i) => w.assign(p.reference[i]));
    return { prepared: { ...p, evaluator: p.evaluator ? bindEvaluator(p.evaluator, policy) : null }, release: () => {} };
  }
  const view = await broadcastPrepared(p, createPopulation(config), rows, policy);
  policy.params.forEach((w, i) => w.assign(view.reference[i]));
  return { prepared: view, release: () => disposePrepared(view) };
}

/** `evaluator` judging `policy`'s current parameters; disposing the view frees nothing. */
function bindEvaluator(evaluator: ExactEvaluator, policy: SeqNet): ExactEvaluator {
  // Another net (Chain of Hindsight's conditioned view) is scored as asked; by default, `policy`.
  const logProbs = (params?: readonly tf.Tensor[], net?: SeqNet): tf.Tensor => evaluator.logProbs(params, net ?? policy);
  return {
    logProbs,
    metrics(given) {
      if (given) return evaluator.metrics(given);
      const logPi = logProbs();
      const out = evaluator.metrics(logPi);
      logPi.dispose();
      return out;
    },
    tables: evaluator.tables,
    dispose() {},
  };
}
