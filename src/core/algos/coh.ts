/**
 * Chain of Hindsight; ALGORITHMS.md §4.
 * Liu, Sferrazza, Abbeel 2023, "Chain of Hindsight Aligns Language Models with Feedback",
 * https://arxiv.org/abs/2302.02676
 *
 * Every labelled pair (x, y⁺, y⁻) is turned into feedback-conditioned sequences, one per
 * response, `x <good> y⁺` and `x <bad> y⁻`, and the model is fine-tuned by maximum likelihood
 * on the response tokens only (§3: the loss mask is 0 on the prompt and the feedback, 1 on
 * both responses):
 *   L(θ) = −E[ log π_θ(y⁺ | x, good) + log π_θ(y⁻ | x, bad) ] / 2
 * with forgetful causal masking (§3.2): each sequence hides a random share r ~ U[0, r_max] of
 * its past tokens from attention (the prompt-and-feedback position is always kept).
 * At inference the model is conditioned on the positive feedback: π_θ(y | x) := π_θ(y | x, good).
 *
 * In this toy the feedback token is part of the context: the policy network sees 2·n_x
 * contexts (x, good) and (x, bad), each starting at π_ref(·|x) — the fine-tuned model starts
 * from the SFT model, as CoH starts from a pretrained one. The paper's chained form
 * `x <good> y⁺ <bad> y⁻`, where the second response also reads the first, is not built:
 * our policies read one context and one response.
 *
 * What it converges to (tabular, noise-free labels, pairs i.i.d. from π_ref, q_ab the pool's
 * P(a ≻ b) averaged over both orders): the empirical distributions of the winners and the
 * losers, π(a | x, good) → 2·π_ref(a)·Σ_b π_ref(b)·q_ab and π(a | x, bad) → 2·π_ref(a)·Σ_b π_ref(b)·(1 − q_ab).
 *
 * Stages: relabel → finetune → sample. All tensors are [P, ...].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CohHyper } from '../config';
import { PopulationAdam } from '../math/adam';
import { sequenceNll } from '../math/logprobs';
import type { SeqNet } from '../models/seq_net';
import { createTabularNet } from '../models/tabular';
import { createTransformer } from '../models/transformer';
import { drawPrompts, sampleResponses, streams, type Population } from '../population';
import type { Rng } from '../rng';
import type { Metrics } from '../types';
import { pairMinibatch } from '../preparation/feedback';
import { perMember, policyStats, UpdateMeans, type Method, type MethodContext, type MethodOutput } from './method';

export const COH_STAGES = ['relabel', 'finetune', 'sample'] as const;

/** The feedback tokens, in the order of their context blocks. */
export const FEEDBACK = ['good', 'bad'] as const;
export type FeedbackToken = (typeof FEEDBACK)[number];

/**
 * The hindsight policy π_θ(y | x, f): the policy's architecture over FEEDBACK.length·n_x
 * contexts (context f·n_x + x), every parameter copied from π_ref with the prompt rows
 * repeated once per feedback token, so each context starts exactly at π_ref(·|x).
 */
export function createHindsightNet(pop: Population, reference: readonly tf.Tensor[]): SeqNet {
  const shape = { ...pop.shape, nPrompts: FEEDBACK.length * pop.shape.nPrompts };
  const net =
    pop.policyKind === 'tabular'
      ? createTabularNet(shape, shape.V, pop.P)
      : createTransformer(shape, shape.V, streams(pop, 'coh/init'), pop.config.policy);
  net.params.forEach((p, i) => {
    tf.tidy(() => {
      const ref = reference[i];
      const value = sameShape(p, ref) ? ref : tf.concat(FEEDBACK.map(() => ref), 1);
      if (!sameShape(p, value)) throw new Error(`Chain of Hindsight: cannot start parameter ${i} [${p.shape}] from π_ref's [${ref.shape}]`);
      p.assign(value);
    });
  });
  return net;
}

const sameShape = (a: tf.Tensor, b: tf.Tensor): boolean => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

