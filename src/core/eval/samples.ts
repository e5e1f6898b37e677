/**
 * What the sample inspector and the policy bars show, built inside an iteration: a few of
 * member 0's sampled responses with per-token log-probabilities under π_θ and π_ref, their
 * gold and proxy rewards and the annotators' verdicts against π_ref; and, for small one-step
 * tasks, each member's exact policy beside π_ref and π*. The tensor half
 * (`sampleTensors`) is packed into the iteration's one readback; the host half
 * (`readSamples`, `policyBars`) turns the numbers back into plain data.
 */
import * as tf from '@tensorflow/tfjs-core';
import { tokenLogProbs } from '../math/logprobs';
import type { RewardNet } from '../models/reward_mlp';
import type { SeqNet } from '../models/seq_net';
import { preferFirst } from '../tasks/annotators';
import { allResponses, goldPrefers, hasGold, type GoldTask, type Task } from '../tasks/task';
import { optimalPolicy } from './optimum';

/** Most responses an iteration reports to the inspector. */
export const MAX_SAMPLES = 8;

/** One annotator's judgement of a sampled response against π_ref. */
export interface SampleVerdict {
  annotator: string;
  bias: string;
  /** P(this response ≻ a response of π_ref), averaged over both presentation orders. */
  winProb: number;
}

/** One of member 0's sampled responses, as the inspector shows it. */
export interface SampleView {
  prompt: string;
  /** The response, token by token (task.vocab). */
  tokens: string[];
  /** log π_θ(y_t | x, y_<t) under the policy after this iteration's update. */
  logProb: number[];
  /** The same under the policy before this iteration's update (the stage walk's "before"). */
  logProbBefore?: number[];
  /** The method's per-token reward r_t (PPO: r_φ at the last token minus the KL penalty). */
  tokenReward?: number[];
  /** The method's per-token advantage Â_t (PPO: GAE, before whitening). */
  advantage?: number[];
  /** log π_ref(y_t | x, y_<t). */
  logProbRef: number[];
  /** Gold reward; absent on a task from your data (it has none, and no pool either). */
  gold?: number;
  /** r_φ(x, y): the learned reward model's score. */
  proxy: number;
  verdicts: SampleVerdict[];
  /** The noise-free pool's P(this ≻ π_ref). */
  poolWin?: number;
  /** The gold preference's P(this ≻ π_ref). */
  goldWin?: number;
  /**
   * `expected`: verdicts are exact expectations over every response of π_ref (enumerable
   * tasks); `sampled`: against the one response of π_ref in `reference`.
   */
  against: 'expected' | 'sampled';
  reference?: string;
}

/** Exact distributions of one member for one-step tasks, [prompt][response]. */
export interface MemberBars {
  policy: number[][];
  reference: number[][];
  /** Where the method is headed (see `PolicyBars.target`); absent for methods without one. */
  optimum?: number[][];
}

/** What the bars' third series is: the KL-regularised optimum of r_φ, or Nash-MD's regularised Nash equilibrium. */
export type BarsTarget = 'optimum' | 'nash';

/** The policy-bars view of an iteration (small one-step tasks only). */
export interface PolicyBars {
  prompts: string[];
  responses: string[];
  /** optimum: π*_β ∝ π_ref·exp(r_φ/β); nash: π*_τ, the τ-regularised Nash equilibrium of the gold preference (Nash-MD's limit). */
  target: BarsTarget;
  /** Per population member. */
  members: MemberBars[];
}

/** How many floats `sampleTensors` packs for k samples of length T. */
export function sampleWidth(k: number, T: number, withReference: boolean): number {
  return k * (2 + 3 * T + (withReference ? T : 0));
}

/** Member 0's first k rows of per-token tensors [P, B, T], flat [k·T]. */
export function firstRows(perToken: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const [, , T] = perToken.shape;
    return tf.reshape(tf.slice(perToken, [0, 0, 0], [1, k, T]), [-1]);
  });
}

/** log π(y_t | x, y_<t) of member 0's first k samples under `params` (the policy before the update), flat [k·T]. */
export function logProbsUnder(theta: SeqNet, params: readonly tf.Tensor[], prompts: tf.Tensor, tokens: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const [P, , T] = tokens.shape;
    const x = tf.slice(prompts, [0, 0], [P, k]);
    const y = tf.slice(tokens, [0, 0, 0], [P, k, T]);
    return firstRows(tokenLogProbs(theta.apply(x, y, params), y), k);
  });
}

