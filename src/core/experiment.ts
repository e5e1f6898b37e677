// TEMPORARY development fake (replaced by the real pipeline before landing): same
// interface as the real experiment, deterministic fake numbers, no training.
import * as tf from '@tensorflow/tfjs-core';
import { populationOf, type Config } from './config';
import { Rng } from './rng';
import { getTask, isEnumerable } from './tasks';
import type { Experiment, ExperimentInfo, IterationResult, PrepareProgress, PrepareResult, RunSummary } from './types';

export function createExperiment(config: Config): Experiment {
  const task = getTask(config.task.id);
  const members = populationOf(config);
  const rng = new Rng(config.seed);
  let iteration = 0;
  let prepared: PrepareResult | null = null;
  const info: ExperimentInfo = {
    config,
    members,
    task: { id: task.id, title: task.title, summary: task.summary, tryThis: task.tryThis, enumerable: isEnumerable(task), policy: task.T === 1 ? 'tabular' : 'transformer' },
    stages: ['sample', 'score', 'advantages', 'update'],
  };
  return {
    info,
    get iteration() {
      return iteration;
    },
    async prepare(onProgress?: (p: PrepareProgress) => void) {
      for (let s = 0; s <= 10; s++) onProgress?.({ stage: 'sft', step: s, total: 10, members: members.map(() => ({ 'sft/nll': 1 - s / 20 })) });
      for (let s = 0; s <= 10; s++) onProgress?.({ stage: 'reward_model', step: s, total: 10, members: members.map(() => ({ 'rm/accuracy': 0.5 + s / 40 })) });
      prepared = { sft: members.map(() => ({ 'sft/nll': 0.5 })), rewardModel: members.map(() => ({ 'rm/accuracy': 0.75 })) };
      return prepared;
    },
    async step(): Promise<IterationResult> {
      if (!prepared) await this.prepare();
      iteration += 1;
      const v = tf.tidy(() => tf.mul(tf.scalar(iteration), 0.01).dataSync()[0]);
      return {
        iteration,
        members: members.map((m) => ({ 'reward/proxy': v + rng.normal() * 0.01, 'reward/gold': v * 0.8, 'kl/exact': v * m.beta, 'kl/k3': v * m.beta + 0.001, 'kl/k1': v * m.beta, 'loss/policy': -v, 'loss/value': 0.1 })),
        stages: info.stages.map((name) => ({ name, narration: `${name} done`, ms: 1 })),
        readbacks: 1,
      };
    },
    async summary(): Promise<RunSummary> {
      return { config, task: { id: task.id, title: task.title, enumerable: isEnumerable(task) }, iterations: iteration, prepare: prepared ?? { sft: [], rewardModel: [] }, members: members.map((m) => ({ ...m, metrics: {} })) };
    },
    dispose() {},
  };
}
