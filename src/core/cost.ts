/**
 * What an experiment will cost, from its config alone, before anything is prepared (issue 13).
 *
 * Every field of a config is bounded, but not their product: a valid 441-character link asked
 * for terabytes. This models the tensors that dominate, phase by phase — the networks and their
 * Adam moments (kept), and the largest transient of each phase: a tabular lookup materialises
 * a one-hot row per (sequence, position) over every node of the response tree, a judge a
 * one-hot over its features, a transformer its activations — and the arithmetic of the whole
 * run. It is an estimate, checked against tfjs's measured peak on a few configs (cost.test.ts).
 */
import { methodBeta, populationOf, type Config } from './config';
import { taskFor } from './tasks';
import { MAX_ENUMERABLE } from './tasks/task';

/** The most memory an experiment may be estimated to need before the lab refuses it (a browser tab's WASM heap is at most 4 GB). */
export const MEMORY_BUDGET_BYTES = 2 * 1024 ** 3;
/** The most arithmetic (multiply-adds × 2) a whole run may be estimated to need: hours on a laptop's CPU. */
export const COMPUTE_BUDGET_FLOPS = 5e13;

const F32 = 4;

export interface PhaseCost {
  /** e.g. "feedback (sampling 2 × 100,000 responses)". */
  name: string;
  /** The settings that size this phase, as they would be edited: "feedback.comparisons = 100000". */
  drivers: string[];
  /** Peak bytes of the phase's transient tensors. */
  bytes: number;
  /** Arithmetic of the whole phase over the run. */
  flops: number;
}

export interface CostEstimate {
  /** Bytes kept for the whole run: networks, Adam moments, data sets. */
  keptBytes: number;
  /** keptBytes plus the largest phase's transient bytes. */
  peakBytes: number;
  flops: number;
  phases: PhaseCost[];
  /** Settings that multiply everything. */
  scale: string[];
}

interface Sizes {
  P: number;
  nPrompts: number;
  V: number;
  T: number;
  /** Rows of a tabular table: prompts × nodes of the response tree. */
  tableRows: number;
  tabular: boolean;
  d: number;
  layers: number;
  /** Judge feature width and hidden units. */
  F: number;
  H: number;
}

/** Parameters of one policy-shaped network per member. */
function netParams(s: Sizes, outDim: number): number {
  if (s.tabular) return s.tableRows * outDim;
  const { d, layers, V, nPrompts, T } = s;
  return (V + nPrompts + T) * d + layers * (12 * d * d + 9 * d) + d * (outDim + 1) + outDim;
}

/** Transient floats and arithmetic of one forward pass over B sequences (×3 when it is trained: saved activations and gradients). */
function netPass(s: Sizes, B: number, outDim: number, train: boolean): { floats: number; flops: number } {
  const k = train ? 3 : 1;
  const positions = B * s.T;
  // A table lookup materialises a one-hot row over every node of the tree per position.
  if (s.tabular) return { floats: k * positions * (s.tableRows + 2 * outDim), flops: k * 2 * positions * s.tableRows * outDim };
  const { d, layers, V, nPrompts, T } = s;
  const floats = k * positions * (layers * (16 * d + 2 * T) + 2 * d + 3 * outDim + V + nPrompts);
  const flops = k * 2 * positions * (layers * (12 * d * d + 2 * T * d) + d * outDim);
  return { floats, flops };
}

/** Sampling B responses: T passes of the network over the batch (two alive at once, measured), and Gumbel noise. */
function samplePass(s: Sizes, B: number): { floats: number; flops: number } {
  const pass = netPass(s, B, s.V, false);
  return { floats: 2 * pass.floats + B * s.T * s.V, flops: s.T * pass.flops };
}

/** A loss over every row of a data set (a stage's last report): the pass and its log-probabilities, about twice a bare pass (measured). */
function lossPass(s: Sizes, B: number): { floats: number; flops: number } {
  const pass = netPass(s, B, s.V, false);
  return { floats: 2 * pass.floats, flops: pass.flops };
}

/** A judge's pass over B (prompt, response) pairs: the materialised multi-hot and the hidden layer. */
function judgePass(s: Sizes, B: number, train: boolean): { floats: number; flops: number } {
  const k = train ? 3 : 1;
  const K = 1 + 2 * s.T;
  return { floats: k * B * (K * s.F + s.F + 2 * s.H), flops: k * 2 * B * s.F * s.H };
}

