/** Shared by the engine's tests (and the bench's quick mode): configs small enough for CI. */
import { parseConfig, type Config, type ConfigInput } from '../core/config';

/**
 * A config that prepares in seconds on the CPU backend. Tests built on it check the
 * engine's behaviour, never what training reaches.
 */
export function tinyConfig(iterations = 3, overrides: Partial<ConfigInput> = {}): Config {
  return parseConfig({
    version: 1,
    iterations,
    sft: { steps: 20, demos: 256 },
    feedback: { comparisons: 128 },
    rewardModel: { steps: 20 },
    // PPO does not use the pairwise preference model: skip its training.
    preferenceModel: { steps: 0 },
    method: { id: 'ppo', batchSize: 16, minibatches: 2, epochs: 1 },
    ...overrides,
  });
}
