import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, TASK_IDS } from '../config';
import { Rng } from '../rng';
import { labelPairs, poolPreference } from './annotators';
import { cycle } from './cycle';
import { customTask, EXAMPLE_CUSTOM_TASK } from './custom';
import { allResponses, goldPrefers, taskFor, TASKS, type Annotator, type GoldTask, type Task } from './index';

/** A pool of one noise-free, certain annotator: it always prefers the higher gold reward. */
function certainTask(): Task {
  const oracle: Annotator = { name: 'oracle', bias: 'none', utility: (_x, y) => y[0], positionBias: 0, temperature: 1e-3 };
  return { ...customTask({ title: 't', prompt: 'p', responses: ['a', 'b'], reward: [0, 1] }), annotators: [oracle] };
}

describe('simulated annotator pool', () => {
  it.each([0, 0.2, 0.5, 1])('replaces a fraction %f of labels by a coin toss, flipping half of those', (noise) => {
    // Pair (first = 0, second = 1): the oracle says "second" every time, so a label saying
    // "first" can only come from the coin. With n = 20 000, the coin-toss fraction has
    // SE = √(q(1−q)/n) ≤ 0.0036 and the flip fraction SE ≤ 0.0035; 4 SE bounds below.
    const n = 20_000;
    const pairs = Array.from({ length: n }, () => ({ x: 0, first: [0], second: [1] }));
    const labels = labelPairs(certainTask(), pairs, noise, new Rng(7));
    const tossed = labels.filter((c) => c.coinToss).length / n;
    const flipped = labels.filter((c) => c.firstWins).length / n;
    expect(Math.abs(tossed - noise)).toBeLessThan(4 * Math.sqrt((noise * (1 - noise)) / n) + 1e-9);
    const q = noise / 2;
    expect(Math.abs(flipped - q)).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / n) + 1e-9);
    expect(labels.filter((c) => !c.coinToss && c.firstWins)).toEqual([]);
  });

  it('draws every annotator of the pool, about equally often', () => {
    const task = TASKS.helpful;
    const n = 6000;
    const y = allResponses(task);
    const pairs = Array.from({ length: n }, (_, i) => ({ x: 0, first: y[i % y.length], second: y[(7 * i) % y.length] }));
    const counts = new Array(task.annotators.length).fill(0);
    for (const c of labelPairs(task, pairs, 0.5, new Rng(3))) counts[c.annotator] += 1;
    const share = 1 / task.annotators.length;
    for (const k of counts) expect(Math.abs(k / n - share)).toBeLessThan(4 * Math.sqrt((share * (1 - share)) / n));
  });

  it('gives every built-in task a short explanation, several biased annotators and a sane gold preference', () => {
    for (const id of TASK_IDS) {
      const task = TASKS[id];
      expect(task.summary.length, id).toBeGreaterThan(40);
      expect(task.tryThis.length, id).toBeGreaterThan(20);
      expect(task.annotators.length, id).toBeGreaterThanOrEqual(2);
      const [a, b] = [Array(task.T).fill(0), Array(task.T).fill(1)];
      expect(goldPrefers(task, 0, a, b) + goldPrefers(task, 0, b, a), id).toBeCloseTo(1, 12);
      expect(goldPrefers(task, 0, a, a), id).toBe(0.5);
      const pool = poolPreference(task, 0, a, b);
      expect(pool).toBeGreaterThan(0);
      expect(pool).toBeLessThan(1);
    }
  });

  it('makes the cycle task intransitive: rock ≻ scissors ≻ paper ≻ rock', () => {
    const names = cycle.vocab;
    const [rock, paper, scissors] = ['rock', 'paper', 'scissors'].map((n) => [names.findIndex((v) => v.toLowerCase().includes(n))]);
    expect(goldPrefers(cycle, 0, rock, scissors)).toBeGreaterThan(0.5);
    expect(goldPrefers(cycle, 0, scissors, paper)).toBeGreaterThan(0.5);
    expect(goldPrefers(cycle, 0, paper, rock)).toBeGreaterThan(0.5);
  });
});

describe('custom tasks in the config', () => {
  it('round-trip through the schema and JSON unchanged', () => {
    const config = parseConfig({ task: EXAMPLE_CUSTOM_TASK });
    expect(parseConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
    const task = taskFor(config.task) as GoldTask;
    expect(task.vocab).toEqual(EXAMPLE_CUSTOM_TASK.responses);
    expect(task.gold(0, [3])).toBe(2);
  });

  it('accepts a preference matrix, and its task uses it as the gold preference', () => {
    const P = [
      [0.5, 0.8, 0.3],
      [0.2, 0.5, 0.9],
      [0.7, 0.1, 0.5],
    ];
    const config = parseConfig({ task: { id: 'custom', responses: ['a', 'b', 'c'], preference: P } });
    const task = taskFor(config.task) as GoldTask;
    expect(goldPrefers(task, 0, [0], [1])).toBe(0.8);
    expect(goldPrefers(task, 0, [2], [0])).toBe(0.7);
  });

  it.each([
    ['a matrix of the wrong shape', { preference: [[0.5, 0.5], [0.5, 0.5]] }, /preference: must be a 3×3 matrix/],
    ['a probability out of range', { preference: [[0.5, 1.2, 0.5], [-0.2, 0.5, 0.5], [0.5, 0.5, 0.5]] }, /preference\.0\.1: .*(<=|at most|less than)/i],
    ['P(a≻b) + P(b≻a) ≠ 1', { preference: [[0.5, 0.7, 0.5], [0.4, 0.5, 0.5], [0.5, 0.5, 0.5]] }, /P\(0≻1\) \+ P\(1≻0\) must equal 1, got 0.7 \+ 0.4/],
    ['a diagonal other than ½', { preference: [[0.6, 0.5, 0.5], [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]] }, /P\(0≻0\) \+ P\(0≻0\) must equal 1/],
    ['both a reward and a preference', { reward: [1, 2, 3], preference: [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]] }, /exactly one of "reward"/],
    ['neither a reward nor a preference', {}, /exactly one of "reward"/],
    ['a reward of the wrong length', { reward: [1, 2] }, /reward: needs 3 numbers/],
    ['a reference that does not sum to 1', { reward: [1, 2, 3], reference: [0.5, 0.5, 0.5] }, /reference: probabilities must sum to 1/],
  ])('rejects %s with a clear message', (_, fields, message) => {
    const attempt = () => parseConfig({ task: { id: 'custom', responses: ['a', 'b', 'c'], ...fields } });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });
});
