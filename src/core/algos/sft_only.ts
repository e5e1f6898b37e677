/**
 * The SFT baseline: π_ref itself, never updated (AlpacaFarm's "SFT 10k"). Each iteration
 * only samples and measures, so its curves are the line every method should beat.
 *
 * Stages: sample.
 */
import type { SftOnlyHyper } from '../config';
import { streams } from '../population';
import { policyStats, samplePolicy, type Method, type MethodContext, type MethodOutput } from './method';

export const SFT_ONLY_STAGES = ['sample'] as const;

export function createSftOnly(ctx: MethodContext, hp: SftOnlyHyper): Method {
  return {
    stages: SFT_ONLY_STAGES,
    iterate(iteration, mark): MethodOutput {
      const { prompts, tokens } = samplePolicy(ctx, streams(ctx.pop, `sft_only/${iteration}`), hp.batchSize);
      const metrics = policyStats(ctx, prompts, tokens);
      mark('sample');
      return { metrics, prompts, tokens };
    },
    narrate: (_stage, members) =>
      `Sampled ${hp.batchSize} responses from π_ref (no training): proxy reward ${members[0]['reward/proxy']?.toFixed(3)}, gold ${members[0]['reward/gold']?.toFixed(3)}.`,
    dispose() {},
  };
}