/** π_θ(· | x, f) as an ordinary policy over prompts x: the view every metric and sampler reads. */
export function conditionedOn(net: SeqNet, f: FeedbackToken, nPrompts: number): SeqNet {
  const offset = FEEDBACK.indexOf(f) * nPrompts;
  const encode = (prompts: tf.Tensor, tokens: tf.Tensor) => tf.tidy(() => net.encode(tf.add(tf.cast(prompts, 'int32'), tf.scalar(offset, 'int32')), tokens));
  return {
    params: net.params,
    encode,
    applyEncoded: net.applyEncoded,
    applyWithPullback: net.applyWithPullback,
    apply: (prompts, tokens, params, keep) => tf.tidy(() => net.applyEncoded(encode(prompts, tokens), params, keep)),
    dispose: () => {},
  };
}

/**
 * Forgetful causal masking: keep [P, B, T] with key 0 always 1 and each later key dropped
 * with probability r, r ~ U[0, r_max] drawn once per sequence; null when r_max = 0 or T = 1.
 */
export function forgetfulMask(rngs: readonly Rng[], B: number, T: number, rMax: number): tf.Tensor | null {
  if (rMax <= 0 || T === 1) return null;
  const keep = new Float32Array(rngs.length * B * T);
  rngs.forEach((rng, p) => {
    for (let b = 0; b < B; b++) {
      const r = rMax * rng.uniform();
      for (let t = 0; t < T; t++) keep[(p * B + b) * T + t] = t === 0 || !rng.bernoulli(r) ? 1 : 0;
    }
  });
  return tf.tensor3d(keep, [rngs.length, B, T]);
}

/**
 * The CoH loss on a minibatch of pairs: mean NLL of y⁺ under (x, good) and of y⁻ under
 * (x, bad), response tokens only, per member [P]; plus each half's NLL for the logs.
 */
export function hindsightNll(
  net: SeqNet,
  nPrompts: number,
  pairs: { prompts: tf.Tensor; chosen: tf.Tensor; rejected: tf.Tensor },
  keep: { good: tf.Tensor | null; bad: tf.Tensor | null } = { good: null, bad: null },
): { loss: tf.Tensor; good: tf.Tensor; bad: tf.Tensor } {
  return tf.tidy(() => {
    const nll = (f: FeedbackToken, tokens: tf.Tensor, mask: tf.Tensor | null) =>
      sequenceNll(conditionedOn(net, f, nPrompts), pairs.prompts, tokens, mask ?? undefined);
    const good = nll('good', pairs.chosen, keep.good);
    const bad = nll('bad', pairs.rejected, keep.bad);
    return { loss: tf.div(tf.add(good, bad), 2), good, bad };
  });
}

export interface CohState {
  /** π_θ(y | x, f) over both feedback contexts. */
  net: SeqNet;
  /** The view conditioned on the positive feedback: the policy the lab evaluates. */
  good: SeqNet;
  bad: SeqNet;
  optimizer: PopulationAdam;
}

export function createCohState(ctx: MethodContext, hp: CohHyper): CohState {
  const net = createHindsightNet(ctx.pop, ctx.reference);
  const n = ctx.pop.shape.nPrompts;
  return {
    net,
    good: conditionedOn(net, 'good', n),
    bad: conditionedOn(net, 'bad', n),
    optimizer: new PopulationAdam(net.params, ctx.pop.members.map(() => hp.lr)),
  };
}

export function disposeCohState(state: CohState): void {
  state.optimizer.dispose();
  state.net.dispose();
}

