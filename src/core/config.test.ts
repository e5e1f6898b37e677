import { describe, expect, it } from 'vitest';
import { ConfigError, configJsonSchema, defaultConfig, parseConfig, populationOf } from './config';

describe('config', () => {
  it('fills every default from an empty object and stamps the version', () => {
    const c = parseConfig({});
    expect(c.version).toBe(1);
    expect(c.method).toMatchObject({ id: 'ppo', beta: 0.05 });
    expect(c.sweep.kind).toBe('none');
  });

  it('keeps reading a version-1 link written before any later field existed', () => {
    // A link's content as shared by the first release: must keep parsing in every later one.
    const v1 = { version: 1, seed: 3, iterations: 10, task: { id: 'bandit' }, method: { id: 'ppo', beta: 0.1 } };
    const c = parseConfig(v1);
    expect(c.seed).toBe(3);
    expect(c.method).toMatchObject({ id: 'ppo', beta: 0.1 });
  });

  it('rejects bad input with a message naming the field', () => {
    expect(() => parseConfig({ method: { id: 'ppo', beta: -1 } })).toThrow(/method\.beta/);
    expect(() => parseConfig({ task: { id: 'chess' } })).toThrow(/task\.id/);
    expect(() => parseConfig({ seed: 1.5 })).toThrow(ConfigError);
    expect(() => parseConfig({ surprise: true })).toThrow(/surprise|Unrecognized/);
    expect(() => parseConfig('{}')).toThrow(/JSON object/);
    expect(() => parseConfig({ version: 99 })).toThrow(/newer/);
  });

  it('fills each method’s reference defaults, and refuses a β sweep for a method without β', () => {
    expect(parseConfig({ method: { id: 'dpo' } }).method).toMatchObject({ beta: 0.1, loss: 'sigmoid' });
    expect(parseConfig({ method: { id: 'best_of_n' } }).method).toMatchObject({ n: 16 });
    expect(parseConfig({ method: { id: 'xpo' } }).method).toMatchObject({ alpha: 1e-5, beta: 0.1 });
    expect(populationOf(defaultConfig({ method: { id: 'nash_md' }, sweep: { kind: 'beta', values: [0.1, 1] } })).map((m) => m.label)).toEqual(['τ=0.1', 'τ=1']);
    expect(() => parseConfig({ method: { id: 'best_of_n' }, sweep: { kind: 'beta', values: [0.1, 1] } })).toThrow(/sweep: a β sweep needs a method with a KL coefficient/);
  });

  it('expands sweeps into population members', () => {
    expect(populationOf(defaultConfig({ sweep: { kind: 'beta', values: [0.1, 1] } })).map((m) => [m.seed, m.beta])).toEqual([
      [0, 0.1],
      [0, 1],
    ]);
    expect(populationOf(defaultConfig({ seed: 5, sweep: { kind: 'seed', count: 3 } })).map((m) => m.seed)).toEqual([5, 6, 7]);
  });

  it('publishes a JSON schema with every section', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['version', 'seed', 'task', 'method', 'sweep', 'sft', 'rewardModel', 'feedback']),
    );
  });
});
