/**
 * Slice, SplitV and Unpack for tfjs's WASM backend that copy only the slice.
 *
 * tfjs-backend-wasm 4.22 reads a slice's input with `readSync`, which copies the whole input
 * out of the WASM heap first: splitting one [P, n] buffer into k parts copies it k times.
 * PopulationAdam splits its flat update into every parameter each step, which made that copy
 * most of a 16-member sweep's iteration (3.8 ms per split at P = 4 on helpful). These read
 * the heap in place. Same outputs, registered over the originals.
 */
import { getKernel, registerKernel, slice_util, unregisterKernel, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface SliceArgs {
  inputs: { x: TensorInfo };
  attrs: { begin: number | number[]; size: number | number[] };
  backend: BackendWasm;
}

interface SplitArgs {
  inputs: { x: TensorInfo };
  attrs: { numOrSizeSplits: number | number[]; axis: number | number[] };
  backend: BackendWasm;
}

export function slice({ inputs: { x }, attrs, backend }: SliceArgs): TensorInfo {
  const [begin, size] = slice_util.parseSliceParams(x as never, attrs.begin, attrs.size);
  // Output first: allocating may grow the heap, which detaches earlier views of it.
  const out = backend.makeOutput(size, x.dtype);
  if (util.sizeFromShape(size) === 0) return out;
  const xVals = backend.typedArrayFromHeap(x);
  const outVals = backend.typedArrayFromHeap(out);
  const strides = util.computeStrides(x.shape);
  const rank = x.shape.length;
  if (rank === 0 || slice_util.isSliceContinous(x.shape, begin, size)) {
    const offset = slice_util.computeFlatOffset(begin, strides);
    outVals.set(xVals.subarray(offset, offset + util.sizeFromShape(size)));
    return out;
  }
  // Copy the rows along the last axis: an odometer over the leading output indices.
  const row = size[rank - 1];
  const index = new Array(rank - 1).fill(0);
  const rows = util.sizeFromShape(size.slice(0, -1));
  for (let r = 0; r < rows; r++) {
    let offset = begin[rank - 1];
    for (let a = 0; a < rank - 1; a++) offset += (begin[a] + index[a]) * strides[a];
    outVals.set(xVals.subarray(offset, offset + row), r * row);
    for (let a = rank - 2; a >= 0; a--) {
      if (++index[a] < size[a]) break;
      index[a] = 0;
    }
  }
  return out;
}

function splitV({ inputs: { x }, attrs, backend }: SplitArgs): TensorInfo[] {
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0];
  const total = x.shape[axis];
  const sizes = typeof attrs.numOrSizeSplits === 'number' ? new Array(attrs.numOrSizeSplits).fill(total / attrs.numOrSizeSplits) : [...attrs.numOrSizeSplits];
  const free = sizes.indexOf(-1);
  if (free >= 0) sizes[free] = total - sizes.reduce((a, b) => (b === -1 ? a : a + b), 0);
  const begin = new Array(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const part = slice({ inputs: { x }, attrs: { begin: [...begin], size }, backend });
    begin[axis] += s;
    return part;
  });
}

interface UnpackArgs {
  inputs: { value: TensorInfo };
  attrs: { axis: number };
  backend: BackendWasm;
}

function unpack({ inputs: { value }, attrs, backend }: UnpackArgs): TensorInfo[] {
  const axis = attrs.axis < 0 ? attrs.axis + value.shape.length : attrs.axis;
  const shape = value.shape.filter((_, i) => i !== axis);
  const size = [...value.shape];
  size[axis] = 1;
  return Array.from({ length: value.shape[axis] }, (_, i) => {
    const begin = value.shape.map((_, a) => (a === axis ? i : 0));
    const part = slice({ inputs: { x: value }, attrs: { begin, size }, backend });
    return { ...part, shape };
  });
}

const KERNELS: KernelConfig[] = [
  { kernelName: 'Unpack', backendName: 'wasm', kernelFunc: unpack as unknown as KernelFunc },
  { kernelName: 'Slice', backendName: 'wasm', kernelFunc: slice as unknown as KernelFunc },
  { kernelName: 'SplitV', backendName: 'wasm', kernelFunc: splitV as unknown as KernelFunc },
];

/** Puts these kernels in place of the WASM backend's (call after importing the backend). */
export function registerWasmSliceKernels(): void {
  for (const k of KERNELS) {
    if (getKernel(k.kernelName, k.backendName)) unregisterKernel(k.kernelName, k.backendName);
    registerKernel(k);
  }
}