/** One CoH iteration: `hp.steps` Adam steps on fresh minibatches of relabelled pairs, then samples given <good>. */
export function cohIteration(
  ctx: MethodContext,
  state: CohState,
  hp: CohHyper,
  iteration: number,
  mark: (stage: (typeof COH_STAGES)[number]) => void = () => {},
): MethodOutput {
  const { pop } = ctx;
  const { T, nPrompts } = pop.shape;
  const { train } = ctx.feedback;
  const nTrain = train.prompts.shape[1] as number;
  const mb = Math.min(hp.batchSize, nTrain);

  // relabel: each pair becomes "x <good> y⁺" and "x <bad> y⁻", with this step's forgetting masks.
  const rngs = streams(pop, `coh/${iteration}`);
  const batches = Array.from({ length: hp.steps }, () => {
    const pairs = pairMinibatch(rngs, train, mb);
    const keep = { good: forgetfulMask(rngs, mb, T, hp.fcmMaxRatio), bad: forgetfulMask(rngs, mb, T, hp.fcmMaxRatio) };
    return { pairs, keep };
  });
  mark('relabel');

  // finetune: maximum likelihood of the responses given their feedback; metrics of each step's pre-update pass.
  const updates = new UpdateMeans();
  for (const [i, { pairs, keep }] of batches.entries()) {
    updates.add(
      state.optimizer.step(() => {
        const nll = hindsightNll(state.net, nPrompts, pairs, keep);
        return { loss: nll.loss, metrics: { 'loss/coh': nll.loss, 'coh/nll_good': nll.good, 'coh/nll_bad': nll.bad } };
      }),
    );
    // The first minibatch's pairs go out with the output, for the stage walk's pairs view.
    tf.dispose([...(i === 0 ? [] : [pairs.prompts, pairs.chosen, pairs.rejected]), ...(keep.good ? [keep.good] : []), ...(keep.bad ? [keep.bad] : [])]);
  }
  const metrics: Record<string, tf.Tensor> = updates.means();
  mark('finetune');

  // sample: answers conditioned on <good> (the policy), and on <bad> to show what was learned from negative feedback.
  const sampleRngs = streams(pop, `coh/${iteration}/sample`);
  const prompts = drawPrompts(pop, sampleRngs, hp.batchSize);
  const [tokens, badTokens] = [state.good, state.bad].map((view) => sampleResponses(pop, sampleRngs, view, prompts));
  Object.assign(metrics, policyStats(ctx, prompts, tokens, state.good));
  metrics['coh/proxy_bad'] = tf.tidy(() => perMember(ctx.reward.apply(prompts, badTokens)));
  badTokens.dispose();
  mark('sample');
  return { metrics, prompts, tokens, pairs: batches[0].pairs };
}

const f3 = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(3));

function narrate(stage: string, members: Metrics[], hp: CohHyper, nTrain: number): string {
  const m = members[0];
  const mb = Math.min(hp.batchSize, nTrain);
  switch (stage) {
    case 'relabel': {
      const fcm = hp.fcmMaxRatio > 0 ? `, each hiding up to ${(100 * hp.fcmMaxRatio).toFixed(0)}% of its past tokens (forgetful causal masking)` : '';
      return `Turned ${hp.steps} minibatches of ${mb} labelled pairs into ${2 * mb} sequences each: “x <good> y⁺” and “x <bad> y⁻”${fcm}.`;
    }
    case 'finetune':
      return `${hp.steps} Adam steps of maximum likelihood on the responses only: NLL ${f3(m['coh/nll_good'])} given <good>, ${f3(m['coh/nll_bad'])} given <bad> (loss ${f3(m['loss/coh'])}).`;
    case 'sample':
      return `Sampled ${hp.batchSize} answers given <good>: proxy reward ${f3(m['reward/proxy'])} (gold ${f3(m['reward/gold'])}), against ${f3(m['coh/proxy_bad'])} given <bad>; KL to π_ref ≈ ${f3(m['kl/k3'])} (k3).`;
    default:
      return stage;
  }
}

/** Chain of Hindsight as a `Method`: its hindsight network and optimizer live as long as the run. */
export function createCoh(ctx: MethodContext, hp: CohHyper): Method {
  const state = createCohState(ctx, hp);
  const nTrain = ctx.feedback.train.prompts.shape[1] as number;
  return {
    stages: COH_STAGES,
    policyNet: state.good,
    iterate: (iteration, mark) => cohIteration(ctx, state, hp, iteration, mark),
    exactLogProbs() {
      if (!ctx.evaluator) throw new Error('Chain of Hindsight: exact log-probabilities need an enumerable task');
      return ctx.evaluator.logProbs(undefined, state.good);
    },
    narrate: (stage, members) => narrate(stage, members, hp, nTrain),
    dispose: () => disposeCohState(state),
  };
}
