/**
 * What the UI and CLI say about each method: its name, one sentence for learners, and its
 * stages. Tensor-free, so the page can import it without TensorFlow.js (training runs in
 * the worker). Each method file marks these stages in this order (tested).
 */
import { NASH_MP_ETA, type Config, type MethodId } from './config';
import { taskFor } from './tasks';

export interface MethodInfo {
  title: string;
  /** One sentence for learners: what the method does. */
  summary: string;
  /** The stages of one iteration, in order. */
  stages: readonly string[];
  /**
   * The method's population optimum at its β is π*_β ∝ π_ref·exp(r/β), a point of the KL–reward
   * frontier: the plane rings it and the policy bars show it as the target.
   */
  onFrontier?: boolean;
  /** A "try this" that replaces the task's (which speaks of β) for methods without a KL coefficient β, or with τ instead. */
  tryThis?: string;
  /**
   * True when the method plays against the pairwise preference model P_ψ: only then does
   * preparation train it (it is most of a one-step task's preparation time otherwise wasted).
   */
  usesPreferenceModel?: boolean;
}

export const METHOD_INFO: Record<MethodId, MethodInfo> = {
  ppo: {
    title: 'PPO-RLHF',
    summary: 'Samples from the policy, scores with the reward model minus a per-token KL penalty, and takes clipped policy-gradient steps (InstructGPT, AlpacaFarm).',
    stages: ['sample', 'score', 'advantages', 'update'],
    onFrontier: true,
  },
  dpo: {
    title: 'DPO / IPO',
    summary: 'Trains the policy directly on the farm’s labelled pairs, raising log π/π_ref of the chosen response over the rejected one: no reward model, no sampling (Rafailov et al. 2023; IPO: Azar et al. 2023).',
    stages: ['batch', 'update', 'measure'],
    onFrontier: true,
  },
  online_dpo: {
    title: 'Online DPO',
    summary: 'Samples two responses per prompt from the current policy, lets the reward model or the annotator pool pick the better, and takes a DPO step on that fresh pair (Guo et al. 2024).',
    stages: ['sample', 'judge', 'update', 'measure'],
    onFrontier: true,
  },
  xpo: {
    title: 'XPO',
    summary: 'Online DPO on the policy’s response against π_ref’s, plus a small bonus for lowering the probability of π_ref’s samples, so the policy explores beyond the reference (Xie et al. 2024).',
    stages: ['sample', 'judge', 'update', 'measure'],
    onFrontier: true,
  },
  simpo: {
    title: 'SimPO',
    summary: 'Trains directly on the farm’s labelled pairs like DPO, but its implicit reward is the policy’s own length-normalised log-likelihood with a target margin γ: no reference model, so nothing bounds how far it drifts from π_ref (Meng et al. 2024).',
    stages: ['batch', 'update', 'measure'],
    tryThis: 'Watch the KL: with no π_ref in its loss SimPO keeps moving toward a deterministic policy; load DPO on the same pairs to see a KL that levels off.',
  },
  kto: {
    title: 'KTO',
    summary: 'Learns from unpaired thumbs up and thumbs down — here the comparisons’ winners and losers — raising log π/π_ref of desirable replies and lowering it for undesirable ones around a reference point z_0, the KL on mismatched pairs (Ethayarajh et al. 2024).',
    stages: ['batch', 'update', 'measure'],
  },
  coh: {
    title: 'Chain of Hindsight',
    summary: 'Turns each labelled pair into two feedback-conditioned examples, “x, good: y⁺” and “x, bad: y⁻”, fine-tunes on the responses by maximum likelihood, then answers conditioned on “good”: it learns from negative feedback too (Liu et al. 2023).',
    stages: ['relabel', 'finetune', 'sample'],
    tryThis: 'Walk an iteration with Next stage: the relabelled pairs show the policy given <good> raising the chosen responses (the rejected ones are learned in the <bad> context); raise the steps per iteration to see how far maximum likelihood alone takes it.',
  },
  nash_md: {
    title: 'Nash-MD',
    // Nash-MD-PG's; the exact updates sample nothing and mark fewer (see methodStages).
    summary: 'Plays the policy against a geometric mixture of itself and π_ref under a pairwise preference model and moves toward the responses that win, converging to the regularized Nash equilibrium that no response beats, even when preferences go in circles (Munos et al. 2023). On one-step tasks the update can also be Nash-MP’s mirror prox (Tiapkin et al. 2025).',
    stages: ['mixture', 'sample', 'preference', 'update'],
    usesPreferenceModel: true,
    tryThis: 'Sweep τ from 0.05 to 1: small τ moves furthest from π_ref toward the Nash mixture, large τ stays near it. On the intransitive task, compare the worst-case win rate with the Nash mixture’s (≥ 0.5).',
  },
  rloo: {
    title: 'RLOO',
    summary: 'Samples k responses per prompt, folds the KL into each one’s reward, and uses the mean reward of the other k − 1 as its baseline: REINFORCE with no value network, heading for the same optimum π*_β as PPO (Ahmadian et al. 2024).',
    stages: ['sample', 'score', 'advantages', 'update'],
    onFrontier: true,
  },
  grpo: {
    title: 'GRPO',
    summary: 'Samples a group of k responses per prompt and scores each against its own group, (R − mean)/std, with a clipped step and an optional k3 KL term; with TRL’s default β = 0 nothing pulls it back to π_ref (Shao et al. 2024; Dr. GRPO drops the std: Liu et al. 2025).',
    stages: ['sample', 'score', 'advantages', 'update'],
    tryThis: 'Run it at β = 0 (TRL’s default) and watch the policy collapse onto the reward model’s favourite and the KL climb; then set β = 0.1, or switch to Dr. GRPO, and compare.',
  },
  p3o: {
    title: 'P3O',
    summary: 'Samples two responses per prompt and learns only from the difference of their KL-penalised rewards, with PPO’s clip on whole responses: no value network, and a reward model’s per-prompt offset changes nothing (Wu et al. 2023).',
    stages: ['sample', 'score', 'advantages', 'update'],
    onFrontier: true,
    tryThis: 'Switch the clip between joint (the pair’s relative ratio) and separate (each response’s own) and compare the KL–reward paths; then sweep β and see both land on the exact frontier, as PPO and RLOO do.',
  },
  best_of_n: {
    title: 'Best-of-n',
    summary: 'Draws n responses from the SFT policy and keeps the one the reward model likes best: no training, and KL ≤ log n − (n−1)/n.',
    stages: ['sample', 'score', 'select'],
    tryThis: 'Raise n from 2 to 64: the proxy reward climbs while the KL stays under log n − (n−1)/n, and the gold reward shows when picking harder starts to exploit the reward model.',
  },
  expert_iteration: {
    title: 'Expert iteration',
    summary: 'Keeps the reward model’s favourite of n samples per prompt and fine-tunes the policy on them, again and again.',
    stages: ['sample', 'score', 'finetune'],
    tryThis: 'Raise n or the steps per iteration: with no KL penalty, every round of keeping the best of n moves the policy further from π_ref — watch the KL and the gold reward.',
  },
  sft: {
    title: 'SFT only (baseline)',
    summary: 'The reference policy itself, never trained: the line every method has to beat.',
    stages: ['sample'],
    tryThis: 'Note this baseline’s gold reward and win rate, then switch Method and see which methods beat it, and at what KL.',
  },
};

