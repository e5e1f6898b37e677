/**
 * Supervised fine-tuning: maximum likelihood on the noisy demonstrator's responses.
 * The result is π_ref, the reference policy every method is regularised toward
 * (InstructGPT step 1; AlpacaFarm's SFT 10k).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkpoint } from '../cancel';
import { PopulationAdam } from '../math/adam';
import { sequenceNll } from '../math/logprobs';
import type { SeqNet } from '../models/seq_net';
import { drawMinibatch, headRows, REPORT_ROWS, streams, takeRows, type Population } from '../population';
import type { Metrics } from '../types';

export interface SftProgress {
  step: number;
  total: number;
  members: Metrics[];
}

/** Demonstrations per member: prompts [P, D], tokens [P, D, T]. */
export function demonstrations(pop: Population, D: number): { prompts: tf.Tensor; tokens: tf.Tensor } {
  const { T } = pop.shape;
  const prompts = new Int32Array(pop.P * D);
  const tokens = new Int32Array(pop.P * D * T);
  streams(pop, 'sft/demos').forEach((rng, p) => {
    for (let i = 0; i < D; i++) {
      const x = rng.categorical(pop.task.promptProbs);
      prompts[p * D + i] = x;
      tokens.set(pop.task.demonstrate(x, rng), (p * D + i) * T);
    }
  });
  return { prompts: tf.tensor2d(prompts, [pop.P, D], 'int32'), tokens: tf.tensor3d(tokens, [pop.P, D, T], 'int32') };
}

/** Trains `policy` in place on demonstrations; reports NLL every few steps (one readback each). */
export async function trainSft(
  pop: Population,
  policy: SeqNet,
  onProgress: (p: SftProgress) => void,
  signal?: AbortSignal,
): Promise<Metrics[]> {
  const { demos, steps, lr, batchSize } = pop.config.sft;
  // π_ref is then the untrained network: no pass over the demonstrations.
  if (steps === 0) return pop.members.map(() => ({}));
  const data = demonstrations(pop, demos);
  const optimizer = new PopulationAdam(policy.params, pop.members.map(() => lr));
  const sample = { prompts: headRows(data.prompts, REPORT_ROWS), tokens: headRows(data.tokens, REPORT_ROWS) };
  const rngs = streams(pop, 'sft/batches');
  const mb = Math.min(batchSize, demos);
  const every = Math.max(1, Math.floor(steps / 20));
  let nll: number[] = [];
  const report = async (step: number): Promise<void> => {
    const d = step === steps ? data : sample;
    const t = sequenceNll(policy, d.prompts, d.tokens);
    nll = Array.from(await t.data());
    t.dispose();
    onProgress({ step, total: steps, members: nll.map((v) => ({ 'sft/nll': v })) });
  };
  try {
    await report(0);
    for (let step = 1; step <= steps; step++) {
      await checkpoint(signal);
      const rows = drawMinibatch(rngs, demos, mb);
      // Picked before the step, off the autograd tape: the rows are data, not functions of θ.
      const [prompts, tokens] = [takeRows(data.prompts, rows, pop.P), takeRows(data.tokens, rows, pop.P)];
      optimizer.step(() => ({ loss: sequenceNll(policy, prompts, tokens) }));
      tf.dispose([rows, prompts, tokens]);
      if (step % every === 0 || step === steps) await report(step);
    }
  } finally {
    optimizer.dispose();
    tf.dispose([data.prompts, data.tokens, sample.prompts, sample.tokens]);
  }
  return nll.map((v) => ({ 'sft/nll': v }));
}
