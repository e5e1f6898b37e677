/**
 * Exact answers for enumerable tasks (ALGORITHMS.md §0), in plain numbers.
 *
 *   π*(y|x) = π_ref(y|x)·exp(r(x,y)/β) / Z(x),   objective β·log Z(x),
 *   KL(π*‖π_ref) = E_{π*}[r]/β − log Z(x).
 * Sequences: π*(y_t | y_<t) ∝ π_ref(y_t | y_<t)·exp(W(y_≤t)/β), with W(y) = r(y) for a
 * full response and W(prefix) = β·log Σ_v π_ref(v | prefix)·exp(W(prefix, v)/β).
 */

function logSumExp(xs: readonly number[]): number {
  const m = Math.max(...xs);
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** π* ∝ π_ref·exp(r/β) over one prompt's responses, with log Z. */
export function optimalPolicy(ref: readonly number[], r: readonly number[], beta: number): { pi: number[]; logZ: number } {
  if (!(beta > 0)) {
    // The β → 0 limit (GRPO's default β = 0): π_ref restricted to the best responses it can reach.
    const best = Math.max(...r.filter((_, i) => ref[i] > 0));
    const mass = ref.reduce((s, p, i) => s + (p > 0 && r[i] === best ? p : 0), 0);
    return { pi: ref.map((p, i) => (p > 0 && r[i] === best ? p / mass : 0)), logZ: Infinity };
  }
  const logits = ref.map((p, i) => (p > 0 ? Math.log(p) + r[i] / beta : -Infinity));
  const logZ = logSumExp(logits);
  return { pi: logits.map((l) => Math.exp(l - logZ)), logZ };
}

/** KL(p‖q) over one distribution. */
export function klDivergence(p: readonly number[], q: readonly number[]): number {
  let kl = 0;
  p.forEach((pi, i) => {
    if (pi > 0) kl += pi * (Math.log(pi) - Math.log(q[i]));
  });
  return kl;
}

export function expectation(p: readonly number[], f: readonly number[]): number {
  return p.reduce((s, pi, i) => s + pi * f[i], 0);
}

export function totalVariation(p: readonly number[], q: readonly number[]): number {
  return 0.5 * p.reduce((s, pi, i) => s + Math.abs(pi - q[i]), 0);
}

export interface FrontierPoint {
  beta: number;
  /** Σ_x p(x)·KL(π*_β(·|x)‖π_ref(·|x)). */
  kl: number;
  /** Σ_x p(x)·E_{π*_β}[r]: the reward the optimum earns (of the reward it optimises). */
  reward: number;
  /** The same optimum scored by another reward (e.g. gold), when given. */
  other?: number;
}

/**
 * The exact KL–reward frontier: π*_β for each β, over prompts weighted by promptProbs.
 * ref, r, other: [prompt][response].
 */
export function frontier(
  promptProbs: readonly number[],
  ref: readonly (readonly number[])[],
  r: readonly (readonly number[])[],
  betas: readonly number[],
  other?: readonly (readonly number[])[],
): FrontierPoint[] {
  return betas.map((beta) => {
    let kl = 0;
    let reward = 0;
    let otherReward = 0;
    promptProbs.forEach((px, x) => {
      const { pi, logZ } = optimalPolicy(ref[x], r[x], beta);
      const er = expectation(pi, r[x]);
      kl += px * (er / beta - logZ);
      reward += px * er;
      if (other) otherReward += px * expectation(pi, other[x]);
    });
    return other ? { beta, kl: Math.max(kl, 0), reward, other: otherReward } : { beta, kl: Math.max(kl, 0), reward };
  });
}

/** Log-spaced β grid from hi to lo (a frontier drawn from small KL to large). */
export function betaGrid(lo = 0.005, hi = 50, n = 48): number[] {
  return Array.from({ length: n }, (_, i) => hi * (lo / hi) ** (i / (n - 1)));
}

/**
 * Soft-Bellman per-token optimum for one prompt. refCond(prefix) gives π_ref(· | prefix)
 * over V tokens; reward(y) the terminal reward. Returns π*(· | prefix) for every prefix
 * as a map from the prefix (joined tokens) to a distribution, and W at the root.
 */
export function softBellman(
  V: number,
  T: number,
  refCond: (prefix: readonly number[]) => readonly number[],
  reward: (y: readonly number[]) => number,
  beta: number,
): { policy: Map<string, number[]>; W0: number } {
  const policy = new Map<string, number[]>();
  const W = (prefix: number[]): number => {
    if (prefix.length === T) return reward(prefix);
    const ref = refCond(prefix);
    const childW = Array.from({ length: V }, (_, v) => W([...prefix, v]));
    const logits = childW.map((w, v) => (ref[v] > 0 ? Math.log(ref[v]) + w / beta : -Infinity));
    const lse = logSumExp(logits);
    policy.set(prefix.join(','), logits.map((l) => Math.exp(l - lse)));
    return beta * lse;
  };
  return { policy, W0: W([]) };
}
