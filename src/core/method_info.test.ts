import { describe, expect, it } from 'vitest';
import { defaultConfig, MethodConfig, methodBeta } from './config';
import { methodFields } from './method_fields';
import { availableMethods, METHOD_INFO, methodNote, methodStages, stageRoles, tryThisFor } from './method_info';

describe('method info for the page', () => {
  it('lists every method of the config schema, each with fields carrying hints and defaults', () => {
    expect(availableMethods().sort()).toEqual(MethodConfig.options.map((o) => o.shape.id.value).sort());
    for (const id of availableMethods()) {
      for (const field of methodFields(id)) expect(field.hint.length, `${id}.${field.key}`).toBeGreaterThan(5);
    }
    expect(methodFields('ppo').find((f) => f.key === 'beta')).toMatchObject({ kind: 'number', defaultValue: 0.05 });
    expect(methodFields('ppo').find((f) => f.key === 'adaptiveKl')).toMatchObject({ kind: 'toggle', defaultValue: false, onValue: { target: 6, horizon: 10000 } });
    expect(methodFields('nash_md').find((f) => f.key === 'eta')).toMatchObject({ kind: 'number', nullable: true, defaultValue: null });
  });

  it('says which Nash-MD update a task gets, and warns when the exact one cannot run', () => {
    expect(methodNote(defaultConfig({ method: { id: 'ppo' } }))).toBeNull();
    expect(methodNote(defaultConfig({ task: { id: 'cycle' }, method: { id: 'nash_md' } }))).toMatch(/exact mirror-descent/);
    expect(methodNote(defaultConfig({ task: { id: 'helpful' }, method: { id: 'nash_md' } }))).toMatch(/runs as Nash-MD-PG/);
    expect(methodNote(defaultConfig({ task: { id: 'helpful' }, method: { id: 'nash_md', update: 'exact' } }))).toMatch(/would stop with an error/);
    expect(methodNote(defaultConfig({ task: { id: 'cycle' }, method: { id: 'nash_md', update: 'mirror_prox' } }))).toMatch(/Nash-MP.*η = 2/);
    expect(methodNote(defaultConfig({ task: { id: 'cycle' }, method: { id: 'nash_md', update: 'mirror_prox', eta: 5 } }))).toMatch(/η = 5/);
    expect(methodNote(defaultConfig({ task: { id: 'helpful' }, method: { id: 'nash_md', update: 'mirror_prox' } }))).toMatch(/mirror-prox update needs a one-step task.*would stop with an error/);
  });

  it('says where Chain of Hindsight’s forgetful causal masking cannot act', () => {
    expect(methodNote(defaultConfig({ method: { id: 'coh', fcmMaxRatio: 0.2 } }))).toMatch(/one-token task has no past tokens/);
    expect(methodNote(defaultConfig({ task: { id: 'helpful' }, policy: { kind: 'tabular' }, method: { id: 'coh', fcmMaxRatio: 0.2 } }))).toMatch(/tabular policy has no attention/);
    expect(methodNote(defaultConfig({ task: { id: 'helpful' }, method: { id: 'coh', fcmMaxRatio: 0.2 } }))).toMatch(/conditioned on <good>/);
  });

  it('names, for the stage walk, stages each method really marks', () => {
    const configs = [
      ...availableMethods().map((id) => defaultConfig({ method: { id } })),
      defaultConfig({ task: { id: 'cycle' }, method: { id: 'nash_md', update: 'mirror_prox' } }),
      defaultConfig({ task: { id: 'helpful' }, method: { id: 'nash_md' } }),
    ];
    for (const config of configs) {
      const stages = methodStages(config);
      const { drawn, paired, scored, advantages, moved } = stageRoles(config);
      for (const role of [drawn, paired, scored, advantages, moved]) if (role != null) expect(stages, config.method.id).toContain(role);
    }
    expect(stageRoles(defaultConfig({ method: { id: 'sft' } })).moved).toBeNull();
  });

  it('never tells a method without β to sweep β', () => {
    const taskHint = 'Sweep β from 0.01 to 1: small β chases the reward model.';
    for (const id of availableMethods()) {
      const hint = tryThisFor(taskHint, id);
      // Methods without a KL coefficient β (and Nash-MD, whose is τ) bring their own hint.
      const beta = id !== 'nash_md' && methodBeta(MethodConfig.parse({ id })) !== null;
      if (!beta) expect(hint, id).toBe(METHOD_INFO[id].tryThis);
      if (!beta) expect(hint, id).not.toMatch(/β/);
    }
  });
});
