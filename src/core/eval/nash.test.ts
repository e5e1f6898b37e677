import { describe, expect, it } from 'vitest';
import { symmetricNash, worstCaseWinRate } from './nash';

describe('symmetricNash', () => {
  it('finds the uniform mixture of plain rock–paper–scissors', () => {
    const P = [
      [0.5, 0, 1],
      [1, 0.5, 0],
      [0, 1, 0.5],
    ];
    const { pi, value } = symmetricNash(P);
    pi.forEach((p) => expect(p).toBeCloseTo(1 / 3, 6));
    expect(value).toBeCloseTo(0.5, 6);
  });

  it('solves a hand-worked asymmetric cycle', () => {
    // Rock ≻ scissors (0.9), scissors ≻ paper (0.7), paper ≻ rock (0.6), and a dominated "shrug".
    // With A = P − ½: a = P(paper ≻ rock) − ½ = 0.1, b = P(rock ≻ scissors) − ½ = 0.4,
    // c = P(scissors ≻ paper) − ½ = 0.2. Equalising the opponents' payoffs gives
    // π ∝ (c, b, a) over (rock, paper, scissors) = (0.2, 0.4, 0.1)/0.7 and no mass on shrug.
    const P = [
      [0.5, 0.4, 0.9, 0.8],
      [0.6, 0.5, 0.3, 0.8],
      [0.1, 0.7, 0.5, 0.8],
      [0.2, 0.2, 0.2, 0.5],
    ];
    const { pi, value } = symmetricNash(P);
    expect(pi[0]).toBeCloseTo(2 / 7, 5);
    expect(pi[1]).toBeCloseTo(4 / 7, 5);
    expect(pi[2]).toBeCloseTo(1 / 7, 5);
    expect(pi[3]).toBeCloseTo(0, 6);
    expect(value).toBeCloseTo(0.5, 6);
    // Any pure reply loses to some other reply: its worst case is below ½.
    for (let i = 0; i < 4; i++) expect(worstCaseWinRate(P.map((_, j) => (j === i ? 1 : 0)), P)).toBeLessThan(0.5);
  });

  it('puts all mass on a Condorcet winner when there is one', () => {
    const P = [
      [0.5, 0.3, 0.4],
      [0.7, 0.5, 0.6],
      [0.6, 0.4, 0.5],
    ];
    expect(symmetricNash(P).pi[1]).toBeCloseTo(1, 6);
  });
});
