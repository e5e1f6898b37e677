/**
 * One experiment on the population axis: prepare (SFT → feedback → judges → exact
 * evaluation) then the method's iterations. Owns its tensors; reports plain numbers,
 * with one readback per iteration.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Config } from './config';
import { createMethod, type Method } from './algos';
import { comparisonRows } from './comparisons_file';
import { disposeOutput } from './algos/method';
import type { ExactEvaluator } from './eval/exact';
import { monteCarloWinRates } from './eval/monte_carlo';
import { METHOD_INFO, methodStages } from './method_info';
import { regularizedNash } from './eval/nash';
import { optimalPolicy } from './eval/optimum';
import { firstRows, logProbsUnder, MAX_SAMPLES, policyBars, readSamples, sampleTensors, type PolicyBars, type SampleExtras } from './eval/samples';
import { Readback } from './readback';
import { divergenceMessage, DivergenceError, firstNonFinite, snapshotVariables, weightMagnitude, type VariableSnapshot } from './divergence';
import { pairTensors, readPairs } from './eval/pairs';
import { MAX_MATRIX } from './eval/winrate';
import { createNet, createPopulation, sampleResponses, streams } from './population';
import type { Prepared } from './preparation/prepare';
import { adoptPreparation, prepareShared, type PreparationSource, type SharedPreparation } from './preparation/shared';
import { allResponses, hasGold } from './tasks/task';
import type { Experiment, ExperimentInfo, IterationResult, MemberSummary, Metrics, PolicyTables, RunSummary, StageReport } from './types';

/** How an experiment gets its preparation. */
export interface ExperimentOptions {
  /** Run on this preparation, already made (borrowed: the experiment does not dispose it). */
  shared?: SharedPreparation;
  /** Else ask this source for one when preparing (borrowed too), e.g. the engine's cache. */
  preparations?: PreparationSource;
}

