import { describe, expect, it } from 'vitest';
import { createExperiment } from './experiment';
import { farmConfig, farmTable, runFarm, stat, type FarmOptions } from './farm';
import { parsePreferenceFile } from './preference_file';

const tiny: FarmOptions = {
  task: 'bandit',
  seeds: 2,
  iterations: 2,
  methods: ['sft', 'best_of_n'],
  farm: { sft: { steps: 20, demos: 256 }, feedback: { comparisons: 256 }, rewardModel: { steps: 20 }, preferenceModel: { steps: 20 } },
};

describe('stat', () => {
  it('gives the mean and the sample standard deviation', () => {
    // mean (1+2+3)/3 = 2; sd √(((−1)² + 0 + 1²)/(3−1)) = 1.
    expect(stat([1, 2, 3])).toEqual({ mean: 2, sd: 1, n: 3 });
    expect(stat([0.5]).sd).toBeNaN();
  });
});

describe('runFarm', () => {
  it('trains each method on one preparation and tabulates its seeds’ final metrics', async () => {
    const progress: string[] = [];
    const result = await runFarm({ ...tiny, onProgress: (line) => progress.push(line) });
    expect(result.exact).toBe(true);
    expect(result.iterations).toBe(2);
    expect(result.rows.map((r) => r.method)).toEqual(['sft', 'best_of_n']);
    const [sft, bon] = result.rows;
    expect(sft.perSeed).toHaveLength(2);
    // The two seeds are different farms (their own SFT and reward model).
    expect(sft.perSeed[0]['reward/gold_exact']).not.toBe(sft.perSeed[1]['reward/gold_exact']);
    // π_ref against itself wins half the time by construction, at zero KL.
    expect(sft.winGold.mean).toBeCloseTo(0.5, 5);
    expect(sft.winPool.mean).toBeCloseTo(0.5, 5);
    expect(sft.kl.mean).toBeCloseTo(0, 6);
    // Best-of-16 moves off π_ref, by at most log n − (n−1)/n.
    expect(bon.kl.mean).toBeGreaterThan(0.1);
    expect(bon.kl.mean).toBeLessThanOrEqual(Math.log(16) - 15 / 16 + 1e-4);
    expect(bon.gold).toEqual(stat(bon.perSeed.map((m) => m['reward/gold_exact'])));
    expect(bon.winGold).toEqual(stat(bon.perSeed.map((m) => m['winrate/vs_ref_gold'])));
    expect(progress.some((line) => line.startsWith('best_of_n: 2 iterations done'))).toBe(true);

    // The same method alone, with its own preparation, gives the same final numbers.
    const alone = createExperiment(farmConfig(tiny, 'best_of_n'));
    await alone.step();
    const last = (await alone.step()).members;
    alone.dispose();
    expect(bon.perSeed).toEqual(last);

    const table = farmTable(result).split('\n');
    expect(table[0]).toBe('| method | win rate vs π_ref (gold) | win rate vs π_ref (annotator pool) | gold reward (exact) | KL (exact) |');
    expect(table).toHaveLength(4);
    const sftLine = table.find((l) => l.includes('`sft`'))!;
    expect(sftLine).toContain(`| 0.500 ± 0.000 | 0.500 ± 0.000 | ${sft.gold.mean.toFixed(3)} ± ${sft.gold.sd.toFixed(3)} | 0.000 ± 0.000 |`);
    // Sorted by gold win rate, best first.
    expect(table[2].includes('`best_of_n`')).toBe(bon.winGold.mean > sft.winGold.mean);
  });

  it('on your own data, tabulates what can be known: agreement with held-out rows, proxy reward and KL, best agreement first', async () => {
    const rows = ['prompt,chosen,rejected', ...Array.from({ length: 40 }, (_, i) => (i % 2 ? 'Hi?,"Hello, how can I help?",Go away.' : 'Hi?,Hello.,Go away.'))];
    const task = parsePreferenceFile(rows.join('\n'), 'greetings.csv');
    const progress: string[] = [];
    const result = await runFarm({ ...tiny, task, methods: ['sft', 'dpo'], iterations: 3, onProgress: (line) => progress.push(line) });
    expect(result.gold).toBe(false);
    expect(progress[0]).toBe('preparing greetings for 2 seed(s): SFT, your 40 rows, reward model');
    const [sft, dpo] = result.rows;
    expect(sft.agreement.mean).toBe(0.5); // π_ref's implicit reward is 0 on every row: all ties
    expect(dpo.agreement.mean).toBeGreaterThan(0.9); // "Go away." always loses
    expect(dpo.proxy).toEqual(stat(dpo.perSeed.map((m) => m['reward/proxy_exact'])));
    expect(dpo.perSeed.every((m) => !Object.keys(m).some((k) => k.includes('gold')))).toBe(true);
    const table = farmTable(result).split('\n');
    expect(table[0]).toBe('| method | agreement with held-out rows | proxy reward r_φ (exact) | KL (exact) |');
    expect(table[2]).toContain('`dpo`');
    expect(table[3]).toContain('| SFT only (baseline) (`sft`) | 0.500 ± 0.000 |');
  });

  it('rejects a bad seed count with a clear message', async () => {
    await expect(runFarm({ ...tiny, seeds: 0 })).rejects.toThrow(/seeds must be an integer from 1 to 16, got 0/);
  });
});
