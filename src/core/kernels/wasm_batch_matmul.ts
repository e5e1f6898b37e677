/**
 * BatchMatMul for tfjs's WASM backend on the population axis: one XNNPACK matmul per member.
 *
 * tfjs-backend-wasm 4.22 hands a batch of one to XNNPACK's SIMD GEMM and every larger batch to
 * a scalar loop, so a P-member program ran its matmuls 2–8× slower than P one-member programs
 * would (e.g. [16, 64, 32]·[16, 32, 128]: 3.0 ms batched, 1.4 ms as 16 calls). This kernel
 * calls the backend's own BatchMatMul once per member, on copies of the member's slices
 * (transposed first where asked: the original sends a transposed operand to the scalar loop
 * even for one member), and writes each result into its place in the output. Which path a
 * matmul takes depends on its per-member shape alone, so a member of a β sweep computes
 * exactly the numbers it computes alone.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { slice } from './wasm_slice';

interface MatMulArgs {
  inputs: { a: TensorInfo; b: TensorInfo };
  attrs: { transposeA: boolean; transposeB: boolean };
  backend: BackendWasm;
}

/**
 * Below this many multiply-adds per member the scalar loop wins (XNNPACK's call and the copies
 * cost more than they save); the bandit's table lookups ([64, 3]·[3, 6]) stay there, the
 * transformer's and the judges' matmuls ([64, 32]·[32, 32] and up) go per member.
 */
const PER_MEMBER_MACS = 16_384;

/** The WASM backend's own kernels, kept when this one is registered over BatchMatMul. */
let original: { matMul: KernelFunc; transpose: KernelFunc } | null = null;

/** Member `i` of a [batch, r, c] operand as a fresh [1, r, c] tensor (member 0 when the operand broadcasts), transposed to [1, c, r] if asked. */
function member(x: TensorInfo, i: number, transpose: boolean, backend: BackendWasm): TensorInfo {
  const [batch, r, c] = x.shape;
  const part = slice({ inputs: { x }, attrs: { begin: [batch === 1 ? 0 : i, 0, 0], size: [1, r, c] }, backend });
  if (!transpose) return part;
  const flipped = original!.transpose({ inputs: { x: part }, attrs: { perm: [0, 2, 1] }, backend }) as TensorInfo;
  backend.disposeData(part.dataId);
  return flipped;
}

function batchMatMul(args: MatMulArgs): TensorInfo {
  const { inputs: { a, b }, attrs, backend } = args;
  const batchA = a.shape.length === 3 ? a.shape[0] : 0;
  const batchB = b.shape.length === 3 ? b.shape[0] : 0;
  const batch = Math.max(batchA, batchB);
  // Rank 3 only, a real batch, and batch dims that broadcast simply; anything else is the original's.
  const simple = batchA > 0 && batchB > 0 && (batchA === batchB || batchA === 1 || batchB === 1);
  if (!simple || a.dtype !== 'float32' || b.dtype !== 'float32') return original!.matMul(args as never) as TensorInfo;
  const m = attrs.transposeA ? a.shape[2] : a.shape[1];
  const k = attrs.transposeA ? a.shape[1] : a.shape[2];
  const n = attrs.transposeB ? b.shape[1] : b.shape[2];
  // The choice depends on the member's shape only, never on the batch: a member computes the same numbers alone or in a sweep.
  const perMember = m * k * n >= PER_MEMBER_MACS && (batch > 1 || attrs.transposeA || attrs.transposeB);
  if (!perMember) return original!.matMul(args as never) as TensorInfo;
  const out = backend.makeOutput([batch, m, n], 'float32');
  const size = m * n;
  for (let i = 0; i < batch; i++) {
    const ai = member(a, i, attrs.transposeA, backend);
    const bi = member(b, i, attrs.transposeB, backend);
    const oi = original!.matMul({ inputs: { a: ai, b: bi }, attrs: { transposeA: false, transposeB: false }, backend } as never) as TensorInfo;
    // Views taken after every allocation: growing the heap detaches older ones.
    backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(oi).subarray(0, size), i * size);
    for (const t of [ai, bi, oi]) backend.disposeData(t.dataId);
  }
  return out;
}

/** Puts this kernel in place of the WASM backend's BatchMatMul (call after importing the backend). */
export function registerWasmBatchMatMul(): void {
  const matMul = getKernel('BatchMatMul', 'wasm');
  const transpose = getKernel('Transpose', 'wasm');
  if (!matMul || !transpose) return;
  if (!original) original = { matMul: matMul.kernelFunc, transpose: transpose.kernelFunc };
  if (matMul.kernelFunc === (batchMatMul as unknown as KernelFunc)) return;
  unregisterKernel('BatchMatMul', 'wasm');
  const config: KernelConfig = { kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc: batchMatMul as unknown as KernelFunc, setupFunc: matMul.setupFunc, disposeFunc: matMul.disposeFunc };
  registerKernel(config);
}