const fmt = (n: number) => n.toLocaleString('en');

export function estimateCost(config: Config): CostEstimate {
  const task = taskFor(config.task);
  const P = populationOf(config).length;
  const V = task.vocab.length;
  const T = task.T;
  const nPrompts = task.prompts.length;
  const kind = config.policy.kind === 'auto' ? (T === 1 ? 'tabular' : 'transformer') : config.policy.kind;
  let nodes = 0;
  for (let t = 0; t < T; t++) nodes += V ** t;
  const s: Sizes = {
    P, nPrompts, V, T, tableRows: nPrompts * nodes, tabular: kind === 'tabular', d: config.policy.dModel, layers: config.policy.layers,
    F: nPrompts + T * V + T * nPrompts * V, H: Math.max(config.rewardModel.hidden, config.preferenceModel.hidden),
  };
  const policyKnobs = s.tabular ? [`task (a table of ${fmt(s.tableRows)} × ${V})`] : [`policy.dModel = ${s.d}`, `policy.layers = ${s.layers}`];
  const method = config.method;
  const N = V ** T;
  const enumerable = N <= MAX_ENUMERABLE;

  // Kept: policy, reference, the method's value head, Adam's two moments of what trains, judges (×3 with Adam), data.
  const policy = netParams(s, V);
  const value = method.id === 'ppo' ? netParams(s, 1) : 0;
  const judges = 2 * (s.F * s.H + 2 * s.H + 2) * 3;
  const data = config.sft.demos * (T + 1) + config.feedback.comparisons * 3 * (2 * T + 1);
  const evaluation = enumerable ? nPrompts * N * 4 : 0;
  const keptFloats = 2 * policy + 3 * (policy + value) + judges + data + evaluation;

  const phases: PhaseCost[] = [];
  const add = (name: string, drivers: string[], pass: { floats: number; flops: number }, repeats: number) =>
    phases.push({ name, drivers, bytes: P * pass.floats * F32, flops: P * pass.flops * repeats });

  const { sft, feedback, rewardModel } = config;
  add(`SFT (batches of ${fmt(sft.batchSize)}, and a pass over ${fmt(sft.demos)} demonstrations)`, [`sft.batchSize = ${sft.batchSize}`, `sft.demos = ${sft.demos}`, ...policyKnobs], maxPass(netPass(s, sft.batchSize, V, true), lossPass(s, sft.demos)), sft.steps);
  add(`feedback (sampling 2 × ${fmt(feedback.comparisons)} responses)`, [`feedback.comparisons = ${feedback.comparisons}`, ...policyKnobs], samplePass(s, 2 * feedback.comparisons), 1);
  add(`judges (batches of ${fmt(rewardModel.batchSize)}, and passes over ${fmt(feedback.comparisons)} pairs)`, [`feedback.comparisons = ${feedback.comparisons}`, `rewardModel.hidden = ${config.rewardModel.hidden}`], maxPass(judgePass(s, rewardModel.batchSize, true), judgePass(s, 2 * feedback.comparisons, false)), rewardModel.steps + config.preferenceModel.steps);
  add(...methodPhase(config, s, policyKnobs));
  if (enumerable) {
    const pass = netPass(s, nPrompts * N, V, false);
    add(`exact evaluation (${fmt(nPrompts * N)} prompt–response pairs)`, [`task (${fmt(N)} responses per prompt)`, ...policyKnobs], { floats: 2 * pass.floats, flops: 2 * pass.flops }, Math.ceil(config.iterations / config.evalEvery) + 1);
  }
  // Plus about half a megabyte of small tensors whatever the config (measured on the bandit).
  const keptBytes = P * keptFloats * F32 + 2 ** 19;
  const peakBytes = keptBytes + Math.max(...phases.map((p) => p.bytes));
  const scale = P > 1 ? [`sweep (${P} members)`] : [];
  return { keptBytes, peakBytes, flops: phases.reduce((a, p) => a + p.flops, 0), phases, scale };
}

function maxPass(a: { floats: number; flops: number }, b: { floats: number; flops: number }) {
  return { floats: Math.max(a.floats, b.floats), flops: a.flops + b.flops };
}

