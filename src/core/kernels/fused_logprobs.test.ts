import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../testing';
import { logProbsCase } from './fused_cases';
import { TOKEN_LOGP, TOKEN_LOGP_GRAD } from './fused_logprobs';

describe('fused log-softmax-gather', () => {
  afterAll(() => useBackend('wasm'));

  it('on CPU: bit for bit the composed ops, value and gradient, in one kernel each', async () => {
    await useBackend('cpu');
    const [fused, composed] = [await logProbsCase(true), await logProbsCase(false)];
    expect(fused.logp).toEqual(composed.logp);
    expect(fused.grad).toEqual(composed.grad);
    expect(fused.kernels).toContain(TOKEN_LOGP);
    expect(fused.kernels).toContain(TOKEN_LOGP_GRAD);
    expect(composed.kernels.length - fused.kernels.length).toBeGreaterThan(20);
  });

  it('on WASM: within a few float32 ulps of the composed ops', async () => {
    await useBackend('wasm');
    const [fused, composed] = [await logProbsCase(true), await logProbsCase(false)];
    fused.logp.forEach((x, i) => expect(Math.abs(x - composed.logp[i])).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(x))));
    fused.grad.forEach((x, i) => expect(Math.abs(x - composed.grad[i])).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(x))));
    expect(fused.kernels).toContain(TOKEN_LOGP);
  });
});
