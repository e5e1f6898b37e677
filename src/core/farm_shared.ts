/**
 * One preparation, many methods. SFT → feedback → reward and preference models → exact
 * evaluator do not depend on the method, so a farm table (every method on the same π_ref,
 * the same judges and the same labelled comparisons, as in AlpacaFarm) prepares once and
 * runs each method on it: `createExperiment(config, { shared })`. The shared farm owns its
 * tensors; experiments on it borrow them and free only their own.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Config } from './config';
import type { ExactEvaluator } from './eval/exact';
import type { SeqNet } from './models/seq_net';
import { trainPreferenceModel } from './algos/preference_model';
import { createNet, createPopulation } from './population';
import { METHOD_INFO, needsPreferenceModel } from './method_info';
import { disposePrepared, prepare, type PrepareOptions, type Prepared } from './prepare';
import type { PrepareProgress } from './types';

/** A prepared farm that experiments can run on without preparing again. */
export interface SharedFarm {
  /** What the preparation depended on (see `farmKey`); an experiment must match it. */
  readonly key: string;
  readonly prepared: Prepared;
  /** Frees the preparation: call once every experiment on it is done. */
  dispose(): void;
}

/**
 * Everything in a config that the preparation depends on: seed(s), task, policy family,
 * SFT, feedback and judges. Not the method, its β, the iterations or evalEvery.
 */
export function farmKey(config: Config): string {
  const { task, policy, sft, feedback, rewardModel, preferenceModel } = config;
  const pop = createPopulation(config);
  const seeds = pop.members.map((m) => m.seed);
  return JSON.stringify({ task, policy, sft, feedback, rewardModel, preferenceModel, seeds });
}

/**
 * Prepares the farm `config` describes. Its method matters only for whether the pairwise
 * preference model is trained: pass `{ preferenceModel: true }` when other methods that play
 * against it (Nash-MD) will run on the farm.
 */
export async function prepareFarm(config: Config, onProgress?: (p: PrepareProgress) => void, options: PrepareOptions = {}): Promise<SharedFarm> {
  const pop = createPopulation(config);
  // SFT trains this net into π_ref; it is kept because the exact evaluator scores through it.
  const net = createNet(pop, pop.shape.V, 'policy/init');
  let prepared: Prepared;
  try {
    prepared = await prepare(pop, net, onProgress, options);
  } catch (error) {
    net.dispose();
    throw error;
  }
  return sharedFarmOf(farmKey(config), prepared, net);
}

/** A farm owning `prepared` and the network `net` that holds π_ref (the evaluator scores through it). */
export function sharedFarmOf(key: string, prepared: Prepared, net: SeqNet): SharedFarm {
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
 * Where an experiment gets its farm when it prepares: the engine's cache, say. Returns a farm
 * the experiment borrows (never disposes) that matches `config`'s preparation (`farmKey`) and
 * has every judge `config`'s method needs.
 */
export type FarmSource = (config: Config, onProgress?: (p: PrepareProgress) => void, signal?: AbortSignal) => Promise<SharedFarm>;

/**
 * Trains the pairwise preference model into `farm` if it has none: a farm prepared for PPO,
 * reused by Nash-MD, trains only this judge. Same numbers as training it in `prepare` (its
 * random streams are its own).
 */
export async function addPreferenceModel(farm: SharedFarm, config: Config, onProgress?: (p: PrepareProgress) => void, signal?: AbortSignal): Promise<void> {
  const p = farm.prepared;
  if (p.preference) return;
  if (farmKey(config) !== farm.key) throw new Error('addPreferenceModel: the config does not match the farm.');
  const pm = await trainPreferenceModel(createPopulation(config), p.feedback, (step, total, members) => onProgress?.({ stage: 'preference_model', step, total, members }), signal);
  p.preference = pm.preference;
  p.result.preferenceModel = pm.metrics;
}

/**
 * The view of a shared farm an experiment trains on: `policy` is reset to π_ref's
 * parameters and the exact evaluator scores `policy` instead of the farm's own net.
 * Throws if the experiment's config needs a different preparation.
 */
export function adoptFarm(shared: SharedFarm, config: Config, policy: SeqNet): Prepared {
  if (farmKey(config) !== shared.key) {
    throw new Error('This experiment needs its own preparation: its seed, task, policy, SFT, feedback or judge settings differ from the shared farm’s.');
  }
  const p = shared.prepared;
  if (!p.preference && needsPreferenceModel([config.method.id])) {
    throw new Error(`${METHOD_INFO[config.method.id].title} needs the pairwise preference model: prepare the shared farm with { preferenceModel: true }.`);
  }
  policy.params.forEach((w, i) => w.assign(p.reference[i]));
  return { ...p, evaluator: p.evaluator ? bindEvaluator(p.evaluator, policy) : null };
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
