/**
 * Identity, and Cast to the dtype a tensor already has, for tfjs's WASM backend: one more
 * reference to the same buffer instead of a copy.
 *
 * The autograd tape clones every tensor a gradient needs (an Identity kernel), and tfjs's
 * gradients cast their inputs to float32 whatever they are (a Cast): on helpful one PPO
 * iteration runs about 3,200 Identity and 950 Cast kernels. The CPU, WebGL and WebGPU backends
 * answer both by sharing the buffer; tfjs-backend-wasm 4.22 copies it. No WASM kernel writes
 * into its input, so a shared buffer is never changed under a tensor that holds it.
 */
import { getKernel, registerKernel, unregisterKernel, type DataType, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface Args {
  inputs: { x: TensorInfo };
  attrs?: { dtype?: DataType };
  backend: BackendWasm;
}

function share(x: TensorInfo, backend: BackendWasm): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** The WASM backend's own Cast, kept for casts that change the dtype. */
type CastConfig = KernelConfig & { copying?: KernelFunc };

/** Call after importing the WASM backend: puts these kernels in place of its own. */
export function registerWasmIdentityKernels(): void {
  const current = getKernel('Cast', 'wasm') as CastConfig | undefined;
  if (!current) throw new Error('the WASM backend must be imported before its kernels are replaced');
  // Registering again must not wrap this Cast around itself.
  const copying = current.copying ?? current.kernelFunc;
  const cast = (args: Args) => (args.attrs?.dtype === args.inputs.x.dtype ? share(args.inputs.x, args.backend) : copying(args as never));
  const kernels: CastConfig[] = [
    { kernelName: 'Identity', backendName: 'wasm', kernelFunc: ((args: Args) => share(args.inputs.x, args.backend)) as unknown as KernelFunc },
    { kernelName: 'Cast', backendName: 'wasm', kernelFunc: cast as unknown as KernelFunc, copying },
  ];
  for (const k of kernels) {
    unregisterKernel(k.kernelName, k.backendName);
    registerKernel(k);
  }
}
