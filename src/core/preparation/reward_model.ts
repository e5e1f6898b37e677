/**
 * The Bradley–Terry reward model (ALGORITHMS.md §1; InstructGPT step 2): r_φ minimises
 * −log σ(r_φ(x, y_w) − r_φ(x, y_l)) on the preparation's labelled pairs.
 */
import { createRewardMlp, differenceWithPullback, type RewardMlp, type RewardNet } from '../models/reward_mlp';
import { streams, type Population } from '../population';
import type { Metrics } from '../types';
import type { Feedback } from './feedback';
import { trainJudge, type Judge } from './judge';

export async function trainRewardModel(
  pop: Population,
  feedback: Feedback,
  onProgress: (step: number, total: number, members: Metrics[]) => void,
  signal?: AbortSignal,
): Promise<{ reward: RewardNet; metrics: Metrics[] }> {
  const { steps, lr, hidden, batchSize } = pop.config.rewardModel;
  const reward = createRewardMlp(pop.shape, hidden, streams(pop, 'rm/init'));
  try {
    const metrics = await trainJudge(pop, feedback, rewardJudge(reward), { name: 'rm', steps, lr, batchSize }, onProgress, signal);
    return { reward, metrics };
  } catch (error) {
    reward.dispose(); // cancelled (or failed): no half-trained judge survives
    throw error;
  }
}

/** r_φ as a judge: margin r_φ(x, y_w) − r_φ(x, y_l). */
export function rewardJudge(reward: RewardMlp): Judge {
  return {
    params: reward.params,
    encode: reward.encode,
    marginWithPullback: (w, l) => differenceWithPullback(reward.applyEncodedWithPullback(w), reward.applyEncodedWithPullback(l)),
  };
}
