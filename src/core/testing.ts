/**
 * The unit tests' toolkit: named preparation presets, preparations prepared once per file and
 * shared by its tests, the tensor-leak check, and the backend a file runs on. Test-only:
 * nothing in the app imports it.
 *
 * Preparation (SFT → comparisons → judges → exact evaluator) is most of what a method test
 * costs, and it does not depend on the method: a file that checks several methods, or
 * several claims, on the same preparation prepares it once in `beforeAll` (`sharedPreparation`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { defaultConfig, type Config, type ConfigInput } from './config';
import { createExperiment } from './experiment';
import { prepareShared, type SharedPreparation } from './preparation/shared';
import type { MethodContext } from './algos/method';
import { createNet, createPopulation } from './population';
import { disposePrepared, prepare, type PrepareOptions, type Prepared } from './preparation/prepare';
import type { IterationResult, Metrics } from './types';

/**
 * Runs this file on `name`. Unit tests start on WASM (test_setup.ts); a file that pins exact
 * numbers, whose references were made on CPU, calls `await useBackend('cpu')` at its top.
 */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend did not start`);
  await tf.ready();
}

/**
 * Preparation presets, smallest first. Each names what it is for; a test spreads one into its
 * config and adds what its claim needs (task, method, feedback).
 */
export const PREP = {
  /** Engine, CLI and store behaviour on a real run: prepares in well under a second; PPO needs no preference model. */
  run: { sft: { steps: 20, demos: 256 }, feedback: { comparisons: 128 }, rewardModel: { steps: 20 }, preferenceModel: { steps: 0 } },
  /** Behaviour, not quality: stages, tensor counts, events. Judges barely trained. */
  tiny: { sft: { demos: 64, steps: 5, batchSize: 32 }, feedback: { comparisons: 64 }, rewardModel: { steps: 5, batchSize: 32 }, preferenceModel: { steps: 5, batchSize: 32 } },
  /** A π_ref and judges good enough to learn from, on one-step tasks, in about a second. */
  small: { sft: { steps: 100 }, rewardModel: { steps: 150 }, preferenceModel: { steps: 200 } },
} as const satisfies Record<string, Partial<ConfigInput>>;

/** `defaultConfig` with a preset under the overrides. */
export function quickConfig(preset: keyof typeof PREP, overrides: Partial<ConfigInput> = {}): Config {
  return defaultConfig({ ...PREP[preset], ...overrides });
}

/**
 * A PPO run that prepares in well under a second (`PREP.run`, one small update per iteration).
 * Tests built on it check the engine's, the CLI's and the store's behaviour, never what training reaches.
 */
export function tinyConfig(iterations = 3, overrides: Partial<ConfigInput> = {}): Config {
  return quickConfig('run', { iterations, method: { id: 'ppo', batchSize: 16, minibatches: 2, epochs: 1 }, ...overrides });
}

/**
 * A preparation made once for the whole file (`beforeAll`) and freed after it (`afterAll`).
 * Experiments borrow it with `run(config)`; their config must share its preparation settings
 * (`preparationKey`), which `adoptPreparation` checks. Read `preparation()` inside tests, not at collection time.
 */
export function sharedPreparation(base: Partial<ConfigInput>, options: PrepareOptions = {}) {
  let preparation: SharedPreparation | null = null;
  beforeAll(async () => {
    preparation = await prepareShared(defaultConfig(base), undefined, options);
  });
  afterAll(() => preparation?.dispose());
  const get = (): SharedPreparation => {
    if (!preparation) throw new Error('the shared preparation is prepared in beforeAll: use it inside a test');
    return preparation;
  };
  return {
    preparation: get,
    /** The preparation's config with `overrides` (method, iterations, β…; not its preparation). */
    config: (overrides: Partial<ConfigInput> = {}): Config => defaultConfig({ ...base, ...overrides }),
    /** Runs that config on the preparation for its iterations; every iteration's result. */
    run: (overrides: Partial<ConfigInput> = {}) => runExperiment(defaultConfig({ ...base, ...overrides }), get()),
    /** Trains `method` for `iterations` on the preparation; member 0's exact tables at the end, and r_φ [prompt][response]. */
    tables: async (method: ConfigInput['method'], iterations: number) => {
      const experiment = createExperiment(defaultConfig({ ...base, iterations, evalEvery: iterations, method }), { shared: get() });
      for (let i = 0; i < iterations; i++) await experiment.step();
      const { members } = await experiment.summary();
      experiment.dispose();
      return { ...members[0].tables!, proxy: get().prepared.evaluator!.tables.proxy[0] };
    },
  };
}

/** Runs an experiment for `config.iterations` (on `shared` when given) and frees it. */
export async function runExperiment(config: Config, shared?: SharedPreparation): Promise<IterationResult[]> {
  const experiment = createExperiment(config, { shared });
  const results: IterationResult[] = [];
  try {
    for (let i = 0; i < config.iterations; i++) results.push(await experiment.step());
  } finally {
    experiment.dispose();
  }
  return results;
}

/** The last iteration's metrics per member. */
export const lastMembers = (results: readonly IterationResult[]): Metrics[] => results[results.length - 1].members;

/**
 * A preparation made by hand, as the experiment does, so a test can reach what the experiment
 * keeps inside (the learned preference model, the evaluator, a method's own networks).
 */
export async function handPreparation(config: Config, options: PrepareOptions = {}): Promise<{ ctx: MethodContext; prepared: Prepared; dispose: () => void }> {
  const pop = createPopulation(config);
  const policy = createNet(pop, pop.shape.V, 'policy/init');
  const prepared = await prepare(pop, policy, undefined, options);
  const { reference, reward, preference, feedback, evaluator } = prepared;
  return {
    ctx: { pop, policy, reference, reward, preference, feedback, evaluator },
    prepared,
    dispose: () => {
      disposePrepared(prepared);
      policy.dispose();
    },
  };
}

/**
 * Tensor bookkeeping for "every tensor is disposed": counts from now; `hold()` after the first
 * iteration (which allocates what the run keeps), `expectFlat()` after later ones,
 * `expectFreed()` once everything is disposed.
 */
export function leakCheck() {
  const start = tf.memory().numTensors;
  let held = start;
  return {
    hold(): void {
      held = tf.memory().numTensors;
    },
    expectFlat(what = 'tensors held after the first iteration'): void {
      expect(tf.memory().numTensors, what).toBe(held);
    },
    /** `extra`: tensors the test itself still holds on purpose. */
    expectFreed(extra = 0): void {
      expect(tf.memory().numTensors, 'tensors left after dispose').toBe(start + extra);
    },
  };
}
