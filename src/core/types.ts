/**
 * The contract between core and engine: what an experiment reports. Plain data only
 * (numbers, strings, arrays) so it crosses the worker boundary and lands in stores
 * unchanged; no tensor ever appears here.
 */
import type { Config, Member } from './config';
import type { FrontierPoint } from './eval/optimum';
import type { PairView } from './eval/pairs';
import type { ComparisonRow } from './comparisons_file';
import type { PolicyBars, SampleView } from './eval/samples';

export type { MemberBars, PolicyBars, SampleVerdict, SampleView } from './eval/samples';
export type { PairView } from './eval/pairs';

/** Metric name → value, names like `reward/gold`, `reward/proxy`, `kl/exact`, `kl/k3`. */
export type Metrics = Record<string, number>;

/** A preparation stage before the method's iterations. */
export type PrepareStage = 'sft' | 'feedback' | 'reward_model' | 'preference_model' | 'exact';

export interface PrepareProgress {
  stage: PrepareStage;
  /** Steps done so far in this stage, and how many there are. */
  step: number;
  total: number;
  /** Per-member metrics of the stage so far (e.g. `sft/nll`, `rm/accuracy`). */
  members: Metrics[];
}

/** One labelled comparison as people read it. */
export interface ComparisonView {
  prompt: string;
  first: string;
  second: string;
  annotator: string;
  bias: string;
  winner: 'first' | 'second';
  /** True when the label is AlpacaFarm's coin toss, not the annotator's judgement. */
  coinToss: boolean;
}

/** The exact KL–reward frontiers of one member (enumerable tasks). */
export interface FrontierSet {
  /** π*_β of the learned reward r_φ: `reward` is r_φ, `other` the gold reward it earns. */
  proxy: FrontierPoint[];
  /** π*_β of the gold reward: the best any method could do at each KL (absent on a task from your data). */
  gold?: FrontierPoint[];
}

/** The Nash equilibrium of the gold preference per prompt (small one-step tasks). */
export interface NashView {
  prompts: string[];
  responses: string[];
  /** [prompt][response]. */
  pi: number[][];
  /** The equilibrium's worst-case win rate per prompt (½ up to precision). */
  worstCase: number[];
}

export interface PrepareResult {
  /** True when the engine reused a cached preparation (same task, seeds, SFT, feedback and judges) instead of training. */
  reused?: boolean;
  sft: Metrics[];
  rewardModel: Metrics[];
  preferenceModel: Metrics[];
  /** A sample of member 0's labelled comparisons, with who labelled them. */
  comparisons: ComparisonView[];
  /** Per member, for enumerable tasks; null otherwise. */
  frontier: FrontierSet[] | null;
  nash: NashView | null;
}

/** One named stage of an iteration, with a narration built from this run's numbers. */
export interface StageReport {
  name: string;
  narration: string;
  ms: number;
}

export interface IterationResult {
  /** 1-based index of the iteration just completed. */
  iteration: number;
  /** Metrics per population member (length P). */
  members: Metrics[];
  stages: StageReport[];
  /** GPU→CPU readbacks this iteration made. */
  readbacks: number;
  /** A few of member 0's sampled responses, for the sample inspector. */
  samples?: SampleView[];
  /** Small one-step tasks: each member's exact policy beside π_ref and π*. */
  bars?: PolicyBars;
  /** Pairwise methods: the first labelled pairs member 0 trained on, before and after the update. */
  pairs?: PairView[];
}

/** Exact distributions per prompt over all V^T responses (enumerable tasks only). */
export interface PolicyTables {
  /** Present for small one-step tasks: the Nash equilibrium per prompt. */
  nash?: number[][];
  prompts: string[];
  responses: string[];
  /** [prompt][response] probabilities. */
  policy: number[][];
  reference: number[][];
  /** π* ∝ π_ref·exp(r_proxy/β): the optimum of what the method optimizes. */
  optimum: number[][];
  /** π* ∝ π_ref·exp(r_gold/β): the optimum had the reward model been perfect (absent without a gold reward). */
  optimumGold?: number[][];
}

export interface MemberSummary {
  index: number;
  label: string;
  seed: number;
  beta: number;
  metrics: Metrics;
  tables?: PolicyTables;
}

export interface RunSummary {
  config: Config;
  task: { id: string; title: string; enumerable: boolean };
  iterations: number;
  prepare: PrepareResult;
  members: MemberSummary[];
}

/** Static facts about a loaded experiment (for the UI and CLI headers). */
export interface ExperimentInfo {
  config: Config;
  members: Member[];
  task: { id: string; title: string; summary: string; tryThis: string; enumerable: boolean; policy: 'tabular' | 'transformer' };
  stages: string[];
}

/** A run of one config on the population axis. Implemented in core/experiment.ts. */
export interface Experiment {
  readonly info: ExperimentInfo;
  /** Iterations completed so far. */
  readonly iteration: number;
  /**
   * SFT (the reference policy), the comparisons, the judges its method needs and the exact
   * evaluator. Aborting `signal` stops it within one optimiser step (rejects with `Cancelled`)
   * and leaves the experiment as it was before, ready to prepare again.
   */
  prepare(onProgress?: (p: PrepareProgress) => void, signal?: AbortSignal): Promise<PrepareResult>;
  /** One iteration of the method (all stages). */
  step(): Promise<IterationResult>;
  /** Final metrics, plus exact policy tables for enumerable tasks. */
  summary(): Promise<RunSummary>;
  /** The first run's labelled comparisons (yours or your file's included) as rows of the export format; prepares first if needed. */
  comparisons(): Promise<ComparisonRow[]>;
  /** Frees every tensor the experiment owns. */
  dispose(): void;
}
