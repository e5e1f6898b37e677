/**
 * A preparation made once per distinct seed, viewed by an experiment whose members repeat a
 * seed — a β sweep: every member of the sweep gets its seed's π_ref, judges, comparisons and
 * report, so the sweep costs one preparation, the same one its members would get alone.
 */
import * as tf from '@tensorflow/tfjs-core';
import { feedbackFrom } from './feedback';
import { createExactEvaluator } from '../eval/exact';
import { createPreferenceMlp } from '../models/preference_mlp';
import { createRewardMlp } from '../models/reward_mlp';
import type { SeqNet } from '../models/seq_net';
import { streams, type Population } from '../population';
import type { Prepared } from './prepare';

/** Row `rows[p]` of every [P_prep, ...] tensor for member p → [P, ...] variables of `into`. */
function gatherInto(into: readonly tf.Variable[], from: readonly tf.Tensor[], rows: tf.Tensor): void {
  into.forEach((v, i) => tf.tidy(() => v.assign(tf.gather(from[i], rows))));
}

/**
 * `p` (prepared on one member per seed) for the members of `pop`, member m reading preparation row
 * `rows[m]`. The view owns its tensors: dispose it with `disposePrepared`. Its exact evaluator
 * scores `policy`, the experiment's network.
 */
export async function broadcastPrepared(p: Prepared, pop: Population, rows: readonly number[], policy: SeqNet): Promise<Prepared> {
  const { config } = pop;
  const index = tf.tensor1d(rows as number[], 'int32');
  const reference = tf.tidy(() => p.reference.map((t) => tf.gather(t, index)));
  const reward = createRewardMlp(pop.shape, config.rewardModel.hidden, streams(pop, 'rm/init'));
  gatherInto(reward.params, p.reward.params, index);
  const preference = p.preference ? createPreferenceMlp(pop.shape, config.preferenceModel.hidden, streams(pop, 'pm/init')) : null;
  if (preference && p.preference) gatherInto(preference.params, p.preference.params, index);
  index.dispose();
  const pick = <T>(perPreparationMember: readonly T[]): T[] => rows.map((r) => perPreparationMember[r]).filter((x) => x !== undefined);
  const feedback = feedbackFrom(pop, pick(p.feedback.comparisons));
  const evaluator = p.evaluator ? await createExactEvaluator(pop, policy, reference, reward, feedback) : null;
  const r = p.result;
  return {
    reference,
    reward,
    preference,
    feedback,
    evaluator,
    result: { ...r, sft: pick(r.sft), rewardModel: pick(r.rewardModel), preferenceModel: pick(r.preferenceModel), frontier: r.frontier ? pick(r.frontier) : null },
  };
}
