import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfig } from './config';
import { prepareShared } from './preparation/shared';
import { taskFor } from './tasks';
import { responseCount, type GoldTask } from './tasks/task';
import { agreement, offeredPair, YOU, type YourLabel } from './your_labels';

const bandit = taskFor({ id: 'bandit' }) as GoldTask;

describe('your labels', () => {
  it('are offered the same comparisons for the same seed: a prompt and two different replies', () => {
    const pairs = Array.from({ length: 50 }, (_, k) => offeredPair(bandit, 3, k));
    expect(Array.from({ length: 50 }, (_, k) => offeredPair(bandit, 3, k))).toEqual(pairs);
    expect(offeredPair(bandit, 4, 0)).not.toEqual(pairs[0]);
    for (const { x, first, second } of pairs) {
      expect(x).toBeLessThan(bandit.prompts.length);
      expect(first).not.toBe(second);
      expect(Math.max(first, second)).toBeLessThan(responseCount(bandit));
    }
  });

  it('agree with the gold reward when they pick its better reply, and each annotator’s agreement is a probability that flips with the label', () => {
    // Bandit, prompt 0: find two replies with different gold rewards.
    const [a, b] = [0, 1, 2, 3, 4, 5].sort((i, j) => bandit.gold(0, [j]) - bandit.gold(0, [i]));
    expect(bandit.gold(0, [a])).toBeGreaterThan(bandit.gold(0, [b]));
    const right: YourLabel[] = [[0, a, b, 1]];
    const wrong: YourLabel[] = [[0, a, b, 0]];
    expect(agreement(bandit, right).gold).toBe(1);
    expect(agreement(bandit, wrong).gold).toBe(0);
    expect(agreement(bandit, [...right, ...wrong]).gold).toBe(0.5);
    const [r, w] = [agreement(bandit, right), agreement(bandit, wrong)];
    r.annotators.forEach((ann, k) => {
      expect(ann.agreement).toBeGreaterThan(0);
      expect(ann.agreement + w.annotators[k].agreement).toBeCloseTo(1, 12);
    });
    // The careful annotator judges by the gold reward: it agrees with the right label more than not.
    expect(r.annotators.find((ann) => ann.name === 'careful')!.agreement).toBeGreaterThan(0.5);
  });

  it('are refused with one clear sentence when they do not fit the task', () => {
    const config = (labels: unknown) => ({ feedback: { yours: { labels } } });
    expect(() => parseConfig(config([[0, 1, 2, 1], [0, 9, 2, 1]]))).toThrow(/label 2: reply 9 is not one of the task’s 6/);
    expect(() => parseConfig(config([[7, 1, 2, 1]]))).toThrow(/label 1: prompt 7 is not one of the task’s 3/);
    expect(() => parseConfig(config([[0, 2, 2, 1]]))).toThrow(/label 1: it compares a reply with itself/);
    expect(() => parseConfig(config([[0, 1, 2, 2]]))).toThrow(ConfigError);
    expect(() => parseConfig({ feedback: { yours: { labels: [[0, 1, 2, 1]], use: 'alone' } } })).toThrow(/label at least 2 comparisons to train on your labels alone/);
    expect(parseConfig(config([[0, 1, 2, 1]])).feedback.yours).toEqual({ labels: [[0, 1, 2, 1]], use: 'mixed' });
  });

  it('alone, are the farm: the reward model learns the reply you always pick', async () => {
    const favourite = 4;
    const labels: YourLabel[] = [];
    for (let rep = 0; rep < 8; rep++) for (let x = 0; x < 3; x++) for (let y = 0; y < 6; y++) if (y !== favourite) labels.push(rep % 2 ? [x, favourite, y, 1] : [x, y, favourite, 0]);
    const config = defaultConfig({ sft: { steps: 20 }, rewardModel: { steps: 150 }, preferenceModel: { steps: 0 }, feedback: { yours: { labels, use: 'alone' } } });
    const shared = await prepareShared(config);
    const { feedback, evaluator, result } = shared.prepared;
    expect(feedback.comparisons[0]).toHaveLength(labels.length);
    expect(feedback.comparisons[0].every((c) => c.annotator === YOU && !c.coinToss)).toBe(true);
    expect(result.comparisons[0]).toMatchObject({ annotator: 'you' });
    for (const row of evaluator!.tables.proxy[0]) expect(row.indexOf(Math.max(...row))).toBe(favourite);
    shared.dispose();
  });

  it('mixed, come first and all train, followed by the pool’s comparisons', async () => {
    const labels: YourLabel[] = [
      [0, 1, 2, 1],
      [1, 3, 0, 0],
    ];
    const config = defaultConfig({ sft: { steps: 5 }, rewardModel: { steps: 5 }, preferenceModel: { steps: 0 }, feedback: { comparisons: 64, yours: { labels } } });
    const shared = await prepareShared(config);
    const list = shared.prepared.feedback.comparisons[0];
    expect(list).toHaveLength(64 + 2);
    expect(list.slice(0, 2).map((c) => [c.x, c.firstWins])).toEqual([
      [0, true],
      [1, false],
    ]);
    expect(list.slice(2).every((c) => c.annotator !== YOU)).toBe(true);
    // Held out from the end: the pool's.
    expect(shared.prepared.feedback.train.prompts.shape[1]).toBe(66 - Math.round(66 * 0.2));
    shared.dispose();
  });
});