/**
 * Member 0's first k samples as one flat float32 tensor: prompts [k], tokens [k·T],
 * log π_θ [k·T], log π_ref [k·T], r_φ [k], then π_ref's tokens [k·T] when `refTokens` is given.
 * prompts [P, B], tokens [P, B, T], refTokens [P, ≥k, T] (borrowed, not disposed).
 * `policy` is the policy network (π_ref with `reference`), `theta` the network that is π_θ:
 * the same one, or a view of another (Chain of Hindsight's answers given <good>).
 */
export function sampleTensors(
  policy: SeqNet,
  theta: SeqNet,
  reference: readonly tf.Tensor[],
  reward: RewardNet,
  prompts: tf.Tensor,
  tokens: tf.Tensor,
  k: number,
  refTokens?: tf.Tensor,
): tf.Tensor {
  return tf.tidy(() => {
    const [P, , T] = tokens.shape;
    // The networks are population-shaped, so all members are scored; only member 0 is kept.
    const x = tf.slice(prompts, [0, 0], [P, k]);
    const y = tf.slice(tokens, [0, 0, 0], [P, k, T]);
    const first = (t: tf.Tensor) => tf.reshape(tf.slice(t, 0, 1), [-1]);
    const parts = [
      first(x),
      first(y),
      first(tokenLogProbs(theta.apply(x, y), y)),
      first(tokenLogProbs(policy.apply(x, y, reference), y)),
      first(reward.apply(x, y)),
      ...(refTokens ? [first(tf.slice(refTokens, [0, 0, 0], [P, k, T]))] : []),
    ];
    return tf.concat(parts.map((t) => tf.cast(t, 'float32')));
  });
}

/** π_ref's responses for one prompt, their weights, and what judging against them needs, computed once. */
interface Opponents {
  ys: number[][];
  w: number[];
  gold: number[];
  /** Per annotator: utilities of the opponents (null for annotators judging by a pairwise preference). */
  u: (number[] | null)[];
}

/** Opponent sets per π_ref table and prompt: π_ref is frozen during training, so each is built once. */
const opponentCache = new WeakMap<object, Map<number, Opponents>>();

function opponentsOf(task: GoldTask, x: number, ys: readonly number[][], w: readonly number[]): Opponents {
  return {
    ys: [...ys],
    w: [...w],
    gold: ys.map((r) => task.gold(x, r)),
    u: task.annotators.map((a) => (a.preference ? null : ys.map((r) => a.utility(x, r)))),
  };
}

/** Each annotator's, the pool's and gold's P(y ≻ y'), averaged over π_ref's responses with their weights. */
function judge(task: GoldTask, x: number, y: readonly number[], o: Opponents) {
  const verdicts = task.annotators.map((a, k) => {
    const u = o.u[k];
    let win = 0;
    if (u) {
      // Bradley–Terry from utilities, both presentation orders: the hot path on sequence tasks.
      const uy = a.utility(x, y);
      const s = (z: number) => 1 / (1 + Math.exp(-z));
      u.forEach((uj, j) => (win += o.w[j] * 0.5 * (s((uy - uj + a.positionBias) / a.temperature) + 1 - s((uj - uy + a.positionBias) / a.temperature))));
    } else {
      o.ys.forEach((r, j) => (win += o.w[j] * 0.5 * (preferFirst(a, x, y, r) + 1 - preferFirst(a, x, r, y))));
    }
    return { annotator: a.name, bias: a.bias, winProb: win };
  });
  const poolWin = verdicts.reduce((sum, v) => sum + v.winProb, 0) / Math.max(verdicts.length, 1);
  let goldWin = 0;
  if (task.goldPreference) {
    o.ys.forEach((r, j) => (goldWin += o.w[j] * goldPrefers(task, x, y, r)));
  } else {
    const gy = task.gold(x, y);
    o.gold.forEach((gj, j) => (goldWin += o.w[j] * (gy > gj ? 1 : gy < gj ? 0 : 0.5)));
  }
  return { verdicts, poolWin, goldWin };
}

