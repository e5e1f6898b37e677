/**
 * Adam's update (kernels/fused_adam.ts) as WGSL for tfjs's WebGPU backend: one kernel whose
 * dispatches number the parameters, where the composed update dispatches 2k + 13 for k
 * parameters (a concat, a dozen element-wise ops, a slice and a subtraction per parameter).
 *
 * One dispatch per parameter because a shader may bind 8 storage buffers (WebGPU's default
 * limit, which tfjs keeps): the parameter, its gradient, m, v and the learning rates in, the
 * new parameter, m and v out. Each dispatch writes its parameter's columns of the new flat
 * moments, so together they write every number once. Same operations in the same order as the
 * composed path; the GPU's float32 arithmetic (fused multiply-adds, its sqrt and division) may
 * differ from it by ulps.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { sizeOf } from './array_kernel';
import { f32, i32, registerGpuKernel, runGpuProgram, workgroupsFor, type GpuKernelFunc } from './gpu_program';
import type { FusedAdamAttrs } from './fused_adam';

const UPDATE = /* wgsl */ `
  if (index >= u.size) { return; }
  let member = index / u.width;
  let k = member * u.n + u.offset + index - member * u.width;
  let gj = GRADIENT;
  let mk = u.beta1 * m[k] + u.nb1 * gj;
  let vk = u.beta2 * v[k] + u.nb2 * (gj * gj);
  mOut[k] = mk;
  vOut[k] = vk;
  let step = (mk / u.c1) / (sqrt(vk / u.c2) + u.eps);
  pOut[index] = p[index] - (lr[member] * u.scale) * step;`;

const adam: GpuKernelFunc<FusedAdamAttrs> = ({ inputs, attrs, backend }) => {
  const { m, v, lr } = inputs;
  const [P, n] = m.shape;
  let moments: [TensorInfo, TensorInfo] | null = null;
  let offset = 0;
  const params = attrs.present.map((present, i) => {
    const p = inputs[`p${i}`];
    const width = sizeOf(p.shape) / P;
    const size = P * width;
    const [pOut, mOut, vOut] = runGpuProgram(backend, {
      label: 'LabPopulationAdam',
      outputs: [['pOut', p.shape], ['mOut', moments?.[0] ?? [P, n]], ['vOut', moments?.[1] ?? [P, n]]],
      inputs: [['p', p], ['m', m], ['v', v], ['lr', lr], ...(present ? [['g', inputs[`g${i}`]] as [string, TensorInfo]] : [])],
      uniforms: [
        ['beta1', f32(attrs.beta1)], ['nb1', f32(1 - attrs.beta1)], ['beta2', f32(attrs.beta2)], ['nb2', f32(1 - attrs.beta2)],
        ['c1', f32(attrs.c1)], ['c2', f32(attrs.c2)], ['eps', f32(attrs.eps)], ['scale', f32(attrs.scale)],
        ['width', i32(width)], ['n', i32(n)], ['offset', i32(offset)], ['size', i32(size)],
      ],
      body: UPDATE.replace('GRADIENT', present ? 'g[index]' : '0.0'),
      groups: workgroupsFor(size),
    });
    moments ??= [mOut, vOut];
    offset += width;
    return pOut;
  });
  return [...params, ...moments!];
};

export const registerWebGpuAdam = (name: string): void => registerGpuKernel(name, adam);