/** The "try this" hint for a task under a method: the method's own where the task's would speak of a β it does not have. */
export function tryThisFor(taskHint: string, method: MethodId): string {
  return METHOD_INFO[method].tryThis ?? taskHint;
}

/** The methods a run can use, in the order the UI lists them. */
export function availableMethods(): MethodId[] {
  return Object.keys(METHOD_INFO) as MethodId[];
}

/** Whether preparation for these methods must train the pairwise preference model. */
export function needsPreferenceModel(methods: readonly MethodId[]): boolean {
  return methods.some((id) => METHOD_INFO[id].usesPreferenceModel === true);
}

/** The three Nash updates: tabular mirror descent (md), tabular mirror prox (mp), policy gradient (pg). */
export type NashUpdate = 'md' | 'mp' | 'pg';

const NASH_STAGES: Record<NashUpdate, readonly string[]> = {
  md: ['mixture', 'preference', 'update'],
  mp: ['extrapolate', 'preference', 'update'],
  pg: METHOD_INFO.nash_md.stages,
};

/** One-step task with a table policy: where the exact Nash updates can run. */
function tabularOneStep(config: Config): boolean {
  const T = taskFor(config.task).T;
  return T === 1 && (config.policy.kind === 'tabular' || config.policy.kind === 'auto');
}

/** Which update a Nash-MD config runs: "auto" is exact mirror descent where it can run, else PG. */
export function nashUpdate(config: Config): NashUpdate {
  if (config.method.id !== 'nash_md') throw new Error('nashUpdate: not a Nash-MD config');
  const { update } = config.method;
  if (update === 'mirror_prox') return 'mp';
  if (update === 'exact') return 'md';
  if (update === 'pg') return 'pg';
  return tabularOneStep(config) ? 'md' : 'pg';
}

