import { describe, expect, it } from 'vitest';
import { decodeResponse } from '../tasks/task';
import { frontier, klDivergence, optimalPolicy, softBellman } from './optimum';

describe('optimalPolicy', () => {
  it('matches a hand-worked example', () => {
    // π_ref = [½, ½], r = [0, ln 3], β = 1: π* ∝ [½, 3/2] = [¼, ¾]; Z = 2, log Z = ln 2
    const { pi, logZ } = optimalPolicy([0.5, 0.5], [0, Math.log(3)], 1);
    expect(pi[0]).toBeCloseTo(0.25, 10);
    expect(pi[1]).toBeCloseTo(0.75, 10);
    expect(logZ).toBeCloseTo(Math.log(2), 10);
  });

  it('at β = 0 is its limit: π_ref restricted to the best responses π_ref reaches, and the limit of small β', () => {
    const ref = [0.2, 0.3, 0.1, 0.4];
    const r = [1, 2, 5, 2];
    expect(optimalPolicy(ref, r, 0).pi).toEqual([0, 0, 1, 0]);
    // A tie at the top keeps π_ref's proportions; a response π_ref never gives is never best.
    const tie = optimalPolicy([0.2, 0.3, 0, 0.5], [1, 2, 9, 2], 0).pi;
    [0, 0.375, 0, 0.625].forEach((p, i) => expect(tie[i]).toBeCloseTo(p, 12));
    optimalPolicy(ref, r, 1e-3).pi.forEach((p, i) => expect(p).toBeCloseTo(optimalPolicy(ref, r, 0).pi[i], 6));
  });
});

describe('frontier', () => {
  it('has KL = E_π*[r]/β − log Z, equal to KL computed directly', () => {
    // Same example: E_π*[r] = ¾·ln 3; KL = ¾ ln 3 − ln 2 = 0.130812
    const [pt] = frontier([1], [[0.5, 0.5]], [[0, Math.log(3)]], [1]);
    expect(pt.kl).toBeCloseTo(0.75 * Math.log(3) - Math.log(2), 10);
    expect(pt.kl).toBeCloseTo(klDivergence([0.25, 0.75], [0.5, 0.5]), 10);
    expect(pt.reward).toBeCloseTo(0.75 * Math.log(3), 10);
  });

  it('trades reward for KL monotonically as β falls', () => {
    const pts = frontier([0.5, 0.5], [[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]], [[1, 0, -1], [0, 2, 1]], [10, 1, 0.3, 0.1, 0.01]);
    for (let i = 1; i < pts.length; i++) {
      expect(pts[i].kl).toBeGreaterThan(pts[i - 1].kl);
      expect(pts[i].reward).toBeGreaterThan(pts[i - 1].reward);
    }
    // β → 0: all mass on the argmax, KL → Σ_x p(x)·log(1/π_ref(argmax)) = ½ ln 5 + ½ ln 5
    expect(pts[4].kl).toBeCloseTo(Math.log(5), 2);
    expect(pts[4].reward).toBeCloseTo(1.5, 2);
  });
});

describe('softBellman', () => {
  it('factorises the sequence-level optimum into per-token conditionals', () => {
    const V = 3;
    const T = 2;
    // A non-uniform reference with per-prefix conditionals, and an arbitrary terminal reward.
    const refCond = (prefix: readonly number[]): number[] =>
      prefix.length === 0 ? [0.5, 0.3, 0.2] : [[0.1, 0.6, 0.3], [0.4, 0.4, 0.2], [0.7, 0.2, 0.1]][prefix[0]];
    const reward = (y: readonly number[]): number => [0.3, -1, 2][y[0]] * 0.5 + (y[1] === y[0] ? 1 : 0);
    const beta = 0.7;
    const ys = Array.from({ length: V ** T }, (_, i) => decodeResponse(i, V, T));
    const refSeq = ys.map((y) => refCond([])[y[0]] * refCond([y[0]])[y[1]]);
    const { pi, logZ } = optimalPolicy(refSeq, ys.map(reward), beta);
    const { policy, W0 } = softBellman(V, T, refCond, reward, beta);
    ys.forEach((y, i) => {
      const perToken = policy.get('')![y[0]] * policy.get(String(y[0]))![y[1]];
      expect(perToken).toBeCloseTo(pi[i], 10);
    });
    expect(W0).toBeCloseTo(beta * logZ, 10); // W(root) = β·log Z
  });
});
