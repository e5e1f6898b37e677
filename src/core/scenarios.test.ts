import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import { SCENARIOS, scenarioById, scenarioMatching } from './scenarios';
import { decodeShare, shareUrl } from './share';

describe('guided scenarios', () => {
  it('offers at least six', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(6);
  });

  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s: its config is already normalised by parseConfig', (_id, s) => {
    // Parsing a parsed config must change nothing: the picker loads it as-is.
    expect(parseConfig(JSON.parse(JSON.stringify(s.config)))).toEqual(s.config);
  });

  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s: its share link round-trips to the same config', (_id, s) => {
    const link = shareUrl('http://127.0.0.1:5173/', s.config);
    expect(decodeShare(link)).toEqual(s.config);
  });

  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s: two sentences, something to watch and an https reference', (_id, s) => {
    expect(s.explanation).toHaveLength(2);
    for (const sentence of s.explanation) expect(sentence).toMatch(/^[A-Z].{20,}[.!?]$/);
    expect(s.watch.length).toBeGreaterThan(20);
    expect(s.reference.url).toMatch(/^https:\/\//);
  });

  it('has distinct ids, titles and configs', () => {
    const distinct = (xs: string[]) => new Set(xs).size;
    expect(distinct(SCENARIOS.map((s) => s.id))).toBe(SCENARIOS.length);
    expect(distinct(SCENARIOS.map((s) => s.title))).toBe(SCENARIOS.length);
    expect(distinct(SCENARIOS.map((s) => JSON.stringify(s.config)))).toBe(SCENARIOS.length);
  });

  it('covers the ideas the lab promises to teach', () => {
    const over = scenarioById('overoptimization')!;
    expect(over.config.task.id).toBe('helpful');
    expect(over.config.method).toMatchObject({ id: 'ppo', beta: 0.003 });
    expect(scenarioById('beta-sweep')!.config.sweep).toMatchObject({ kind: 'beta' });
    expect(scenarioById('intransitive-nash')!.config).toMatchObject({ task: { id: 'cycle' }, method: { id: 'nash_md' } });
    // DPO and PPO see the same farm: same seed, task and comparisons.
    const dpo = scenarioById('dpo-offline')!.config;
    const ppo = scenarioById('ppo-same-data')!.config;
    expect([dpo.method.id, ppo.method.id]).toEqual(['dpo', 'ppo']);
    expect({ seed: ppo.seed, task: ppo.task, feedback: ppo.feedback }).toEqual({ seed: dpo.seed, task: dpo.task, feedback: dpo.feedback });
    expect(scenarioById('annotator-noise')!.config.feedback.labelNoise).toBeGreaterThan(0.5);
    // Chain of Hindsight learns from the same pairs as DPO.
    const coh = scenarioById('chain-of-hindsight')!.config;
    expect(coh.method.id).toBe('coh');
    expect({ seed: coh.seed, task: coh.task, feedback: coh.feedback }).toEqual({ seed: dpo.seed, task: dpo.task, feedback: dpo.feedback });
  });

  it('recognises a loaded scenario by its config, and nothing else', () => {
    const s = SCENARIOS[1];
    expect(scenarioMatching(parseConfig(JSON.parse(JSON.stringify(s.config))))?.id).toBe(s.id);
    expect(scenarioMatching(parseConfig({ ...s.config, seed: s.config.seed + 1 }))).toBeUndefined();
    expect(scenarioById('no-such')).toBeUndefined();
  });
});
