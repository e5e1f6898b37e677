import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type ConfigInput } from './config';
import { DivergenceError, divergenceMessage, firstNonFinite } from './divergence';
import { createExperiment } from './experiment';

const small: Partial<ConfigInput> = { iterations: 60, sft: { demos: 64, steps: 10 }, feedback: { comparisons: 64 }, rewardModel: { steps: 10 }, preferenceModel: { steps: 10 } };

describe('divergence containment', () => {
  it('undoes a diverging iteration: the error names the quantity and the fix, the weights, count and tensors stay as before, and it fails the same way again', async () => {
    // The adaptive controller with a tiny target and horizon multiplies β by 13.8 per iteration until float32 overflows.
    const config = defaultConfig({ ...small, method: { id: 'ppo', adaptiveKl: { target: 0.001, horizon: 1 } } });
    const experiment = createExperiment(config);
    await experiment.prepare();
    const weights = async () => Promise.all(Object.values(tf.engine().registeredVariables).map((v) => v.data()));
    let failure: unknown = null;
    let before: { weights: unknown; tensors: number; iteration: number } | null = null;
    for (let k = 0; k < 60 && !failure; k++) {
      before = { weights: await weights(), tensors: tf.memory().numTensors, iteration: experiment.iteration };
      try {
        await experiment.step();
      } catch (error) {
        failure = error;
      }
    }
    expect(failure).toBeInstanceOf(DivergenceError);
    const message = (failure as Error).message;
    expect(message).toMatch(new RegExp(`^Training diverged at iteration ${before!.iteration + 1} \\(β=0.05\\): \\S+ became (NaN|Infinity|−Infinity)\\. The iteration was undone; the run stays at iteration ${before!.iteration}\\.`));
    expect(message).toMatch(/adaptive KL controller had driven β from 0.05 to .*: turn it off/);
    expect(experiment.iteration).toBe(before!.iteration);
    expect(tf.memory().numTensors).toBe(before!.tensors);
    expect(await weights()).toEqual(before!.weights);
    await expect(experiment.step()).rejects.toThrow(message);
    expect(experiment.iteration).toBe(before!.iteration);
    const summary = await experiment.summary();
    expect(summary.iterations).toBe(before!.iteration);
    expect(Object.values(summary.members[0].metrics).every(Number.isFinite)).toBe(true);
    experiment.dispose();
  });

  it('finds the first non-finite metric, KL coefficient or weight, per member', () => {
    expect(firstNonFinite([{ a: 1 }, { a: 2, b: NaN }], [0.1, 0.1], new Float32Array([1, 1]))).toEqual({ member: 1, quantity: 'b', value: NaN });
    expect(firstNonFinite([{ a: 1 }], [Infinity], new Float32Array([1]))).toEqual({ member: 0, quantity: 'the KL coefficient', value: Infinity });
    expect(firstNonFinite([{ a: 1 }], [0.1], new Float32Array([NaN]))).toEqual({ member: 0, quantity: "the policy's weights", value: NaN });
    expect(firstNonFinite([{ a: 1 }], [0.1], new Float32Array([3]))).toBeNull();
  });

  it('suggests a learning rate ten times lower when the controller is not to blame', () => {
    const message = divergenceMessage(defaultConfig({ method: { id: 'dpo', lr: 1 } }), 5, 'β=0.1', { member: 0, quantity: 'loss/dpo', value: NaN }, { start: 0.1, now: 0.1 });
    expect(message).toBe('Training diverged at iteration 5 (β=0.1): loss/dpo became NaN. The iteration was undone; the run stays at iteration 4. Lower the learning rate (now 1; try 0.1).');
  });
});
