/**
 * The pairwise preference model P_ψ(y ≻ y' | x) (Munos et al. 2023, §3: the preference
 * model Nash-MD optimises against): trained on the same labelled pairs as the reward
 * model, by maximum likelihood of the labels, but free to represent intransitive ones.
 */
import { createPreferenceMlp, type PreferenceNet } from '../models/preference_mlp';
import { streams, type Population } from '../population';
import type { Metrics } from '../types';
import type { Feedback } from './feedback';
import { trainJudge, type Judge } from './judge';

export async function trainPreferenceModel(
  pop: Population,
  feedback: Feedback,
  onProgress: (step: number, total: number, members: Metrics[]) => void,
  signal?: AbortSignal,
): Promise<{ preference: PreferenceNet; metrics: Metrics[] }> {
  const { steps, lr, hidden, batchSize } = pop.config.preferenceModel;
  const preference = createPreferenceMlp(pop.shape, hidden, streams(pop, 'pm/init'));
  try {
    const metrics = await trainJudge(pop, feedback, preferenceJudge(preference), { name: 'pm', steps, lr, batchSize }, onProgress, signal);
    return { preference, metrics };
  } catch (error) {
    preference.dispose(); // cancelled (or failed): no half-trained judge survives
    throw error;
  }
}

/** P_ψ as a judge: margin logit P_ψ(y_w ≻ y_l | x). */
export function preferenceJudge(preference: PreferenceNet): Judge {
  return { params: preference.params, encode: preference.encode, marginWithPullback: preference.logitEncodedWithPullback };
}
