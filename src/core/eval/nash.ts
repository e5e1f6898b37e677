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
