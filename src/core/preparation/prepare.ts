/**
 * The stages before a method runs, as in InstructGPT and AlpacaFarm: SFT on demonstrations
 * (π_ref) → preference data from the annotator pool → the Bradley–Terry reward model and
 * the pairwise preference model → exact evaluation, frontier and Nash equilibrium where
 * the task allows.
 */
import { YOU } from '../your_labels';
import * as tf from '@tensorflow/tfjs-core';
import { checkpoint } from '../cancel';
import { collectFeedback, disposeFeedback, type Feedback } from './feedback';
import { trainPreferenceModel } from './preference_model';
import { trainRewardModel } from './reward_model';
import { trainSft } from './sft';
import { needsPreferenceModel } from '../method_info';
import { createExactEvaluator, type ExactEvaluator } from '../eval/exact';
import { symmetricNash } from '../eval/nash';
import { betaGrid, frontier } from '../eval/optimum';
import type { PreferenceNet } from '../models/preference_mlp';
import type { RewardNet } from '../models/reward_mlp';
import { snapshot } from '../models/sample';
import type { SeqNet } from '../models/seq_net';
import type { Population } from '../population';
import { allResponses } from '../tasks/task';
import type { ComparisonView, FrontierSet, Metrics, NashView, PrepareProgress, PrepareResult } from '../types';

export interface Prepared {
  reference: tf.Tensor[];
  reward: RewardNet;
  /** Trained only when a method of the preparation plays against it (Nash-MD); null otherwise. */
  preference: PreferenceNet | null;
  /** The labelled comparisons, kept for offline methods (DPO, Chain of Hindsight). */
  feedback: Feedback;
  evaluator: ExactEvaluator | null;
  result: PrepareResult;
}

export interface PrepareOptions {
  /**
   * Train the pairwise preference model P_ψ. Default: when the config's method plays against it
   * (a preparation shared by several methods asks for it when any of them does).
   */
  preferenceModel?: boolean;
  /** Aborting it stops the preparation within one optimiser step (`Cancelled`), freeing what it made. */
  signal?: AbortSignal;
}

export async function prepare(
  pop: Population,
  policy: SeqNet,
  onProgress?: (p: PrepareProgress) => void,
  options: PrepareOptions = {},
): Promise<Prepared> {
  const { signal } = options;
  const withPreference = options.preferenceModel ?? needsPreferenceModel([pop.config.method.id]);
  const made: { dispose(): void }[] = [];
  const keep = <T extends { dispose(): void }>(x: T): T => (made.push(x), x);
  const mark = (stage: 'feedback' | 'exact', step: number) => onProgress?.({ stage, step, total: 1, members: [] });
  try {
    const sft = await trainSft(pop, policy, (p) => onProgress?.({ stage: 'sft', ...p }), signal);
    await checkpoint(signal);
    const reference = snapshot(policy.params);
    keep({ dispose: () => tf.dispose(reference) });
    mark('feedback', 0);
    const feedback = await collectFeedback(pop, policy, reference);
    keep({ dispose: () => disposeFeedback(feedback) });
    mark('feedback', 1);
    await checkpoint(signal);
    const rm = await trainRewardModel(pop, feedback, (step, total, members) => onProgress?.({ stage: 'reward_model', step, total, members }), signal);
    keep(rm.reward);
    const pm = withPreference
      ? await trainPreferenceModel(pop, feedback, (step, total, members) => onProgress?.({ stage: 'preference_model', step, total, members }), signal)
      : { preference: null, metrics: [] };
    if (pm.preference) keep(pm.preference);
    await checkpoint(signal);
    let evaluator: ExactEvaluator | null = null;
    if (pop.enumerable) {
      mark('exact', 0);
      evaluator = keep(await createExactEvaluator(pop, policy, reference, rm.reward, feedback, signal));
      mark('exact', 1);
    }
    await checkpoint(signal);
    return assemble(pop, reference, rm, pm, feedback, evaluator, sft);
  } catch (error) {
    for (const x of made) x.dispose();
    throw error;
  }
}

function assemble(
  pop: Population,
  reference: tf.Tensor[],
  rm: { reward: RewardNet; metrics: Metrics[] },
  pm: { preference: PreferenceNet | null; metrics: Metrics[] },
  feedback: Feedback,
  evaluator: ExactEvaluator | null,
  sft: Metrics[],
): Prepared {
  const comparisons = feedback.comparisons[0].slice(0, 32).map((c) => view(pop, c));
  return {
    reference,
    reward: rm.reward,
    preference: pm.preference,
    feedback,
    evaluator,
    result: {
      sft,
      rewardModel: rm.metrics,
      preferenceModel: pm.metrics,
      comparisons,
      frontier: evaluator ? frontiers(pop, evaluator) : null,
      nash: evaluator?.tables.preference ? nashView(pop, evaluator.tables.preference) : null,
    },
  };
}

export function disposePrepared(p: Prepared): void {
  p.reward.dispose();
  p.preference?.dispose();
  p.evaluator?.dispose();
  disposeFeedback(p.feedback);
  for (const t of p.reference) t.dispose();
}

function view(pop: Population, c: { x: number; first: number[]; second: number[]; annotator: number; firstWins: boolean; coinToss: boolean }): ComparisonView {
  const a = c.annotator === YOU ? { name: 'you', bias: 'your own judgement, labelled in the lab' } : pop.task.annotators[c.annotator];
  return {
    prompt: pop.task.prompts[c.x],
    first: pop.task.render(c.first),
    second: pop.task.render(c.second),
    annotator: a.name,
    bias: a.bias,
    winner: c.firstWins ? 'first' : 'second',
    coinToss: c.coinToss,
  };
}

function frontiers(pop: Population, evaluator: ExactEvaluator): FrontierSet[] {
  const { reference, proxy, gold } = evaluator.tables;
  const betas = betaGrid();
  return pop.members.map((_, p) => ({
    proxy: frontier(pop.task.promptProbs, reference[p], proxy[p], betas, gold ?? undefined),
    ...(gold ? { gold: frontier(pop.task.promptProbs, reference[p], gold, betas) } : {}),
  }));
}

function nashView(pop: Population, preference: number[][][]): NashView {
  const solved = preference.map((P) => symmetricNash(P));
  return {
    prompts: [...pop.task.prompts],
    responses: allResponses(pop.task).map((y) => pop.task.render(y)),
    pi: solved.map((s) => s.pi),
    worstCase: solved.map((s) => s.value),
  };
}