/** The stages one iteration of this config marks, in order (Nash-MD's depend on its update). */
export function methodStages(config: Config): readonly string[] {
  return config.method.id === 'nash_md' ? NASH_STAGES[nashUpdate(config)] : METHOD_INFO[config.method.id].stages;
}

/**
 * What the stage walk can show, by the stage after which it exists: the inspector's responses
 * (`drawn`), the method's own score of them (`scored`, when the method scores those very
 * responses), the labelled pairs a pairwise method trains on (`paired`), per-token advantages (`advantages`), and the changed policy (`moved`; null for
 * methods that never change it). Each name is one of `methodStages(config)`.
 */
export interface StageRoles {
  drawn: string;
  /** Pairwise methods: the stage after which the labelled pairs the update trains on exist. */
  paired?: string;
  scored?: string;
  advantages?: string;
  moved: string | null;
}

const STAGE_ROLES: Record<Exclude<MethodId, 'nash_md'>, StageRoles> = {
  ppo: { drawn: 'sample', scored: 'score', advantages: 'advantages', moved: 'update' },
  // The responses the inspector shows are a fresh batch from the updated policy.
  dpo: { drawn: 'measure', paired: 'batch', moved: 'update' },
  online_dpo: { drawn: 'measure', paired: 'judge', moved: 'update' },
  xpo: { drawn: 'measure', paired: 'judge', moved: 'update' },
  simpo: { drawn: 'measure', paired: 'batch', moved: 'update' },
  kto: { drawn: 'measure', paired: 'batch', moved: 'update' },
  coh: { drawn: 'sample', paired: 'relabel', moved: 'finetune' },
  rloo: { drawn: 'sample', scored: 'score', advantages: 'advantages', moved: 'update' },
  grpo: { drawn: 'sample', scored: 'score', advantages: 'advantages', moved: 'update' },
  p3o: { drawn: 'sample', scored: 'score', advantages: 'advantages', moved: 'update' },
  best_of_n: { drawn: 'select', scored: 'score', moved: null },
  expert_iteration: { drawn: 'finetune', moved: 'finetune' },
  sft: { drawn: 'sample', moved: null },
};

export function stageRoles(config: Config): StageRoles {
  // Every Nash update measures on a fresh batch after it has moved the policy.
  if (config.method.id === 'nash_md') return { drawn: 'update', moved: 'update' };
  return STAGE_ROLES[config.method.id];
}

/**
 * Where a method behaves differently on this task, or cannot run with these settings: one
 * sentence for the UI, or null. (Every method runs on every task; Nash-MD picks its update;
 * Chain of Hindsight's masking needs attention over past tokens.)
 */
export function methodNote(config: Config): string | null {
  const T = taskFor(config.task).T;
  const tabular = config.policy.kind === 'tabular' || (config.policy.kind === 'auto' && T === 1);
  if (config.method.id === 'coh') {
    if (config.method.fcmMaxRatio > 0 && (tabular || T === 1)) {
      return `Forgetful causal masking hides past tokens from attention, and ${T === 1 ? 'this one-token task has no past tokens' : 'a tabular policy has no attention'}: r_max has no effect here.`;
    }
    return 'Chain of Hindsight reads the feedback in its context: charts and samples show the policy conditioned on <good>. Each pair becomes two separate examples; the paper’s chained form, where the second answer also reads the first, is not built here.';
  }
  if (config.method.id !== 'nash_md') return null;
  const exactOk = tabularOneStep(config);
  const { update } = config.method;
  if ((update === 'exact' || update === 'mirror_prox') && !exactOk) {
    return `The ${update === 'exact' ? 'exact' : 'mirror-prox'} update needs a one-step task with a tabular policy; this run would stop with an error. Choose “auto” or “policy gradient”.`;
  }
  if (update === 'mirror_prox') {
    return `Nash-MP: each update takes a half step against π_k, then the full step from π_k against that extrapolated policy, with a constant η = ${config.method.eta ?? NASH_MP_ETA} (linear convergence).`;
  }
  if (update === 'pg' || !exactOk) {
    return exactOk
      ? 'Nash-MD-PG: sampled policy-gradient steps against the mixture opponent (the exact update is available here with “auto”).'
      : 'On this task Nash-MD runs as Nash-MD-PG: the exact mirror-descent update needs a one-step task with a table policy.';
  }
  return 'On this one-step task Nash-MD runs the exact mirror-descent update over every response, with η_t = 2/(τ(t+2)).';
}
