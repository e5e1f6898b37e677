/**
 * One experiment on the population axis: prepare (SFT → feedback → judges → exact
 * evaluation) then the method's iterations. Owns its tensors; reports plain numbers,
 * with one readback per iteration.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Config } from './config';
import { createMethod, type Method } from './algos';
import type { ExactEvaluator } from './eval/exact';
import { monteCarloWinRates } from './eval/monte_carlo';
import { METHOD_INFO } from './method_info';
import { optimalPolicy } from './eval/optimum';
import { MAX_SAMPLES, policyBars, readSamples, sampleTensors, sampleWidth, type PolicyBars } from './eval/samples';
import { MAX_MATRIX } from './eval/winrate';
import { sampleTokens } from './models/sample';
import { createNet, createPopulation, drawGumbel, streams } from './population';
import type { Prepared } from './prepare';
import { adoptFarm, prepareFarm, type FarmSource, type SharedFarm } from './farm_shared';
import { allResponses } from './tasks/task';
import type { Experiment, ExperimentInfo, IterationResult, MemberSummary, Metrics, PolicyTables, RunSummary, StageReport } from './types';

/** How an experiment gets its preparation. */
export interface ExperimentOptions {
  /** Run on this already prepared farm (borrowed: the experiment does not dispose it). */
  shared?: SharedFarm;
  /** Else ask this source for one when preparing (borrowed too), e.g. the engine's cache. */
  farms?: FarmSource;
}

