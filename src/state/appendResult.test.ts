import { describe, expect, it } from 'vitest';
import type { IterationResult } from '../core/types';
import { appendResult } from './labStore';

const sample = { prompt: 'q', tokens: ['a'], logProb: [-1], logProbRef: [-1], gold: 0, proxy: 0, verdicts: [], poolWin: 0.5, goldWin: 0.5, against: 'expected' as const };
const result = (iteration: number): IterationResult => ({ iteration, members: [{ 'kl/k3': iteration }], stages: [], readbacks: 1, samples: [sample] });

describe('appendResult', () => {
  it('keeps samples on the latest iteration only, and every metric of every iteration', () => {
    const history = appendResult(appendResult(appendResult([], result(1)), result(2)), result(3));
    expect(history.map((r) => r.iteration)).toEqual([1, 2, 3]);
    expect(history.map((r) => r.members[0]['kl/k3'])).toEqual([1, 2, 3]);
    expect(history.map((r) => 'samples' in r)).toEqual([false, false, true]);
  });

  it('ignores an iteration it already has', () => {
    const history = appendResult([], result(1));
    expect(appendResult(history, result(1))).toBe(history);
  });
});
