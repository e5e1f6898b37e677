/** Kernels the lab registers over tfjs's own, per backend; each file says why. */
import { registerWasmBatchMatMul } from './wasm_batch_matmul';
import { registerWasmIdentityKernels } from './wasm_identity';
import { registerWasmSliceKernels } from './wasm_slice';
import { registerWebGpuSplit } from './webgpu_split';

/** Call once the WASM backend's module is imported (before or after it starts). */
export function registerWasmKernels(): void {
  registerWasmSliceKernels();
  registerWasmBatchMatMul();
  registerWasmIdentityKernels();
}

/** Call once the WebGPU backend's module is imported. */
export function registerWebGpuKernels(): void {
  registerWebGpuSplit();
}
