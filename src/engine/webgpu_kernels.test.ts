/**
 * The fused kernels' WGSL (core/kernels/webgpu_*.ts) against the same computations composed of
 * tfjs's own WebGPU kernels, on WebGPU in Node: the `webgpu` package (Dawn) on SwiftShader here,
 * a real GPU elsewhere. The cases are the CPU and WASM tests' (core/kernels/fused_cases.ts).
 *
 * Where Node has no WebGPU (no `webgpu` package, no Vulkan loader) the file is skipped and says
 * why; under CI=true it fails instead, since .ci/run installs both.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { fusedAvailable } from '../core/kernels/array_kernel';
import { adamCase, logProbsCase, ppoCase, ppoNanCase } from '../core/kernels/fused_cases';
import { FUSED_ADAM } from '../core/kernels/fused_adam';
import { TOKEN_LOGP, TOKEN_LOGP_GRAD } from '../core/kernels/fused_logprobs';
import { PPO_SURROGATE } from '../core/kernels/fused_ppo';
import { gpuProgramDispatches } from '../core/kernels/gpu_program';
import { tokenLogProbs } from '../core/math/logprobs';
import { selectBackend } from './backend';

async function startWebGpu(): Promise<string | null> {
  const info = await selectBackend('webgpu', 'node');
  return info.name === 'webgpu' ? null : info.fallbackReasons.join('; ');
}

const unavailable = await startWebGpu();
if (unavailable && process.env.CI) throw new Error(`WebGPU in Node is needed for the fused kernels' WGSL tests: ${unavailable}`);
if (unavailable) console.warn(`Skipping the WebGPU kernel tests: ${unavailable}`);

/** |a − b| within `rel` of max(1, |a|) for every number: float32 on a GPU (fused multiply-adds, its own exp) against tfjs's kernels. */
function close(a: number[][], b: number[][], rel: number): void {
  expect(a.map((xs) => xs.length)).toEqual(b.map((xs) => xs.length));
  a.forEach((xs, j) => xs.forEach((x, i) => expect(Math.abs(x - b[j][i]), `output ${j}, number ${i}: ${x} against ${b[j][i]}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(x)))));
}

describe.skipIf(unavailable)('fused kernels on WebGPU (WGSL)', () => {
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('Adam: one kernel, within float32 rounding of the composed update, ten steps', async () => {
    expect(fusedAvailable(FUSED_ADAM)).toBe(true);
    const [fused, composed] = [await adamCase(true), await adamCase(false)];
    close(fused.values, composed.values, 1e-5);
    expect(fused.kernels.filter((k) => k === FUSED_ADAM)).toHaveLength(1);
    expect(composed.kernels.length - fused.kernels.length).toBeGreaterThan(20);
  });

  it('log-softmax-gather and its gradient: one kernel each, within float32 rounding of the composed ops', async () => {
    const [fused, composed] = [await logProbsCase(true), await logProbsCase(false)];
    close([fused.logp, fused.grad], [composed.logp, composed.grad], 1e-5);
    expect(fused.kernels).toContain(TOKEN_LOGP);
    expect(fused.kernels).toContain(TOKEN_LOGP_GRAD);
    expect(composed.kernels.length - fused.kernels.length).toBeGreaterThan(20);
  });

  it('log-softmax-gather: a NaN logit makes its row NaN, whichever token is picked; other rows stay finite', async () => {
    const [logits, tokens] = [tf.tensor2d([[0.5, NaN, -1], [0.5, 2, -1]]), tf.tensor1d([0, 0], 'int32')];
    const logp = tokenLogProbs(logits, tokens);
    const [diverged, fine] = Array.from(await logp.data());
    expect(diverged).toBeNaN();
    expect(Number.isFinite(fine)).toBe(true);
    tf.dispose([logits, tokens, logp]);
  });

  it.each([6, 50])('PPO, %i responses a member: loss, clip fraction, approx_kl, value loss and both gradients within float32 rounding of the composed ops', async (B) => {
    const [fused, composed] = [await ppoCase(true, B), await ppoCase(false, B)];
    close(fused.numbers, composed.numbers, 1e-5);
    expect(composed.numbers[1].every((c) => c > 0 && c < 1)).toBe(true);
    expect(fused.kernels).toContain(PPO_SURROGATE);
    expect(composed.kernels.length - fused.kernels.length).toBeGreaterThan(15);
  });

  it('PPO: a NaN in a member makes its losses NaN (divergence is seen), the other member’s stay finite', async () => {
    // The composed ops are not held to this: on SwiftShader their policy loss comes out finite, as the fused one did before it guarded its exp and max.
    const [policy, value] = await ppoNanCase(true);
    expect([policy[0], value[0]]).toEqual([NaN, NaN]);
    expect(Number.isFinite(policy[1]) && Number.isFinite(value[1])).toBe(true);
  });

  it.each([
    ['the stacked trunk’s halves (axis 0)', [4, 3, 5], 2, 0, 1],
    ['uneven parts of a middle axis', [2, 9, 3], [2, 4, 3], 1, 1],
    ['seven parts of the last axis', [3, 7], 7, -1, 1],
    ['eight parts: tfjs’s slices', [2, 8], 8, 1, 8],
  ] as const)('SplitV, %s: exactly tfjs’s slices, in the dispatches expected', async (_, shape, splits, axis, dispatches) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = tf.tensor(Array.from({ length: n }, (_, i) => i * 0.37 - 5), [...shape]);
    // On the GPU, as training's tensors are: tfjs would run ops on a small tensor it still holds on the CPU there.
    const forward = tf.env().getBool('WEBGPU_CPU_FORWARD');
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    const x = tf.mul(values, 1);
    const sizes = typeof splits === 'number' ? Array<number>(splits).fill(shape.at(axis)! / splits) : [...splits];
    const before = gpuProgramDispatches();
    const parts = tf.split(x, typeof splits === 'number' ? splits : [...splits], axis);
    expect(gpuProgramDispatches() - before).toBe(dispatches === 1 ? 1 : 0);
    const rank = shape.length;
    const a = axis < 0 ? rank + axis : axis;
    const slices = sizes.map((size, j) => {
      const begin = shape.map((_, i) => (i === a ? sizes.slice(0, j).reduce((p, q) => p + q, 0) : 0));
      return tf.slice(x, begin, shape.map((d, i) => (i === a ? size : d)));
    });
    expect(parts.map((p) => p.shape)).toEqual(slices.map((p) => p.shape));
    expect(await Promise.all(parts.map((p) => p.array()))).toEqual(await Promise.all(slices.map((p) => p.array())));
    tf.env().set('WEBGPU_CPU_FORWARD', forward);
    tf.dispose([values, x, ...parts, ...slices]);
  });
});
