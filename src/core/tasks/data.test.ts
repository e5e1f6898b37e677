import { describe, expect, it } from 'vitest';
import { defaultConfig, type ConfigInput } from '../config';
import { createExperiment } from '../experiment';
import { availableMethods } from '../method_info';
import { parsePreferenceFile } from '../preference_file';
import { Rng } from '../rng';
import { leakCheck } from '../testing';
import { dataTask } from './data';

/**
 * A small file: three questions, five replies. For every prompt "Clear answer." is chosen over
 * anything it meets, and the other rows are a coin between two replies — so a learner of the
 * file's preferences raises "Clear answer." and nothing else is certain.
 */
function file(rows: number, seed = 5): string {
  const rng = new Rng(seed);
  const replies = ['Clear answer.', 'Vague answer.', 'No idea.', 'Read the manual!', 'Maybe, maybe not.'];
  const lines = ['prompt,chosen,rejected,annotator'];
  for (let i = 0; i < rows; i++) {
    const x = `Question ${i % 3}?`;
    const [a, b] = [1 + rng.int(4), 1 + rng.int(4)];
    const other = a === b ? 1 + (a % 4) : b;
    const [chosen, rejected] = i % 2 === 0 ? [replies[0], replies[a]] : rng.bernoulli(0.5) ? [replies[a], replies[other]] : [replies[other], replies[a]];
    lines.push(`${x},"${chosen}","${rejected}",${i % 3 === 0 ? 'ana' : 'ben'}`);
  }
  return lines.join('\n');
}

const QUICK = { sft: { steps: 60 }, rewardModel: { steps: 80 }, preferenceModel: { steps: 40 } } satisfies Partial<ConfigInput>;

describe('a task from your preference file', () => {
  const spec = parsePreferenceFile(file(120), 'pairs.csv');

  it('asks the prompts as often as the file does, and its demonstrator writes the file’s replies as often as the file shows them', () => {
    const task = dataTask(spec);
    const asked = spec.prompts.map((_, x) => spec.pairs.filter((p) => p[0] === x).length / spec.pairs.length);
    expect(task.promptProbs).toEqual(asked);
    const rng = new Rng(1);
    const n = 20_000;
    const counts = new Array<number>(spec.responses.length).fill(0);
    for (let i = 0; i < n; i++) counts[task.demonstrate(0, rng)[0]] += 1;
    const shown = new Array<number>(spec.responses.length).fill(0);
    for (const [x, w, l] of spec.pairs) if (x === 0) [w, l].forEach((y) => (shown[y] += 1));
    const total = shown.reduce((a, b) => a + b, 0);
    // 4 standard errors of a frequency at n = 20 000 is under 0.015.
    counts.forEach((c, y) => expect(Math.abs(c / n - shown[y] / total)).toBeLessThan(0.015));
    expect(task.gold).toBeUndefined();
  });

  it('trains on exactly the file’s rows, and reports what can be known — proxy reward, KL, agreement with held-out rows — and nothing gold', async () => {
    const leaks = leakCheck();
    const experiment = createExperiment(defaultConfig({ ...QUICK, task: spec, iterations: 2, method: { id: 'dpo' } }));
    const prepared = await experiment.prepare();
    const result = await experiment.step();
    const m = result.members[0];
    expect(Object.keys(m)).toEqual(expect.arrayContaining(['kl/exact', 'reward/proxy_exact', 'agreement/held_out']));
    expect(Object.keys(m).filter((k) => /gold|pool|winrate/.test(k))).toEqual([]);
    expect(Object.keys(prepared.rewardModel.at(-1)!)).toEqual(['rm/loss', 'rm/accuracy']);
    expect(prepared.frontier![0].gold).toBeUndefined();
    expect(prepared.frontier![0].proxy.length).toBeGreaterThan(10);
    expect(result.samples!.every((s) => s.gold === undefined && s.goldWin === undefined && s.verdicts.length === 0)).toBe(true);
    const summary = await experiment.summary();
    expect(summary.members[0].tables!.optimumGold).toBeUndefined();
    // The comparisons shown are the file's rows, chosen first.
    for (const c of prepared.comparisons) {
      const x = spec.prompts.indexOf(c.prompt);
      expect(spec.pairs.some(([px, w, l]) => px === x && spec.responses[w] === c.first && spec.responses[l] === c.second), `${c.prompt} ${c.first} ≻ ${c.second}`).toBe(true);
      expect(c.winner).toBe('first');
    }
    experiment.dispose();
    leaks.expectFreed();
  });

  it('DPO on it raises the reply the file always prefers, and its policy agrees with the held-out rows it never saw', async () => {
    const experiment = createExperiment(defaultConfig({ ...QUICK, task: spec, iterations: 40, evalEvery: 40, method: { id: 'dpo', lr: 0.05 } }));
    let last = {} as Record<string, number>;
    for (let i = 0; i < 40; i++) last = (await experiment.step()).members[0];
    const { members } = await experiment.summary();
    experiment.dispose();
    const t = members[0].tables!;
    const clear = t.responses.indexOf('Clear answer.');
    t.policy.forEach((pi, x) => expect(pi[clear], t.prompts[x]).toBeGreaterThan(t.reference[x][clear] + 0.1));
    // Half the held-out rows are "Clear answer." ≻ …, the rest a coin: from ½ at π_ref to about ¾.
    expect(last['agreement/held_out']).toBeGreaterThan(0.65);
  });

  it.each(availableMethods())('%s trains on it: two iterations, finite numbers, nothing leaked', async (id) => {
    const leaks = leakCheck();
    const experiment = createExperiment(defaultConfig({ ...QUICK, task: spec, iterations: 2, method: { id } as ConfigInput['method'] }));
    for (let i = 0; i < 2; i++) {
      const m = (await experiment.step()).members[0];
      for (const [k, v] of Object.entries(m)) expect(Number.isFinite(v), `${id} ${k}`).toBe(true);
      expect(m['agreement/held_out']).toBeGreaterThanOrEqual(0);
    }
    experiment.dispose();
    leaks.expectFreed();
  });
});
