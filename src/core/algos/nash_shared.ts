/** What the three Nash-MD updates share: the learned preference model and an iteration's output. */
import type * as tf from '@tensorflow/tfjs-core';
import type { NashMdHyper } from '../config';
import type { PreferenceNet } from '../models/preference_mlp';
import { streams } from '../population';
import { policyStats, samplePolicy, type MethodContext, type MethodOutput } from './method';

/** The learned P_ψ; preparation trains it only for methods that declare they play against it. */
export function preferenceModel(ctx: MethodContext): PreferenceNet {
  if (!ctx.preference) throw new Error('Nash-MD needs the pairwise preference model, and this preparation did not train one.');
  return ctx.preference;
}

/** An iteration's output: the update's metrics plus the policy statistics of a fresh batch from π_θ. */
export function nashOutput(ctx: MethodContext, hp: NashMdHyper, iteration: number, metrics: Record<string, tf.Tensor>): MethodOutput {
  const { prompts, tokens } = samplePolicy(ctx, streams(ctx.pop, `nash_md/${iteration}/eval`), hp.batchSize);
  return { metrics: { ...metrics, ...policyStats(ctx, prompts, tokens) }, prompts, tokens };
}

