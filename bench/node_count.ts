/** Counting kernels and dispatches in Node, where the engine trains in this thread (the page's worker is out of reach). */
import * as tf from '@tensorflow/tfjs-core';
import { gpuProgramDispatches } from '../src/core/kernels/gpu_program';
import { countOf, type KernelCounter } from './measure';

/**
 * The Node bench's counter: tf.profile's kernels around `run`. On WebGPU the dispatches are
 * counted exactly instead, as recorded into the command encoder (tfjs's program runner and the
 * lab's, core/kernels/gpu_program.ts): a kernel there may dispatch several programs (SplitV one
 * per part, the fused Adam one per parameter) or none (a Reshape, a small op run on the CPU).
 */
export const countKernelsInNode: KernelCounter = async (run) => {
  const backend = tf.backend() as unknown as { recordAndSubmit?: (...args: unknown[]) => unknown };
  const record = tf.getBackend() === 'webgpu' ? backend.recordAndSubmit : undefined;
  let dispatches = 0;
  if (record) {
    backend.recordAndSubmit = function (this: unknown, ...args: unknown[]) {
      dispatches += 1;
      return record.apply(this, args);
    };
  }
  const before = gpuProgramDispatches();
  try {
    const count = countOf((await tf.profile(async () => void (await run()))).kernels.map((k) => k.name), (name) => tf.getKernel(name, tf.getBackend()) !== undefined);
    return record ? { kernels: count.kernels, dispatches: dispatches + gpuProgramDispatches() - before } : count;
  } finally {
    if (record) backend.recordAndSubmit = record;
  }
};
