/**
 * A kernel written once as a plain function over typed arrays, registered for tfjs's CPU and
 * WASM backends: the lab's fused kernels (Adam's update, log-softmax-gather, PPO's surrogate).
 * On these backends a kernel's cost is mostly its fixed overhead, so a chain of a dozen
 * element-wise ops costs a dozen overheads where one loop costs one. WebGPU gets the same
 * kernels in WGSL (gpu_program.ts); on WebGL their callers compose the same computation from
 * tfjs ops (the `fusedAvailable` check), and tests hold the two paths to the same numbers.
 */
import { getBackend, getKernel, registerKernel, type DataType, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** A kernel's input as the function sees it: its numbers (row-major) and shape. */
export interface ArrayInput {
  values: Float32Array | Int32Array;
  shape: number[];
}

/** A kernel's output: its shape and numbers (float32). */
export interface ArrayOutput {
  values: Float32Array;
  shape: number[];
}

/** Inputs by name → outputs in order; must not keep or change its inputs. */
export type ArrayKernelFunc<A> = (inputs: Record<string, ArrayInput>, attrs: A) => ArrayOutput[];

interface Args<B> {
  inputs: Record<string, TensorInfo>;
  attrs: unknown;
  backend: B;
}

interface CpuBackend {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values: Float32Array): TensorInfo;
}

const cpuAdapter = <A>(fn: ArrayKernelFunc<A>) =>
  ({ inputs, attrs, backend }: Args<CpuBackend>): TensorInfo[] => {
    const arrays = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, { values: backend.data.get(t.dataId).values as Float32Array, shape: t.shape }]));
    return fn(arrays, attrs as A).map((out) => backend.makeTensorInfo(out.shape, 'float32', out.values));
  };

const wasmAdapter = <A>(fn: ArrayKernelFunc<A>) =>
  ({ inputs, attrs, backend }: Args<BackendWasm>): TensorInfo[] => {
    const arrays = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, { values: backend.typedArrayFromHeap(t) as Float32Array, shape: t.shape }]));
    const results = fn(arrays, attrs as A);
    // Allocating may grow the heap and detach the input views: they are not read after this point.
    const outs = results.map((r) => backend.makeOutput(r.shape, 'float32'));
    outs.forEach((out, i) => (backend.typedArrayFromHeap(out) as Float32Array).set(results[i].values));
    return outs;
  };

/** Registers `fn` as kernel `name` on the CPU and WASM backends (once; neither needs to be loaded). */
export function registerArrayKernel<A>(name: string, fn: ArrayKernelFunc<A>): void {
  const adapters: [string, KernelFunc][] = [
    ['cpu', cpuAdapter(fn) as unknown as KernelFunc],
    ['wasm', wasmAdapter(fn) as unknown as KernelFunc],
  ];
  for (const [backendName, kernelFunc] of adapters) {
    if (!getKernel(name, backendName)) registerKernel({ kernelName: name, backendName, kernelFunc } as KernelConfig);
  }
}

let enabled = true;

/** Turns the fused kernels off (every backend then composes them from tfjs ops) or back on: for tests and the bench, which compare the two. */
export function useFusedKernels(on: boolean): void {
  enabled = on;
}

/** Whether the current backend runs kernel `name` (else the caller composes it from tfjs ops). */
export const fusedAvailable = (name: string): boolean => enabled && getKernel(name, getBackend()) !== undefined;

/** Product of a shape's dimensions. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
