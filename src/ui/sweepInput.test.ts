import { describe, expect, it } from 'vitest';
import { readSweep } from './sweepInput';

describe('the β sweep field', () => {
  it.each([
    ['0.01, 0.1, 1', [0.01, 0.1, 1]],
    ['0.01;0.1', [0.01, 0.1]],
    ['0.01 0.1\t1', [0.01, 0.1, 1]],
    [' 0.05 ; 0.5 , ', [0.05, 0.5]],
  ])('reads “%s” with any of the obvious separators', (draft, values) => {
    expect(readSweep(draft)).toEqual({ sweep: { kind: 'beta', values } });
  });

  it('reads an empty field as a single run', () => {
    expect(readSweep('  ')).toEqual({ sweep: { kind: 'none' } });
  });

  it.each([
    ['0.1', /needs 2 to 16 values.*set β above/],
    ['0.1, abc', /“abc” is not a number/],
    ['0.1, 200', /β = 200 is out of range: each value must be between 1e-6 and 100/],
    [Array.from({ length: 17 }, (_, i) => (i + 1) / 100).join(','), /at most 16 runs together; this has 17 values/],
  ])('says in plain words what is wrong with “%s”', (draft, message) => {
    const read = readSweep(draft);
    expect('error' in read && read.error).toMatch(message);
  });

  it('names τ for Nash-MD', () => {
    expect(readSweep('1', 'τ')).toEqual({ error: expect.stringMatching(/set τ above/) });
  });
});