export function createExperiment(config: Config, options: ExperimentOptions = {}): Experiment {
  const { shared, preparations } = options;
  /** A preparation made for this experiment alone (neither shared nor from a source): freed with it. */
  let owned: SharedPreparation | null = null;
  /** Frees what adopting the preparation made for this experiment (a β sweep's per-member view). */
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
  /** Each member's KL coefficient as of the last iteration (it moves under PPO's adaptive controller). */
  let betas: number[] = pop.members.map((m) => m.beta);

  const info: ExperimentInfo = {
    config,
    members: pop.members,
    task: { id: task.id, title: task.title, summary: task.summary, tryThis: task.tryThis, enumerable: pop.enumerable, policy: pop.policyKind },
    stages: [...methodStages(config)],
  };

  async function step(): Promise<IterationResult> {
    if (!prepared) await experiment.prepare();
    if (iteration >= config.iterations) {
      throw new Error(`The run is finished (${config.iterations} iterations); reset or raise "iterations" to go on.`);
    }
    // Nothing of a failed iteration is kept: not its updates, not its count, not its tensors.
    const snapshot = snapshotVariables();
    try {
      const result = await iterate(iteration + 1, snapshot);
      iteration = result.iteration;
      return result;
    } catch (error) {
      snapshot.restore();
      throw error;
    } finally {
      snapshot.dispose();
    }
  }

  async function iterate(next: number, before: VariableSnapshot): Promise<IterationResult> {
    const t = prepared!;
    const marks: { name: string; at: number }[] = [{ name: 'start', at: performance.now() }];
    const out = method!.iterate(next, (name) => marks.push({ name, at: performance.now() }));
    const readback = new Readback();
    try {
      const evaluate = next % config.evalEvery === 0 || next === 1 || next === config.iterations;
      const exact = evaluate && t.evaluator ? exactMetrics(t.evaluator) : {};
      // Without enumeration, win rates are judged on host against fresh samples from π_ref.
      if (evaluate && !t.evaluator) {
        readback.add('reference', sampleResponses(pop, streams(pop, `eval/${next}`), policy, out.prompts, t.reference));
      }
      // The inspector's samples (member 0) and, on small one-step tasks, the exact policy for the bars ride in the same readback.
      const k = Math.min(MAX_SAMPLES, out.prompts.shape[1] as number);
      const inspectRef = t.evaluator ? null : tf.tidy(() => sampleResponses(pop, streams(pop, `samples/${next}`), policy, tf.slice(out.prompts, [0, 0], [P, k]), t.reference));
      const theta = method!.policyNet ?? policy;
      const samplePack = sampleTensors(policy, theta, t.reference, t.reward, out.prompts, out.tokens, k, inspectRef ?? undefined);
      inspectRef?.dispose();
      // The stage walk's view of the same samples: π_θ before this update, and the method's per-token numbers.
      if (!out.perToken?.logProbBefore) readback.add('samples/logProbBefore', logProbsUnder(theta, before.valuesOf(theta.params), out.prompts, out.tokens, k));
      for (const [name, perToken] of Object.entries(out.perToken ?? {})) readback.add(`samples/${name}`, firstRows(perToken, k));
      const kPairs = out.pairs ? Math.min(MAX_SAMPLES, out.pairs.prompts.shape[1] as number) : 0;
      if (out.pairs) readback.add('pairs', pairTensors(out.pairs, theta, before.valuesOf(theta.params), policy, t.reference, kPairs));
      const barsTable = t.evaluator && T === 1 && allResponses(task).length <= MAX_MATRIX ? (method!.exactLogProbs?.() ?? t.evaluator.logProbs()) : null;
      const metricTensors = { ...out.metrics, ...exact };
      const names = Object.keys(metricTensors);
      readback
        .add('metrics', tf.tidy(() => tf.stack(names.map((n) => metricTensors[n]))))
        .add('prompts', out.prompts)
        .add('tokens', out.tokens)
        .add('samples', samplePack)
        .add('weights', weightMagnitude((method!.policyNet ?? policy).params, P));
      tf.dispose(Object.values(metricTensors));
      const klCoefficient = method!.klCoefficient?.();
      if (klCoefficient) readback.add('beta', klCoefficient);
      if (barsTable) readback.add('bars', barsTable);
      const data = await readback.read(); // the one readback of the iteration
      marks.push({ name: 'readback', at: performance.now() });

      const B = out.prompts.shape[1] as number;
      const [values, xsAll, ysAll] = [data.get('metrics'), data.get('prompts'), data.get('tokens')];
      const seq = (flat: Float32Array, i: number) => Array.from(flat.subarray(i * T, (i + 1) * T));
      const nextBetas = klCoefficient ? Array.from(data.get('beta')) : pop.members.map((m) => m.beta);
      const members = pop.members.map((_, p) => {
        const m: Metrics = {};
        names.forEach((n, i) => (m[n] = values[i * P + p]));
        const xs = Array.from(xsAll.subarray(p * B, (p + 1) * B));
        const ys = xs.map((_, b) => seq(ysAll, p * B + b));
        // A task from your data has no gold reward and no pool: those metrics do not exist for it.
        if (hasGold(task)) {
          m['reward/gold'] = xs.reduce((s, x, b) => s + task.gold(x, ys[b]), 0) / B;
          if (data.has('reference')) Object.assign(m, monteCarloWinRates(task, xs, ys, xs.map((_, b) => seq(data.get('reference'), p * B + b))));
        }
        return m;
      });
      const bad = firstNonFinite(members, nextBetas, data.get('weights'));
      if (bad) {
        const m = bad.member;
        throw new DivergenceError(divergenceMessage(config, next, pop.members[m].label, bad, { start: pop.members[m].beta, now: Number.isFinite(nextBetas[m]) ? betas[m] : nextBetas[m] }));
      }
      latest = members;
      betas = nextBetas;
      const extras: SampleExtras = {};
      for (const name of ['logProbBefore', 'tokenReward', 'advantage'] as const) if (data.has(`samples/${name}`)) extras[name] = data.get(`samples/${name}`);
      const samples = readSamples(task, data.get('samples'), k, t.evaluator?.tables.reference[0], extras);
      const pairs = data.has('pairs') ? readPairs(task, data.get('pairs'), kPairs) : undefined;
      let bars: PolicyBars | undefined;
      if (barsTable && t.evaluator) {
        const [, nx, N] = barsTable.shape;
        const table = data.get('bars');
        const logPi = pop.members.map((_, p) => Array.from({ length: nx }, (_, x) => Array.from(table.subarray((p * nx + x) * N, (p * nx + x + 1) * N))));
        // π*_β is the target only of methods whose optimum it is; the others' bars show no target.
        const targetBetas = METHOD_INFO[config.method.id].onFrontier ? betas : betas.map(() => 0);
        bars = policyBars(task, logPi, t.evaluator.tables.reference, t.evaluator.tables.proxy, targetBetas, nashTargets(t.evaluator));
      }
      const stages: StageReport[] = marks.slice(1).map((mark, i) => ({ name: mark.name, ms: mark.at - marks[i].at, narration: mark.name === 'readback' ? 'Metrics copied from the device in one readback.' : method!.narrate(mark.name, latest) }));
      return { iteration: next, members: latest, stages, readbacks: 1, samples, ...(pairs ? { pairs } : {}), ...(bars ? { bars } : {}) };
    } finally {
      // Whatever the readback did not take over (it frees what it read), and the method's output on a failure.
      readback.dispose();
      disposeOutput(out);
    }
  }

  /**
   * Nash-MD's limit for the bars: per member and prompt, the τ-regularised Nash equilibrium of
   * the gold preference around that member's π_ref (Munos et al. 2023, §4). Solved once.
   */
  let nashBars: number[][][] | null = null;
  function nashTargets(evaluator: ExactEvaluator): number[][][] | undefined {
    const preference = evaluator.tables.preference;
    if (config.method.id !== 'nash_md' || !preference) return undefined;
    nashBars ??= pop.members.map((m) => preference.map((P, x) => regularizedNash(P, evaluator.tables.reference[m.index][x], m.beta, { maxIterations: 20_000 }).pi));
    return nashBars;
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
      ...(gold ? { optimumGold: reference[p].map((ref, x) => optimalPolicy(ref, gold[x], beta).pi) } : {}),
      ...(t.result.nash ? { nash: t.result.nash.pi } : {}),
    };
  }

  const experiment: Experiment = {
    info,
    get iteration() {
      return iteration;
    },
    async prepare(onProgress, signal) {
      // The preparation (π_ref, comparisons, judges, evaluator) is trained on a network of its own,
      // so a cancelled preparation leaves the policy untouched; the policy starts from π_ref.
      const preparation = async (): Promise<SharedPreparation> => {
        if (shared) return shared;
        if (preparations) return preparations(config, onProgress, signal);
        owned = await prepareShared(config, onProgress, { signal });
        return owned;
      };
      preparing ??= preparation().then(async (f) => {
        const adopted = await adoptPreparation(f, config, policy);
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
    async comparisons() {
      if (!prepared) await experiment.prepare();
      return comparisonRows(task, prepared!.feedback.comparisons[0]);
    },
    async summary(): Promise<RunSummary> {
      const t = prepared;
      const members: MemberSummary[] = [];
      for (const m of pop.members) {
        const r = t?.result;
        const metrics = { ...r?.sft[m.index], ...r?.rewardModel[m.index], ...r?.preferenceModel[m.index], ...latest[m.index] };
        const tables = t?.evaluator ? await tablesFor(m.index, betas[m.index], t) : undefined;
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
