/**
 * PPO's clipped surrogate and clipped value loss (kernels/fused_ppo.ts) as WGSL for tfjs's
 * WebGPU backend: one dispatch each, where the composed ops dispatch about twenty. A workgroup
 * per member: each thread writes the gradient of its elements and sums their terms, then the
 * workgroup adds its threads' sums (a tree in workgroup memory) and writes the member's means.
 */
import { sizeOf } from './array_kernel';
import { f32, i32, NAN_SAFE, registerGpuKernel, runGpuProgram, WORKGROUP, type GpuKernelFunc } from './gpu_program';

/** WGSL: workgroup sums of up to three per-thread partial sums, left in sums[0][0…2]. */
const PRELUDE = /* wgsl */ `${NAN_SAFE}
var<workgroup> sums: array<vec3<f32>, ${WORKGROUP}>;
fn reduce(local: i32, x: vec3<f32>) {
  sums[local] = x;
  workgroupBarrier();
  for (var half = ${WORKGROUP / 2}; half > 0; half = half / 2) {
    if (local < half) { sums[local] += sums[local + half]; }
    workgroupBarrier();
  }
}`;

/** logp, logpOld, advantages [P, ...] → loss, clip fraction, approx_kl [P] and ∂loss/∂log π [P, ...]. */
const surrogate: GpuKernelFunc<{ clipRange: number }> = ({ inputs: { logp, logpOld, advantages }, attrs: { clipRange }, backend }) => {
  const P = logp.shape[0];
  return runGpuProgram(backend, {
    label: 'LabPpoSurrogate',
    outputs: [['loss', [P]], ['clipfrac', [P]], ['approxKl', [P]], ['dLoss', logp.shape]],
    inputs: [['logp', logp], ['logpOld', logpOld], ['advantages', advantages]],
    uniforms: [['n', i32(sizeOf(logp.shape) / P)], ['eps', f32(clipRange)], ['lo', f32(1 - clipRange)], ['hi', f32(1 + clipRange)]],
    prelude: PRELUDE,
    body: /* wgsl */ `
  let n = f32(u.n);
  var terms = vec3<f32>(0.0);
  for (var i = group * u.n + local; i < (group + 1) * u.n; i += ${WORKGROUP}) {
    let logratio = logp[i] - logpOld[i];
    let ratio = expNan(logratio);
    let negA = -advantages[i];
    let unclipped = negA * ratio;
    let clipped = negA * clamp(ratio, u.lo, u.hi);
    dLoss[i] = select(0.0, unclipped, unclipped >= clipped) / n;
    terms += vec3<f32>(maxNan(unclipped, clipped), select(0.0, 1.0, abs(ratio - 1.0) > u.eps), (ratio - 1.0) - logratio);
  }
  reduce(local, terms);
  if (local == 0) {
    loss[group] = sums[0].x / n;
    clipfrac[group] = sums[0].y / n;
    approxKl[group] = sums[0].z / n;
  }`,
    groups: [P, 1],
  });
};

/** values, valuesOld, returns [P, ...] → ½·mean of the clipped squared error [P] and ∂/∂V [P, ...]. */
const valueLoss: GpuKernelFunc<{ clipRangeValue: number }> = ({ inputs: { values, valuesOld, returns }, attrs: { clipRangeValue }, backend }) => {
  const P = values.shape[0];
  return runGpuProgram(backend, {
    label: 'LabPpoValueLoss',
    outputs: [['loss', [P]], ['dLoss', values.shape]],
    inputs: [['V', values], ['Vold', valuesOld], ['R', returns]],
    uniforms: [['n', i32(sizeOf(values.shape) / P)], ['epsV', f32(clipRangeValue)]],
    prelude: PRELUDE,
    body: /* wgsl */ `
  let n = f32(u.n);
  var total = 0.0;
  for (var i = group * u.n + local; i < (group + 1) * u.n; i += ${WORKGROUP}) {
    let vClipped = Vold[i] + clamp(V[i] - Vold[i], -u.epsV, u.epsV);
    let errUnclipped = V[i] - R[i];
    let errClipped = vClipped - R[i];
    let a = errUnclipped * errUnclipped;
    let b = errClipped * errClipped;
    dLoss[i] = select(0.0, errUnclipped, a >= b) / n;
    total += maxNan(a, b);
  }
  reduce(local, vec3<f32>(total, 0.0, 0.0));
  if (local == 0) { loss[group] = 0.5 * (sums[0].x / n); }`,
    groups: [P, 1],
  });
};

export function registerWebGpuPpo(surrogateName: string, valueLossName: string): void {
  registerGpuKernel(surrogateName, surrogate);
  registerGpuKernel(valueLossName, valueLoss);
}
