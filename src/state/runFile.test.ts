import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../core/config';
import type { IterationResult } from '../core/types';
import { MESSAGE_LIMIT } from '../core/config';
import { csvField } from '../core/csv';
import { cleanName, defaultRunName, fileStem, parseRunFile, RunFileError, toMetricsCsv, toRunFile, type SavedRun } from './runFile';

function iteration(n: number, members: Record<string, number>[]): IterationResult {
  return { iteration: n, members, stages: [{ name: 'sample', narration: 'drew 16 replies', ms: 3 }], readbacks: 2 };
}

function run(overrides: Partial<SavedRun> = {}): SavedRun {
  return {
    id: 'a',
    name: 'PPO, β = 0.05',
    createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    updatedAt: Date.UTC(2026, 0, 2, 3, 4, 9),
    backend: 'WebGPU · swiftshader (software)',
    config: defaultConfig({ seed: 3, iterations: 2, method: { id: 'dpo' }, sweep: { kind: 'seed', count: 2 } }),
    iterations: [
      iteration(1, [{ 'reward/gold': 0.5, 'kl/k3': 0.01 }, { 'reward/gold': 0.25, 'kl/k3': 0.02 }]),
      iteration(2, [{ 'reward/gold': 0.75, 'kl/k3': 0.03, 'kl/exact': 0.04 }, { 'reward/gold': 0.5, 'kl/k3': 0.05 }]),
    ],
    ...overrides,
  };
}

/** A valid file's JSON with one field changed by `edit`. */
function edited(edit: (file: Record<string, unknown>) => void): string {
  const file = JSON.parse(toRunFile(run())) as Record<string, unknown>;
  edit(file);
  return JSON.stringify(file);
}

describe('run files', () => {
  it('round-trips a run through JSON under a new id', () => {
    const original = run();
    const back = parseRunFile(toRunFile(original), 'b', 99);
    expect(back).toEqual({ ...original, id: 'b', updatedAt: 99 });
  });

  it.each([
    ['not JSON', '{"format":', 'not valid JSON'],
    ['another JSON document', '{"hello": 1}', 'not an Alignment Lab run file'],
    ['a newer format', edited((f) => (f.version = 2)), 'only run files of version 1'],
    ['an infinite metric (JSON has no Infinity, so a string)', edited((f) => ((f.iterations as { members: unknown[] }[])[0].members = [{ 'reward/gold': 'Infinity' }])), 'iterations.0.members.0.reward/gold'],
    ['a negative β in the config', edited((f) => ((f.config as { method: { beta: number } }).method.beta = -1)), "run's config is not valid"],
    ['iterations out of order', edited((f) => (f.iterations as unknown[]).reverse()), 'iterations must increase'],
    ['more members than its config has', edited((f) => (f.iterations as { members: unknown[] }[])[1].members.push({ 'reward/gold': 1 })), 'its config has 2 members, but entry 2 reports 3'],
    ['a metric named like a spreadsheet formula', edited((f) => ((f.iterations as { members: unknown[] }[])[0].members[0] = { '=HYPERLINK("http://x","y")': 1 })), 'must start with a letter'],
    ['a metric named constructor', edited((f) => ((f.iterations as { members: unknown[] }[])[0].members[0] = { constructor: 1 })), 'not a metric name'],
  ])('refuses %s with a clear message', (_what, text, message) => {
    expect(() => parseRunFile(text, 'b', 0)).toThrow(RunFileError);
    expect(() => parseRunFile(text, 'b', 0)).toThrow(message);
  });

  it('drops a metric named __proto__ without touching any prototype', () => {
    const text = '{"format":"alignment-lab-run","version":1,"name":"x","createdAt":"","config":{"version":1},"iterations":[{"iteration":1,"members":[{"__proto__":{"polluted":1},"kl/k3":1}]}]}';
    const members = parseRunFile(text, 'b', 0).iterations[0].members;
    expect(members).toEqual([{ 'kl/k3': 1 }]);
    expect(Object.getPrototypeOf(members[0])).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('cuts a message that would quote a megabyte of the file', () => {
    const huge = edited((f) => ((f.iterations as { members: unknown[] }[])[0].members[0] = { ['k'.repeat(1 << 20)]: 1 }));
    expect(() => parseRunFile(huge, 'b', 0)).toThrow(RunFileError);
    try {
      parseRunFile(huge, 'b', 0);
    } catch (error) {
      expect((error as Error).message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    }
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
    ['kl/k3', 'kl/k3'],
    ['a,b', '"a,b"'],
  ])('writes the CSV text cell %s as %s (never a formula)', (value, cell) => {
    expect(csvField(value)).toBe(cell);
  });

  it('keeps an imported name on one line and short, falling back to method on task', () => {
    expect(parseRunFile(edited((f) => (f.name = `  two\nlines ${'x'.repeat(200)}`)), 'b', 0).name).toBe(`two lines ${'x'.repeat(70)}`);
    expect(parseRunFile(edited((f) => (f.name = '   ')), 'b', 0).name).toBe('DPO β=0.1 · bandit · seeds 3–4');
    expect(cleanName('<b>bold</b>')).toBe('<b>bold</b>'); // kept as text; React escapes it
  });

  it('writes one CSV row per iteration × member and one column per metric', () => {
    expect(toMetricsCsv(run()).split('\n')).toEqual([
      'iteration,member,kl/exact,kl/k3,reward/gold',
      '1,0,,0.01,0.5',
      '1,1,,0.02,0.25',
      '2,0,0.04,0.03,0.75',
      '2,1,,0.05,0.5',
      '',
    ]);
  });

  it('quotes CSV headers that hold commas or quotes', () => {
    const csv = toMetricsCsv(run({ iterations: [iteration(1, [{ 'a,b': 1, 'say "hi"': 2 }])] }));
    expect(csv.split('\n')[0]).toBe('iteration,member,"a,b","say ""hi"""');
  });

  it.each([
    ['PPO, β = 0.05', 'ppo-0-05'],
    ['../../etc/passwd', 'etc-passwd'],
    ['ββ', 'run'],
  ])('file stem of %j is %j', (name, stem) => {
    expect(fileStem(name)).toBe(stem);
  });
});

describe('default run names', () => {
  it.each([
    [defaultConfig({}), 'PPO β=0.05 · bandit · seed 0'],
    [defaultConfig({ seed: 4, task: { id: 'helpful' }, method: { id: 'dpo', loss: 'ipo' } }), 'IPO β=0.1 · helpful · seed 4'],
    [defaultConfig({ method: { id: 'ppo' }, sweep: { kind: 'beta', values: [0.01, 0.1, 1, 0.03] } }), 'PPO β 0.01–1 (4) · bandit · seed 0'],
    [defaultConfig({ seed: 2, method: { id: 'best_of_n', n: 8 }, sweep: { kind: 'seed', count: 3 } }), 'Best-of-n n=8 · bandit · seeds 2–4'],
    [defaultConfig({ task: { id: 'cycle' }, method: { id: 'nash_md', tau: 0.2 } }), 'Nash-MD τ=0.2 · cycle · seed 0'],
    [defaultConfig({ task: { id: 'data', title: 'support', prompts: ['Hi'], responses: ['a', 'b'], pairs: [[0, 0, 1, 0], [0, 1, 0, 0]] }, method: { id: 'p3o' } }), 'P3O β=0.05 · support · seed 0'],
  ])('names a run by method, its knob, task and seed: %#', (config, name) => {
    expect(defaultRunName(config)).toBe(name);
  });
});
