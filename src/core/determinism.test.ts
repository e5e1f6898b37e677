/**
 * Same config and same backend ⇒ the same numbers, bit for bit, on the two backends the
 * tests and the CLI use. (The other unit tests run on WASM; this file switches backends.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { runExperiment, useBackend } from './testing';

const small = { sft: { steps: 20 }, rewardModel: { steps: 20 }, iterations: 3 };
const members = async (seed: number) => (await runExperiment(defaultConfig({ ...small, seed }))).map((r) => r.members);

afterAll(() => useBackend('wasm'));

describe.each(['cpu', 'wasm'] as const)('an experiment on the %s backend', (backend) => {
  it('is deterministic: same config and backend give identical numbers', async () => {
    await useBackend(backend);
    const a = await members(11);
    const b = await members(11);
    expect(b).toEqual(a);
    const c = await members(12);
    expect(c[2][0]['reward/proxy']).not.toBe(a[2][0]['reward/proxy']);
  });
});
