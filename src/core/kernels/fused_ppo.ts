/**
 * PPO's clipped policy surrogate (with its clip fraction and approx_kl) and clipped value loss,
 * each one kernel on the CPU and WASM backends (and in WGSL on WebGPU, webgpu_ppo.ts), where
 * math/losses.ts composes them from about twenty tfjs ops each (and the autograd tape clones
 * what the metrics read). Each kernel also
 * returns ∂loss/∂input for a unit upstream gradient, which its registered gradient scales.
 *
 * The numbers are the CPU backend's for the composed ops: every operation rounded to float32
 * as its kernel rounds it, scalars as float32 tensors, the means as tfjs-backend-cpu's Mean
 * takes them (each term divided by n, summed in double, rounded once). On CPU the paths agree
 * bit for bit; on WASM within float32 rounding of its own exp.
 */
import { registerGradient, tidy, mul, reshape, zerosLike, type Tensor } from '@tensorflow/tfjs-core';
import { registerArrayKernel, sizeOf, type ArrayKernelFunc } from './array_kernel';
import { registerWebGpuPpo } from './webgpu_ppo';

export const PPO_SURROGATE = 'LabPpoSurrogate';
export const PPO_VALUE_LOSS = 'LabPpoValueLoss';

const f = Math.fround;

/** tfjs-backend-cpu's ClipByValue: bounds compared in double, the result stored as float32. */
const clip = (x: number, lo: number, hi: number): number => f(x > hi ? hi : x < lo ? lo : x);

/**
 * logp, logpOld, advantages [P, ...] → per member [P]: L_pg = mean max(−A·ρ, −A·clip(ρ, 1 ± ε)),
 * the fraction of |ρ − 1| > ε and approx_kl = mean((ρ − 1) − log ρ); then ∂L_pg/∂log π [P, ...]
 * = −A·ρ/n where the unclipped side is the max, else 0.
 */
const surrogate: ArrayKernelFunc<{ clipRange: number }> = ({ logp, logpOld, advantages }, { clipRange }) => {
  const P = logp.shape[0];
  const n = sizeOf(logp.shape) / P;
  const eps = f(clipRange);
  const [loss, clipfrac, approxKl] = [new Float32Array(P), new Float32Array(P), new Float32Array(P)];
  const dLoss = new Float32Array(P * n);
  for (let p = 0; p < P; p++) {
    let [L, c, k] = [0, 0, 0];
    for (let i = p * n, end = i + n; i < end; i++) {
      const logratio = f(logp.values[i] - logpOld.values[i]);
      const ratio = f(Math.exp(logratio));
      const negA = -advantages.values[i];
      const unclipped = f(negA * ratio);
      const clipped = f(negA * clip(ratio, 1 - clipRange, 1 + clipRange));
      dLoss[i] = f(f(unclipped * (unclipped >= clipped ? 1 : 0)) / n);
      L += f(Math.max(unclipped, clipped) / n);
      c += f((f(Math.abs(f(ratio - 1))) > eps ? 1 : 0) / n);
      k += f(f(f(ratio - 1) - logratio) / n);
    }
    [loss[p], clipfrac[p], approxKl[p]] = [f(L), f(c), f(k)];
  }
  const member = [P];
  return [
    { values: loss, shape: member },
    { values: clipfrac, shape: member },
    { values: approxKl, shape: member },
    { values: dLoss, shape: logp.shape },
  ];
};

/**
 * values, valuesOld, returns [P, ...] → per member [P]: ½·mean max((V − R)², (V_old + clip(V − V_old, ±ε_v) − R)²);
 * then ∂/∂V [P, ...] = (V − R)/n where the unclipped square is the max, else 0.
 */
const valueLoss: ArrayKernelFunc<{ clipRangeValue: number }> = ({ values, valuesOld, returns }, { clipRangeValue }) => {
  const P = values.shape[0];
  const n = sizeOf(values.shape) / P;
  const loss = new Float32Array(P);
  const dLoss = new Float32Array(P * n);
  for (let p = 0; p < P; p++) {
    let L = 0;
    for (let i = p * n, end = i + n; i < end; i++) {
      const [V, Vold, R] = [values.values[i], valuesOld.values[i], returns.values[i]];
      const vClipped = f(Vold + clip(f(V - Vold), -clipRangeValue, clipRangeValue));
      const errUnclipped = f(V - R);
      const errClipped = f(vClipped - R);
      const a = f(errUnclipped * errUnclipped);
      const b = f(errClipped * errClipped);
      dLoss[i] = f(f(errUnclipped * (a >= b ? 1 : 0)) / n);
      L += f(Math.max(a, b) / n);
    }
    loss[p] = f(0.5 * f(L));
  }
  return [
    { values: loss, shape: [P] },
    { values: dLoss, shape: values.shape },
  ];
};

/** ∂/∂input = dy_p · (the kernel's saved per-element gradient); the other inputs are data, never differentiated. */
function scaledBy(dy: Tensor, dLoss: Tensor): Tensor {
  return tidy(() => mul(reshape(dy, [dy.shape[0], ...new Array(dLoss.rank - 1).fill(1)]), dLoss));
}

export function registerFusedPpo(): void {
  registerArrayKernel(PPO_SURROGATE, surrogate);
  registerArrayKernel(PPO_VALUE_LOSS, valueLoss);
  registerWebGpuPpo(PPO_SURROGATE, PPO_VALUE_LOSS);
  registerGradient({
    kernelName: PPO_SURROGATE,
    inputsToSave: [],
    outputsToSave: [false, false, false, true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const [dL] = dy as Tensor[];
      return { logp: () => scaledBy(dL, saved[0]), logpOld: () => zerosLike(saved[0]), advantages: () => zerosLike(saved[0]) };
    },
  });
  registerGradient({
    kernelName: PPO_VALUE_LOSS,
    inputsToSave: [],
    outputsToSave: [false, true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const [dL] = dy as Tensor[];
      return { values: () => scaledBy(dL, saved[0]), valuesOld: () => zerosLike(saved[0]), returns: () => zerosLike(saved[0]) };
    },
  });
}