/**
 * The inspector's view of the packed numbers from `sampleTensors`. `refTable` is member 0's
 * π_ref [prompt][response] on enumerable tasks (verdicts are exact expectations over it);
 * without it the packed π_ref responses are the opponents.
 */
/** Per-token extras of the stage view, each flat [k·T] (see `SampleView`). */
export interface SampleExtras {
  logProbBefore?: ArrayLike<number>;
  tokenReward?: ArrayLike<number>;
  advantage?: ArrayLike<number>;
}

export function readSamples(task: Task, data: ArrayLike<number>, k: number, refTable?: readonly (readonly number[])[], extras: SampleExtras = {}): SampleView[] {
  const T = task.T;
  const at = (offset: number, i: number, n: number, from: ArrayLike<number> = data) => Array.from({ length: n }, (_, j) => Number(from[offset + i * n + j]));
  const yAt = k;
  const lpAt = yAt + k * T;
  const refLpAt = lpAt + k * T;
  const rAt = refLpAt + k * T;
  const refAt = rAt + k;
  const ys = refTable ? allResponses(task) : [];
  let cache = refTable ? opponentCache.get(refTable) : undefined;
  if (refTable && !cache) opponentCache.set(refTable, (cache = new Map()));
  return Array.from({ length: k }, (_, i) => {
    const x = Number(data[i]);
    const y = at(yAt, i, T);
    // On a task from your data there is no gold and no pool: nothing to judge against π_ref with.
    const judgeWith = hasGold(task) ? task : null;
    let opponents: Opponents | null = null;
    let reference: string | undefined;
    if (judgeWith && refTable && cache) {
      let cached = cache.get(x);
      if (!cached) {
        // Only responses π_ref actually gives mass to matter; skipping the rest keeps sequence tasks cheap.
        const support = refTable[x].map((p, j) => [p, j] as const).filter(([p]) => p > 1e-6);
        const total = support.reduce((s, [p]) => s + p, 0);
        cached = opponentsOf(
          judgeWith,
          x,
          support.map(([, j]) => ys[j]),
          support.map(([p]) => p / total),
        );
        cache.set(x, cached);
      }
      opponents = cached;
    } else if (!refTable) {
      const r = at(refAt, i, T);
      if (judgeWith) opponents = opponentsOf(judgeWith, x, [r], [1]);
      reference = task.render(r);
    }
    const judged = judgeWith && opponents ? { gold: judgeWith.gold(x, y), ...judge(judgeWith, x, y, opponents) } : { verdicts: [] };
    return {
      prompt: task.prompts[x],
      tokens: y.map((v) => task.vocab[v]),
      logProb: at(lpAt, i, T),
      logProbRef: at(refLpAt, i, T),
      proxy: Number(data[rAt + i]),
      ...judged,
      against: refTable ? 'expected' : 'sampled',
      ...(reference !== undefined ? { reference } : {}),
      ...Object.fromEntries(Object.entries(extras).flatMap(([name, flat]) => (flat ? [[name, at(0, i, T, flat)]] : []))),
    };
  });
}

/**
 * The bars of every member: π from `logPi` [P][prompt][response] (log-probabilities),
 * π_ref, and π* ∝ π_ref·exp(r_φ/β) at each member's β (none where β ≤ 0: no KL coefficient).
 */
export function policyBars(
  task: Task,
  logPi: readonly (readonly (readonly number[])[])[],
  reference: readonly (readonly (readonly number[])[])[],
  proxy: readonly (readonly (readonly number[])[])[],
  betas: readonly number[],
  nash?: readonly (readonly (readonly number[])[])[],
): PolicyBars {
  return {
    prompts: [...task.prompts],
    responses: allResponses(task).map((y) => task.render(y)),
    target: nash ? 'nash' : 'optimum',
    members: logPi.map((rows, p) => ({
      policy: rows.map((row) => row.map(Math.exp)),
      reference: reference[p].map((row) => [...row]),
      ...(nash ? { optimum: nash[p].map((row) => [...row]) } : betas[p] > 0 ? { optimum: reference[p].map((ref, x) => optimalPolicy(ref, proxy[p][x], betas[p]).pi) } : {}),
    })),
  };
}
