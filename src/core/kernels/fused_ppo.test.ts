import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ppoValueLoss } from '../math/losses';
import { useBackend } from '../testing';
import { ppoBatch, ppoCase, ppoNanCase } from './fused_cases';
import { PPO_SURROGATE, PPO_VALUE_LOSS } from './fused_ppo';

describe('fused PPO losses', () => {
  afterAll(() => useBackend('wasm'));

  it('on CPU: loss, clip fraction, approx_kl and both gradients bit for bit the composed ops', async () => {
    await useBackend('cpu');
    const [fused, composed] = [await ppoCase(true), await ppoCase(false)];
    expect(fused.numbers).toEqual(composed.numbers);
    // Both clips bind somewhere (else the test would not tell the clipped branches apart).
    expect(composed.numbers[1].every((c) => c > 0 && c < 1)).toBe(true);
    expect(fused.kernels).toContain(PPO_SURROGATE);
    expect(composed.kernels.length - fused.kernels.length).toBeGreaterThan(15);
  });

  it('on WASM: within float32 rounding of the composed ops', async () => {
    await useBackend('wasm');
    const [fused, composed] = [await ppoCase(true), await ppoCase(false)];
    fused.numbers.forEach((xs, j) => xs.forEach((x, i) => expect(Math.abs(x - composed.numbers[j][i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x)))));
    expect(fused.kernels).toContain(PPO_SURROGATE);
  });

  it.each(['cpu', 'wasm'] as const)('on %s: a NaN in a member makes its losses NaN, fused as composed', async (backend) => {
    await useBackend(backend);
    for (const fused of [true, false]) {
      const [policy, value] = await ppoNanCase(fused);
      expect([policy[0], value[0]]).toEqual([NaN, NaN]);
      expect(Number.isFinite(policy[1]) && Number.isFinite(value[1])).toBe(true);
    }
  });

  it('value loss is one kernel where fused', async () => {
    await useBackend('cpu');
    const b = ppoBatch();
    const kernels = (await tf.profile(() => ppoValueLoss(b.values, b.valuesOld, b.returns, 0.2))).kernels.map((k) => k.name);
    expect(kernels).toEqual([PPO_VALUE_LOSS]);
    tf.dispose(Object.values(b));
  });
});
