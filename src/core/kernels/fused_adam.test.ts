import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../testing';
import { fusedAvailable } from './array_kernel';
import { adamCase } from './fused_cases';
import { FUSED_ADAM } from './fused_adam';

describe.each(['cpu', 'wasm'] as const)('fused Adam on %s', (backend) => {
  afterAll(() => useBackend('wasm'));

  it('is one kernel and bit for bit the update composed of tfjs ops', async () => {
    await useBackend(backend);
    expect(fusedAvailable(FUSED_ADAM)).toBe(true);
    const fused = await adamCase(true);
    const composed = await adamCase(false);
    expect(fused.values).toEqual(composed.values);
    // The step after the gradient: one kernel where the composed update launches ~30.
    expect(fused.kernels.filter((k) => k === FUSED_ADAM)).toHaveLength(1);
    expect(composed.kernels).not.toContain(FUSED_ADAM);
    expect(composed.kernels.length - fused.kernels.length).toBeGreaterThan(20);
  });
});
