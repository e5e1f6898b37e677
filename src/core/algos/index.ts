/**
 * The one switch that binds a method config to an experiment. What the UI and CLI say about
 * each method (title, summary, stages) is in ../method_info.ts, free of tensors.
 */
import type { MethodConfig } from '../config';
import type { Method, MethodContext } from './method';
import { createBestOfN } from './best_of_n';
import { createCoh } from './coh';
import { createExpertIteration } from './expert_iteration';
import { createDpo } from './dpo';
import { createNashMd } from './nash_md';
import { createOnlineDpo } from './online_dpo';
import { createP3o } from './p3o';
import { createGrpo } from './grpo';
import { createKto } from './kto';
import { createPpo } from './ppo';
import { createRloo } from './rloo';
import { createSimpo } from './simpo';
import { createSftOnly } from './sft_only';

/** Binds `hp` to the experiment's context. */
export function createMethod(ctx: MethodContext, hp: MethodConfig): Method {
  switch (hp.id) {
    case 'ppo':
      return createPpo(ctx, hp);
    case 'dpo':
      return createDpo(ctx, hp);
    case 'online_dpo':
    case 'xpo':
      return createOnlineDpo(ctx, hp);
    case 'simpo':
      return createSimpo(ctx, hp);
    case 'kto':
      return createKto(ctx, hp);
    case 'coh':
      return createCoh(ctx, hp);
    case 'nash_md':
      return createNashMd(ctx, hp);
    case 'rloo':
      return createRloo(ctx, hp);
    case 'grpo':
      return createGrpo(ctx, hp);
    case 'p3o':
      return createP3o(ctx, hp);
    case 'best_of_n':
      return createBestOfN(ctx, hp);
    case 'expert_iteration':
      return createExpertIteration(ctx, hp);
    case 'sft':
      return createSftOnly(ctx, hp);
  }
}

export type { Method, MethodContext, MethodOutput } from './method';
