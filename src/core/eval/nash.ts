/**
 * The Nash equilibrium of the symmetric two-player zero-sum game with payoff P(y ≻ y')
 * (ALGORITHMS.md §0): the mixture π maximising its worst-case win rate
 * min_{y'} Σ_y π(y)·P(y ≻ y'). Found with a small linear program:
 *   maximise v  s.t.  Σ_y π(y)·P(y, y') ≥ v  ∀y',   Σ_y π(y) = 1,   π ≥ 0.
 * Its value is ½ for any P with P + Pᵀ = 1: no policy beats the equilibrium on average.
 */
import solver from 'javascript-lp-solver';

export interface NashResult {
  pi: number[];
  /** The equilibrium's worst-case win rate (= ½ up to solver precision). */
  value: number;
}

export function symmetricNash(P: readonly (readonly number[])[]): NashResult {
  const n = P.length;
  const variables: Record<string, Record<string, number>> = {};
  const constraints: Record<string, { min?: number; equal?: number }> = { total: { equal: 1 } };
  for (let j = 0; j < n; j++) constraints[`beats${j}`] = { min: 0 };
  for (let i = 0; i < n; i++) {
    const coefficients: Record<string, number> = { total: 1, value: 0 };
    for (let j = 0; j < n; j++) coefficients[`beats${j}`] = P[i][j];
    variables[`pi${i}`] = coefficients;
  }
  // v ≥ 0 is harmless: payoffs are probabilities, so the value is ≥ 0.
  const v: Record<string, number> = { value: 1 };
  for (let j = 0; j < n; j++) v[`beats${j}`] = -1;
  variables.v = v;
  const result = solver.Solve({ optimize: 'value', opType: 'max', constraints, variables }) as Record<string, number | boolean>;
  if (!result.feasible) throw new Error('Nash linear program is infeasible (is P a preference matrix?)');
  const raw = Array.from({ length: n }, (_, i) => Math.max(0, Number(result[`pi${i}`] ?? 0)));
  const total = raw.reduce((a, b) => a + b, 0);
  const pi = raw.map((p) => p / total);
  return { pi, value: worstCaseWinRate(pi, P) };
}

/** min_{y'} Σ_y π(y)·P(y ≻ y'): how often π wins against its best-responding opponent reply. */
export function worstCaseWinRate(pi: readonly number[], P: readonly (readonly number[])[]): number {
  let worst = Infinity;
  for (let j = 0; j < P.length; j++) {
    let w = 0;
    for (let i = 0; i < P.length; i++) w += pi[i] * P[i][j];
    worst = Math.min(worst, w);
  }
  return worst;
}

/**
 * The fixed-point residual of the τ-regularized game (ALGORITHMS.md §0):
 * max_y |π(y) − μ(y)·exp(P(y ≻ π)/τ) / Z|, zero exactly at π*_τ.
 */
export function regularizedResidual(
  P: readonly (readonly number[])[],
  mu: readonly number[],
  tau: number,
  pi: readonly number[],
): number {
  const logits = mu.map((m, i) => Math.log(m) + P[i].reduce((s, p, j) => s + p * pi[j], 0) / tau);
  const target = softmax(logits);
  return Math.max(...target.map((q, i) => Math.abs(q - pi[i])));
}

export interface RegularizedNashResult {
  pi: number[];
  /** Fixed-point residual of the returned π (see `regularizedResidual`). */
  residual: number;
  iterations: number;
}

/**
 * The regularized Nash equilibrium π*_τ of the game P_τ(π ≻ π') = P(π ≻ π') − τ·KL(π‖μ) +
 * τ·KL(π'‖μ) (Munos et al. 2023, §4), found by running the tabular Nash-MD update
 *   π^μ_t ∝ π_t^{1−ητ}·μ^{ητ},   π_{t+1} ∝ π^μ_t·exp(η_t·P(y ≻ π^μ_t)),   η_t = 2/(τ(t+2))
 * from π_0 = μ until the residual falls below `tol` (the last iterate converges, Theorem 1;
 * the residual falls like 1/(τ·t), so a small τ needs many iterations).
 */
export function regularizedNash(
  P: readonly (readonly number[])[],
  mu: readonly number[],
  tau: number,
  { tol = 1e-9, maxIterations = 100_000 } = {},
): RegularizedNashResult {
  const logMu = mu.map((m) => Math.log(m));
  let logPi = [...logMu];
  let residual = regularizedResidual(P, mu, tau, logPi.map(Math.exp));
  let t = 0;
  while (residual > tol && t < maxIterations) {
    const eta = 2 / (tau * (t + 2));
    const w = Math.min(1, eta * tau);
    // At w = 1 (the first step) π^μ = μ; spelled out so a zero of μ gives 0, not 0·(−∞) = NaN.
    const mix = softmax(logPi.map((l, i) => (w === 1 ? logMu[i] : (1 - w) * l + w * logMu[i])));
    const logMix = mix.map((m) => Math.log(m));
    const next = softmax(logMix.map((l, i) => l + eta * P[i].reduce((s, p, j) => s + p * mix[j], 0)));
    logPi = next.map((q) => Math.log(q));
    t += 1;
    residual = regularizedResidual(P, mu, tau, next);
  }
  return { pi: logPi.map(Math.exp), residual, iterations: t };
}

function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const w = logits.map((l) => Math.exp(l - max));
  const z = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / z);
}
