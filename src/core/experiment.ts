/**
 * One experiment on the population axis: SFT (π_ref) → Bradley–Terry reward model →
 * the method's iterations, with exact evaluation where the task is enumerable.
 * Owns its tensors; reports plain numbers (one readback per iteration).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Config } from './config';
import { createPpoState, disposePpoState, PPO_STAGES, ppoIteration, type PpoState } from './algos/ppo';
import { trainRewardModel } from './algos/reward_model';
import { trainSft } from './algos/sft';
import { createExactEvaluator, type ExactEvaluator } from './eval/exact';
import { optimalPolicy } from './eval/optimum';
import { narrate } from './narration';
import type { RewardNet } from './models/reward_mlp';
import { snapshot } from './models/sample';
import { createNet, createPopulation } from './population';
import { allResponses } from './tasks/task';
import type { Comparison } from './tasks/annotators';
import type {
  Experiment,
  ExperimentInfo,
  IterationResult,
  MemberSummary,
  Metrics,
  PolicyTables,
  PrepareProgress,
  PrepareResult,
  RunSummary,
  StageReport,
} from './types';

interface Trained {
  reference: tf.Tensor[];
  reward: RewardNet;
  ppo: PpoState;
  evaluator: ExactEvaluator | null;
  result: PrepareResult;
  comparisons: Comparison[];
}

export function createExperiment(config: Config): Experiment {
  const pop = createPopulation(config);
  const { task } = pop;
  const policy = createNet(pop, pop.shape.V, 'policy/init');
  const hp = config.method;
  let trained: Trained | null = null;
  let preparing: Promise<PrepareResult> | null = null;
  let iteration = 0;
  let latest: Metrics[] = pop.members.map(() => ({}));

  const info: ExperimentInfo = {
    config,
    members: pop.members,
    task: {
      id: task.id,
      title: task.title,
      summary: task.summary,
      tryThis: task.tryThis,
      enumerable: pop.enumerable,
      policy: pop.policyKind,
    },
    stages: [...PPO_STAGES],
  };

  async function runPrepare(onProgress?: (p: PrepareProgress) => void): Promise<PrepareResult> {
    const sft = await trainSft(pop, policy, (p) => onProgress?.({ stage: 'sft', ...p }));
    const reference = snapshot(policy.params);
    const rm = await trainRewardModel(pop, policy, reference, (step, total, members) =>
      onProgress?.({ stage: 'reward_model', step, total, members }),
    );
    const ctx = { pop, policy, reference, reward: rm.reward };
    const result = { sft, rewardModel: rm.metrics };
    trained = {
      reference,
      reward: rm.reward,
      ppo: createPpoState(ctx, hp),
      evaluator: pop.enumerable ? createExactEvaluator(pop, policy, reference, rm.reward) : null,
      result,
      comparisons: rm.sample,
    };
    return result;
  }

  async function step(): Promise<IterationResult> {
    if (!trained) await experiment.prepare();
    const t = trained!;
    if (iteration >= config.iterations) {
      throw new Error(`The run is finished (${config.iterations} iterations); reset or raise "iterations" to go on.`);
    }
    iteration += 1;
    const marks: { name: string; at: number }[] = [{ name: 'start', at: performance.now() }];
    const out = ppoIteration({ pop, policy, reference: t.reference, reward: t.reward }, t.ppo, hp, iteration, (name) =>
      marks.push({ name, at: performance.now() }),
    );
    const evaluate = t.evaluator && (iteration % config.evalEvery === 0 || iteration === 1 || iteration === config.iterations);
    const metricTensors = { ...out.metrics, ...(evaluate ? t.evaluator!.metrics() : {}) };
    const names = Object.keys(metricTensors);
    const packed = tf.tidy(() =>
      tf.concat([
        tf.reshape(tf.stack(names.map((n) => metricTensors[n])), [-1]),
        tf.reshape(tf.cast(out.prompts, 'float32'), [-1]),
        tf.reshape(tf.cast(out.tokens, 'float32'), [-1]),
      ]),
    );
    tf.dispose([...Object.values(metricTensors), out.prompts, out.tokens]);
    const data = await packed.data(); // the one readback of the iteration
    packed.dispose();
    marks.push({ name: 'readback', at: performance.now() });

    const { P } = pop;
    const B = hp.batchSize;
    const { T } = pop.shape;
    const xOffset = names.length * P;
    const yOffset = xOffset + P * B;
    latest = pop.members.map((_, p) => {
      const m: Metrics = {};
      names.forEach((n, i) => (m[n] = data[i * P + p]));
      let gold = 0;
      for (let b = 0; b < B; b++) {
        const y = Array.from(data.subarray(yOffset + (p * B + b) * T, yOffset + (p * B + b + 1) * T));
        gold += task.gold(data[xOffset + p * B + b], y);
      }
      m['reward/gold'] = gold / B;
      return m;
    });
    const stages: StageReport[] = marks.slice(1).map((mark, i) => ({
      name: mark.name,
      ms: mark.at - marks[i].at,
      narration: narrate(mark.name, latest, hp),
    }));
    return { iteration, members: latest, stages, readbacks: 1 };
  }

  async function tablesFor(p: number, beta: number, t: Trained): Promise<PolicyTables> {
    const logPi = t.evaluator!.logProbs();
    const pi = ((await logPi.array()) as number[][][])[p].map((row) => row.map(Math.exp));
    logPi.dispose();
    const { reference, proxy, gold } = await t.evaluator!.tables();
    return {
      prompts: [...task.prompts],
      responses: allResponses(task).map((y) => task.render(y)),
      policy: pi,
      reference: reference[p],
      optimum: reference[p].map((ref, x) => optimalPolicy(ref, proxy[p][x], beta).pi),
      optimumGold: reference[p].map((ref, x) => optimalPolicy(ref, gold[x], beta).pi),
    };
  }

  const experiment: Experiment = {
    info,
    get iteration() {
      return iteration;
    },
    prepare(onProgress) {
      preparing ??= runPrepare(onProgress);
      return preparing;
    },
    step,
    async summary(): Promise<RunSummary> {
      const t = trained;
      const members: MemberSummary[] = [];
      for (const m of pop.members) {
        const metrics = { ...(t?.result.sft[m.index] ?? {}), ...(t?.result.rewardModel[m.index] ?? {}), ...latest[m.index] };
        const beta = metrics['ppo/beta'] ?? m.beta;
        const tables = t?.evaluator ? await tablesFor(m.index, beta, t) : undefined;
        members.push({ index: m.index, label: m.label, seed: m.seed, beta: m.beta, metrics, tables });
      }
      return {
        config,
        task: { id: task.id, title: task.title, enumerable: pop.enumerable },
        iterations: iteration,
        prepare: t?.result ?? { sft: [], rewardModel: [] },
        members,
      };
    },
    dispose() {
      policy.dispose();
      if (trained) {
        tf.dispose(trained.reference);
        trained.reward.dispose();
        disposePpoState(trained.ppo);
        trained.evaluator?.dispose();
      }
    },
  };
  return experiment;
}
