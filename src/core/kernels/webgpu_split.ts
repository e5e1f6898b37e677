/**
 * SplitV for tfjs's WebGPU backend in one dispatch. tfjs 4.22 dispatches one slice per part, so
 * every 2-way split costs two: the stacked policy/value trunk splits its output and each of its
 * parameters' gradients in two per minibatch (a helpful PPO iteration's slices were 692 of its
 * 4,103 dispatches). Here one thread per element writes it into its part (up to seven parts:
 * with the input they fill WebGPU's eight storage buffers). Anything else (another dtype, more
 * parts, an empty part, a tensor tfjs keeps on the CPU) goes to tfjs's own kernel.
 */
import { backend_util, getKernel, registerKernel, unregisterKernel, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { sizeOf } from './array_kernel';
import { i32, MAX_STORAGE_BUFFERS, runGpuProgram, workgroupsFor } from './gpu_program';

const MAX_PARTS = MAX_STORAGE_BUFFERS - 1;

interface SplitArgs {
  inputs: { x: TensorInfo };
  attrs: { numOrSizeSplits: number[] | number; axis: number | number[] };
  backend: { shouldExecuteOnCPU(inputs: TensorInfo[]): boolean };
}

/** tfjs's own SplitV on WebGPU, kept when this one is registered over it. */
let original: KernelFunc | null = null;

function splitV(args: SplitArgs): TensorInfo[] {
  const { inputs: { x }, attrs, backend } = args;
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits, axis) as number[];
  if (x.dtype !== 'float32' || sizes.length < 2 || sizes.length > MAX_PARTS || sizes.includes(0) || backend.shouldExecuteOnCPU([x])) {
    return original!(args as never) as TensorInfo[];
  }
  const inner = sizeOf(x.shape.slice(axis + 1));
  const ends = sizes.map((_, j) => sizes.slice(0, j + 1).reduce((a, b) => a + b, 0));
  // Part j holds positions [ends[j] − sizes[j], ends[j]) of the axis: an if/else chain on the position.
  const writes = sizes
    .map((s, j) => `if (a < ${ends[j]}) { part${j}[(outer * ${s} + a - ${ends[j] - s}) * u.inner + k] = x[index]; }`)
    .join(' else ');
  return runGpuProgram(backend, {
    label: 'LabSplitV',
    outputs: sizes.map((s, j) => [`part${j}`, x.shape.map((d, i) => (i === axis ? s : d))]),
    inputs: [['x', x]],
    uniforms: [['size', i32(sizeOf(x.shape))], ['axisLen', i32(x.shape[axis])], ['inner', i32(inner)]],
    body: /* wgsl */ `
  if (index >= u.size) { return; }
  let outer = index / (u.axisLen * u.inner);
  let rest = index - outer * u.axisLen * u.inner;
  let a = rest / u.inner;
  let k = rest - a * u.inner;
  ${writes}`,
    groups: workgroupsFor(sizeOf(x.shape)),
  });
}

/** Call once tfjs's WebGPU backend module is imported (it registers its own SplitV then). */
export function registerWebGpuSplit(): void {
  const own = getKernel('SplitV', 'webgpu');
  if (!own || own.kernelFunc === (splitV as unknown as KernelFunc)) return;
  original ??= own.kernelFunc;
  unregisterKernel('SplitV', 'webgpu');
  registerKernel({ kernelName: 'SplitV', backendName: 'webgpu', kernelFunc: splitV as unknown as KernelFunc } as KernelConfig);
}
