/**
 * A preparation as plain data, and back: what the engine keeps in IndexedDB so that a
 * reload, or a link opened again, starts without preparing. The snapshot holds π_ref's
 * parameters, the judges' parameters, the labelled comparisons and the preparation's report;
 * the exact evaluator is rebuilt from them (deterministically, so the numbers are the ones a
 * fresh preparation on the same backend gives).
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeFeedback, feedbackFrom } from './feedback';
import type { Config } from '../config';
import { createExactEvaluator } from '../eval/exact';
import { preparationKey, preparationPopulation, sharedPreparationOf, type SharedPreparation } from './shared';
import { createPreferenceMlp } from '../models/preference_mlp';
import { createRewardMlp } from '../models/reward_mlp';
import { createNet, streams } from '../population';
import type { Prepared } from './prepare';
import type { Comparison } from '../tasks/annotators';
import type { PrepareResult } from '../types';

/**
 * Bump when preparation changes what it computes (SFT, labelling, judges): snapshots of an
 * older preparation are then ignored instead of giving numbers a fresh run would not.
 * 2: WASM matmuls of a transposed operand run through XNNPACK (kernels/wasm_batch_matmul.ts).
 * 3: on WASM, log-probabilities are one fused kernel with the CPU backend's rounding (kernels/fused_logprobs.ts);
 *    the transformer's gradient is written out (models/transformer.ts), which rounds differently from autograd.
 */
export const PREPARATION_VERSION = 3;

export interface TensorData {
  shape: number[];
  values: Float32Array;
}

export interface PreparationSnapshot {
  version: number;
  /** `preparationKey` of the config it was prepared for. */
  key: string;
  reference: TensorData[];
  reward: TensorData[];
  preference: TensorData[] | null;
  comparisons: Comparison[][];
  result: PrepareResult;
}

async function read(tensors: readonly tf.Tensor[]): Promise<TensorData[]> {
  return Promise.all(tensors.map(async (t) => ({ shape: [...t.shape], values: (await t.data()) as Float32Array })));
}

/** The preparation as plain data (one readback per parameter). */
export async function snapshotPreparation(preparation: SharedPreparation): Promise<PreparationSnapshot> {
  const p = preparation.prepared;
  return {
    version: PREPARATION_VERSION,
    key: preparation.key,
    reference: await read(p.reference),
    reward: await read(p.reward.params),
    preference: p.preference ? await read(p.preference.params) : null,
    comparisons: p.feedback.comparisons,
    result: p.result,
  };
}

/** Copies saved values into variables of the same shapes; throws on any mismatch. */
function assignAll(variables: readonly tf.Variable[], data: readonly TensorData[], what: string): void {
  if (variables.length !== data.length) throw new Error(`${what}: ${data.length} saved tensors for ${variables.length} parameters`);
  variables.forEach((v, i) => {
    if (data[i].shape.join() !== v.shape.join()) throw new Error(`${what}: shape ${data[i].shape} saved for ${v.shape}`);
    tf.tidy(() => v.assign(tf.tensor(data[i].values, v.shape, 'float32')));
  });
}

/** The preparation a snapshot describes, for `config` (which must have the snapshot's `preparationKey`). */
export async function restorePreparation(config: Config, snapshot: PreparationSnapshot): Promise<SharedPreparation> {
  if (snapshot.version !== PREPARATION_VERSION) throw new Error(`a snapshot of preparation version ${snapshot.version}, not ${PREPARATION_VERSION}`);
  const key = preparationKey(config);
  if (snapshot.key !== key) throw new Error('the snapshot was prepared for another config');
  const pop = preparationPopulation(config);
  const net = createNet(pop, pop.shape.V, 'policy/init');
  const reward = createRewardMlp(pop.shape, config.rewardModel.hidden, streams(pop, 'rm/init'));
  const preference = snapshot.preference ? createPreferenceMlp(pop.shape, config.preferenceModel.hidden, streams(pop, 'pm/init')) : null;
  const made: { dispose(): void }[] = [net, reward, ...(preference ? [preference] : [])];
  try {
    assignAll(net.params, snapshot.reference, 'π_ref');
    assignAll(reward.params, snapshot.reward, 'reward model');
    if (preference && snapshot.preference) assignAll(preference.params, snapshot.preference, 'preference model');
    const reference = net.params.map((w) => tf.clone(w));
    made.push({ dispose: () => tf.dispose(reference) });
    const feedback = feedbackFrom(pop, snapshot.comparisons);
    made.push({ dispose: () => disposeFeedback(feedback) });
    const evaluator = pop.enumerable ? await createExactEvaluator(pop, net, reference, reward, feedback) : null;
    const prepared: Prepared = { reference, reward, preference, feedback, evaluator, result: snapshot.result };
    return sharedPreparationOf(key, prepared, net);
  } catch (error) {
    for (const x of made) x.dispose();
    throw error;
  }
}