/** The method's iterations: what one iteration holds at once, times the number of iterations. */
function methodPhase(config: Config, s: Sizes, policyKnobs: string[]): [string, string[], { floats: number; flops: number }, number] {
  const m = config.method;
  const its = config.iterations;
  const name = (what: string) => `${m.id} iterations (${what})`;
  const drivers = (...own: string[]) => [...own, `iterations = ${its}`, ...policyKnobs];
  switch (m.id) {
    case 'ppo': {
      const rollout = netPass(s, m.batchSize, s.V + 1, false);
      const update = netPass(s, Math.ceil(m.batchSize / m.minibatches), s.V + 1, true);
      const sample = samplePass(s, m.batchSize);
      return [name(`batches of ${fmt(m.batchSize)}`), drivers(`method.batchSize = ${m.batchSize}`, `method.epochs = ${m.epochs}`), { floats: Math.max(3 * rollout.floats, update.floats, sample.floats), flops: sample.flops + 3 * rollout.flops + m.epochs * m.minibatches * update.flops }, its];
    }
    case 'rloo':
    case 'grpo':
    case 'p3o': {
      // B prompts × k responses (P3O: a pair): one sampling pass, π_θ and π_ref and r_φ over them, then `epochs` backward passes.
      const k = m.id === 'p3o' ? 2 : m.k;
      const N = m.batchSize * k;
      const sample = samplePass(s, N);
      const forward = netPass(s, N, s.V, false);
      const update = netPass(s, N, s.V, true);
      return [name(`${fmt(m.batchSize)} prompts × ${fmt(k)} responses`), drivers(...(m.id === 'p3o' ? [] : [`method.k = ${m.k}`]), `method.batchSize = ${m.batchSize}`, `method.epochs = ${m.epochs}`), { floats: Math.max(sample.floats, 2 * forward.floats, update.floats), flops: sample.flops + 2 * forward.flops + m.epochs * update.flops }, its];
    }
    case 'best_of_n':
    case 'expert_iteration': {
      const B = m.batchSize * m.n;
      const sample = samplePass(s, B);
      const judge = judgePass(s, B, false);
      return [name(`${fmt(m.batchSize)} prompts × ${fmt(m.n)} candidates`), drivers(`method.n = ${m.n}`, `method.batchSize = ${m.batchSize}`), { floats: Math.max(sample.floats, judge.floats), flops: sample.flops + judge.flops }, its];
    }
    default: {
      const B = 'batchSize' in m ? m.batchSize : 64;
      const steps = 'steps' in m ? m.steps : 1;
      const pass = netPass(s, 2 * B, s.V, true);
      const sample = samplePass(s, 2 * B);
      return [name(`batches of ${fmt(B)}${methodBeta(m) === null ? '' : ' pairs'}`), drivers(`method.batchSize = ${B}`), { floats: Math.max(pass.floats, sample.floats), flops: sample.flops + steps * pass.flops }, its];
    }
  }
}

const size = (bytes: number) => (bytes >= 1024 ** 4 ? `${(bytes / 1024 ** 4).toPrecision(3)} TB` : bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toPrecision(3)} GB` : `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`);

/**
 * Why the experiment is over budget, naming the phase and the settings that drive it; null
 * when it fits. At most about 300 characters.
 */
export function overBudget(estimate: CostEstimate, budget = { bytes: MEMORY_BUDGET_BYTES, flops: COMPUTE_BUDGET_FLOPS }): string | null {
  const top = (key: 'bytes' | 'flops') => [...estimate.phases].sort((a, b) => b[key] - a[key])[0];
  const knobs = (phase: PhaseCost) => [...estimate.scale, ...phase.drivers].slice(0, 4).join(', ');
  if (estimate.peakBytes > budget.bytes) {
    const phase = top('bytes');
    return `This experiment would need about ${size(estimate.peakBytes)} of memory (the lab allows ${size(budget.bytes)}), most of it in ${phase.name}. Lower: ${knobs(phase)}.`;
  }
  if (estimate.flops > budget.flops) {
    const phase = top('flops');
    return `This experiment would take about ${estimate.flops.toExponential(1)} floating-point operations (the lab allows ${budget.flops.toExponential(0)}: hours on a laptop), most of it in ${phase.name}. Lower: ${knobs(phase)}.`;
  }
  return null;
}
