/**
 * Adam's whole update as one kernel on the CPU and WASM backends (issue 12: fewer, larger
 * kernels). Composed of tfjs ops, one step on a network of k parameters costs about 2k + 16
 * kernels (a reshape per gradient, a concat, a dozen element-wise ops on the flat moments, a
 * split, then a reshape and a subtraction per parameter): 112 per step for PPO's policy and
 * value transformers, 16 steps an iteration. Here it is one loop over each member's numbers.
 *
 * Bit for bit the composed update: every operation is rounded to float32 as the composed
 * path's kernels round it (Math.fround after each +, −, ×, ÷ and √; all five are correctly
 * rounded through a double, so the result is exactly the float32 operation's), in the same
 * order, with the same float32 constants. The golden trajectories and every closed-form test
 * therefore keep their numbers. WebGPU runs it in WGSL (webgpu_adam.ts); WebGL keeps the
 * composed path.
 */
import { registerArrayKernel, type ArrayKernelFunc, type ArrayOutput } from './array_kernel';
import { registerWebGpuAdam } from './webgpu_adam';

export const FUSED_ADAM = 'LabPopulationAdam';

/** The step's scalars: Adam's β₁, β₂, ε, the bias corrections 1 − βᵗ, and the schedule's factor on the learning rate. */
export interface AdamScalars {
  beta1: number;
  beta2: number;
  eps: number;
  c1: number;
  c2: number;
  scale: number;
}

export interface FusedAdamAttrs extends AdamScalars {
  /** Which parameters have a gradient (one without counts as zero). */
  present: boolean[];
}

/**
 * One Adam step on plain arrays, in place. params[i] and grads[i] hold [P, w_i] row-major;
 * m and v are the flat [P, Σw] moments (member p's parameter i at p·n + offset_i), lr is [P].
 */
export function adamInPlace(params: Float32Array[], grads: (Float32Array | null)[], m: Float32Array, v: Float32Array, lr: Float32Array, s: AdamScalars): void {
  const f = Math.fround;
  const P = lr.length;
  const widths = params.map((p) => p.length / P);
  const n = widths.reduce((a, b) => a + b, 0);
  // The composed path's scalar tensors: each constant as float32, 1 − β computed in double first.
  const [b1, nb1, b2, nb2] = [f(s.beta1), f(1 - s.beta1), f(s.beta2), f(1 - s.beta2)];
  const [c1, c2, eps, scale] = [f(s.c1), f(s.c2), f(s.eps), f(s.scale)];
  for (let p = 0; p < P; p++) {
    const rate = f(lr[p] * scale);
    let k = p * n;
    params.forEach((param, i) => {
      const w = widths[i];
      const g = grads[i];
      for (let j = p * w, end = j + w; j < end; j++, k++) {
        const gj = g ? g[j] : 0;
        const mk = f(f(b1 * m[k]) + f(nb1 * gj));
        const vk = f(f(b2 * v[k]) + f(nb2 * f(gj * gj)));
        m[k] = mk;
        v[k] = vk;
        const step = f(f(mk / c1) / f(f(Math.sqrt(f(vk / c2))) + eps));
        param[j] = f(param[j] - f(rate * step));
      }
    });
  }
}

/** Inputs p0…, g0… (present ones only), m, v, lr; outputs the new p0…, m, v. */
const fusedAdam: ArrayKernelFunc<FusedAdamAttrs> = (inputs, attrs) => {
  const copy = (name: string): ArrayOutput => ({ values: Float32Array.from(inputs[name].values), shape: inputs[name].shape });
  const params = attrs.present.map((_, i) => copy(`p${i}`));
  const [m, v] = [copy('m'), copy('v')];
  const grads = attrs.present.map((has, i) => (has ? (inputs[`g${i}`].values as Float32Array) : null));
  adamInPlace(params.map((p) => p.values), grads, m.values, v.values, inputs.lr.values as Float32Array, attrs);
  return [...params, m, v];
};

/** Registers the fused update for the CPU, WASM and WebGPU backends (a backend need not be loaded yet). */
export function registerFusedAdam(): void {
  registerArrayKernel(FUSED_ADAM, fusedAdam);
  registerWebGpuAdam(FUSED_ADAM);
}