export function createExperiment(config: Config, options: ExperimentOptions = {}): Experiment {
  const { shared, farms } = options;
  /** A farm prepared for this experiment alone (neither shared nor from a source): freed with it. */
  let owned: SharedFarm | null = null;
  /** Frees what adopting the farm made for this experiment (a β sweep's per-member view). */
  let release = (): void => {};
  const pop = createPopulation(config);
  const { task } = pop;
  const { P } = pop;
  const { T } = pop.shape;
  const policy = createNet(pop, pop.shape.V, 'policy/init');
  const hp = config.method;
  let prepared: Prepared | null = null;
  let method: Method | null = null;
  let preparing: Promise<Prepared> | null = null;
  let iteration = 0;
  let latest: Metrics[] = pop.members.map(() => ({}));

  const info: ExperimentInfo = {
    config,
    members: pop.members,
    task: { id: task.id, title: task.title, summary: task.summary, tryThis: task.tryThis, enumerable: pop.enumerable, policy: pop.policyKind },
    stages: [...METHOD_INFO[config.method.id].stages],
  };

  async function step(): Promise<IterationResult> {
    if (!prepared) await experiment.prepare();
    const t = prepared!;
    if (iteration >= config.iterations) {
      throw new Error(`The run is finished (${config.iterations} iterations); reset or raise "iterations" to go on.`);
    }
    iteration += 1;
    const marks: { name: string; at: number }[] = [{ name: 'start', at: performance.now() }];
    const out = method!.iterate(iteration, (name) => marks.push({ name, at: performance.now() }));
    const evaluate = iteration % config.evalEvery === 0 || iteration === 1 || iteration === config.iterations;
    const exact = evaluate && t.evaluator ? exactMetrics(t.evaluator) : {};
    // Without enumeration, win rates are judged on host against fresh samples from π_ref.
    let refTokens: tf.Tensor | null = null;
    if (evaluate && !t.evaluator) {
      const gumbel = drawGumbel(pop, streams(pop, `eval/${iteration}`), out.prompts.shape[1] as number);
      refTokens = sampleTokens(policy, out.prompts, gumbel, t.reference);
      gumbel.dispose();
    }
    // The inspector's samples (member 0) and, on small one-step tasks, the exact policy for the bars ride in the same readback.
    const k = Math.min(MAX_SAMPLES, out.prompts.shape[1] as number);
    let inspectRef: tf.Tensor | null = null;
    if (!t.evaluator) {
      const gumbel = drawGumbel(pop, streams(pop, `samples/${iteration}`), k);
      inspectRef = tf.tidy(() => sampleTokens(policy, tf.slice(out.prompts, [0, 0], [P, k]), gumbel, t.reference));
      gumbel.dispose();
    }
    const samplePack = sampleTensors(policy, method!.policyNet ?? policy, t.reference, t.reward, out.prompts, out.tokens, k, inspectRef ?? undefined);
    inspectRef?.dispose();
    const barsTable = t.evaluator && T === 1 && allResponses(task).length <= MAX_MATRIX ? (method!.exactLogProbs?.() ?? t.evaluator.logProbs()) : null;
    const metricTensors = { ...out.metrics, ...exact };
    const names = Object.keys(metricTensors);
    const packed = tf.tidy(() =>
      tf.concat([
        tf.reshape(tf.stack(names.map((n) => metricTensors[n])), [-1]),
        ...[out.prompts, out.tokens, ...(refTokens ? [refTokens] : []), samplePack, ...(barsTable ? [barsTable] : [])].map((x) => tf.reshape(tf.cast(x, 'float32'), [-1])),
      ]),
    );
    tf.dispose([...Object.values(metricTensors), out.prompts, out.tokens, ...(refTokens ? [refTokens] : []), samplePack, ...(barsTable ? [barsTable] : [])]);
    const data = await packed.data(); // the one readback of the iteration
    packed.dispose();
    marks.push({ name: 'readback', at: performance.now() });

    const B = out.prompts.shape[1] as number;
    const xAt = names.length * P;
    const yAt = xAt + P * B;
    const refAt = yAt + P * B * T;
    const seq = (offset: number, i: number) => Array.from(data.subarray(offset + i * T, offset + (i + 1) * T));
    latest = pop.members.map((_, p) => {
      const m: Metrics = {};
      names.forEach((n, i) => (m[n] = data[i * P + p]));
      const xs = Array.from(data.subarray(xAt + p * B, xAt + (p + 1) * B));
      const ys = xs.map((_, b) => seq(yAt, p * B + b));
      m['reward/gold'] = xs.reduce((s, x, b) => s + task.gold(x, ys[b]), 0) / B;
      if (refTokens) Object.assign(m, monteCarloWinRates(task, xs, ys, xs.map((_, b) => seq(refAt, p * B + b))));
      return m;
    });
    const samplesAt = refAt + (refTokens ? P * B * T : 0);
    const barsAt = samplesAt + sampleWidth(k, T, inspectRef !== null);
    const samples = readSamples(task, data.subarray(samplesAt, barsAt), k, t.evaluator?.tables.reference[0]);
    let bars: PolicyBars | undefined;
    if (barsTable && t.evaluator) {
      const [, nx, N] = barsTable.shape;
      const logPi = pop.members.map((_, p) => Array.from({ length: nx }, (_, x) => Array.from(data.subarray(barsAt + (p * nx + x) * N, barsAt + (p * nx + x + 1) * N))));
      const betas = latest.map((m, p) => m['ppo/beta'] ?? pop.members[p].beta);
      bars = policyBars(task, logPi, t.evaluator.tables.reference, t.evaluator.tables.proxy, betas);
    }
    const stages: StageReport[] = marks.slice(1).map((mark, i) => ({ name: mark.name, ms: mark.at - marks[i].at, narration: mark.name === 'readback' ? 'Metrics copied from the device in one readback.' : method!.narrate(mark.name, latest) }));
    return { iteration, members: latest, stages, readbacks: 1, samples, ...(bars ? { bars } : {}) };
  }

  /** The exact metrics of the method's policy: the network's, or the table it reports. */
  function exactMetrics(evaluator: ExactEvaluator): Record<string, tf.Tensor> {
    const table = method?.exactLogProbs?.();
    const out = evaluator.metrics(table);
    table?.dispose();
    return out;
  }

  async function tablesFor(p: number, beta: number, t: Prepared): Promise<PolicyTables> {
    const logPi = method?.exactLogProbs?.() ?? t.evaluator!.logProbs();
    const pi = ((await logPi.array()) as number[][][])[p].map((row) => row.map(Math.exp));
    logPi.dispose();
    const { reference, proxy, gold } = t.evaluator!.tables;
    return {
      prompts: [...task.prompts],
      responses: allResponses(task).map((y) => task.render(y)),
      policy: pi,
      reference: reference[p],
      optimum: reference[p].map((ref, x) => optimalPolicy(ref, proxy[p][x], beta).pi),
      optimumGold: reference[p].map((ref, x) => optimalPolicy(ref, gold[x], beta).pi),
      ...(t.result.nash ? { nash: t.result.nash.pi } : {}),
    };
  }

  const experiment: Experiment = {
    info,
    get iteration() {
      return iteration;
    },
    async prepare(onProgress, signal) {
      // The farm (π_ref, comparisons, judges, evaluator) is trained on a network of its own,
      // so a cancelled preparation leaves the policy untouched; the policy starts from π_ref.
      const farm = async (): Promise<SharedFarm> => {
        if (shared) return shared;
        if (farms) return farms(config, onProgress, signal);
        owned = await prepareFarm(config, onProgress, { signal });
        return owned;
      };
      preparing ??= farm().then(async (f) => {
        const adopted = await adoptFarm(f, config, policy);
        release = adopted.release;
        const p = adopted.prepared;
        prepared = p;
        method = createMethod({ pop, policy, reference: p.reference, reward: p.reward, preference: p.preference, feedback: p.feedback, evaluator: p.evaluator }, hp);
        return p;
      });
      // A cancelled (or failed) preparation may be asked for again.
      preparing.catch(() => (preparing = null));
      return (await preparing).result;
    },
    step,
    async summary(): Promise<RunSummary> {
      const t = prepared;
      const members: MemberSummary[] = [];
      for (const m of pop.members) {
        const r = t?.result;
        const metrics = { ...r?.sft[m.index], ...r?.rewardModel[m.index], ...r?.preferenceModel[m.index], ...latest[m.index] };
        const beta = metrics['ppo/beta'] ?? m.beta;
        const tables = t?.evaluator ? await tablesFor(m.index, beta, t) : undefined;
        members.push({ index: m.index, label: m.label, seed: m.seed, beta: m.beta, metrics, tables });
      }
      return {
        config,
        task: { id: task.id, title: task.title, enumerable: pop.enumerable },
        iterations: iteration,
        prepare: t?.result ?? { sft: [], rewardModel: [], preferenceModel: [], comparisons: [], frontier: null, nash: null },
        members,
      };
    },
    dispose() {
      policy.dispose();
      release();
      owned?.dispose();
      method?.dispose();
    },
  };
  return experiment;
}
