/**
 * Runs a hand-written WGSL compute shader with several outputs inside tfjs's WebGPU backend:
 * the lab's fused kernels on WebGPU (Adam, log-softmax-gather, PPO's losses).
 *
 * tfjs 4.22's own program runner binds exactly one output per shader, so a fused kernel with
 * k outputs (PPO's loss, clip fraction, approx_kl and gradient) would cost k dispatches and k
 * re-reads of its inputs. This runner records one dispatch into the backend's open compute pass
 * the way its `recordAndSubmit` does: the same command encoder and submit batching, the same
 * deferred disposal of buffers a queued command still reads, and the backend's own buffer pool
 * and uniform buffers. It reaches past tfjs's TypeScript `private`, so it is pinned to the tfjs
 * version in package-lock.json; the fused-against-composed tests run on WebGPU (Node's `webgpu`
 * package) and would fail on a tfjs upgrade that moved these fields.
 *
 * A kernel gives its buffers by name, its scalars and the body of `main`; the runner writes the
 * declarations (outputs at bindings 0…, then inputs, then one uniform struct `u`).
 */
import { env, getKernel, registerKernel, type DataType, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

/** A uniform scalar: WGSL `f32` or `i32`. */
export interface Uniform {
  type: 'float32' | 'int32';
  data: [number];
}

export const f32 = (x: number): Uniform => ({ type: 'float32', data: [x] });
export const i32 = (x: number): Uniform => ({ type: 'int32', data: [x] });

/** Storage buffers one shader may bind (WebGPU's default maxStorageBuffersPerShaderStage): outputs and inputs together. */
export const MAX_STORAGE_BUFFERS = 8;

/** Threads per workgroup of every fused shader (1-D). */
export const WORKGROUP = 64;

/** What of tfjs's WebGPUBackend this runner uses (public and private fields alike). */
interface Gpu {
  device: {
    createShaderModule(d: { code: string; label?: string }): unknown;
    createComputePipeline(d: { layout: 'auto'; compute: { module: unknown; entryPoint: string }; label?: string }): Pipeline;
    createBindGroup(d: { layout: unknown; entries: { binding: number; resource: unknown }[] }): unknown;
  };
  tensorMap: { get(id: object): { resource?: unknown; dtype: DataType } };
  makeTensorInfo(shape: number[], dtype: DataType): TensorInfo;
  uploadToGPU(id: object): void;
  makeUniforms(u: Uniform[]): { offset: number; size: number; buffer: unknown };
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  commandEncoder: { beginComputePass(d: object): Pass };
  computePassEncoder: Pass | null;
  commandQueueOwnedIds: WeakSet<object>;
  dispatchCountInPass: number;
  activeTimers: unknown[] | null;
}

interface Pipeline {
  getBindGroupLayout(i: number): unknown;
}

interface Pass {
  setPipeline(p: Pipeline): void;
  setBindGroup(i: number, g: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
}

const pipelines = new WeakMap<object, Map<string, Pipeline>>();

let dispatched = 0;

/** Dispatches this runner has recorded since the process started (the bench adds tfjs's own to count a step's). */
export const gpuProgramDispatches = (): number => dispatched;

function pipelineFor(gpu: Gpu, label: string, code: string): Pipeline {
  let cache = pipelines.get(gpu.device);
  if (!cache) pipelines.set(gpu.device, (cache = new Map()));
  let pipeline = cache.get(code);
  if (!pipeline) {
    const module = gpu.device.createShaderModule({ code, label });
    pipeline = gpu.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label });
    cache.set(code, pipeline);
  }
  return pipeline;
}

/**
 * WGSL: max and exp that keep a NaN, as tfjs's own WebGPU kernels do (WGSL's max may drop one,
 * and a GPU's exp need not return one), so a diverged member's numbers read NaN and divergence
 * is seen.
 */
export const NAN_SAFE = /* wgsl */ `
fn isNan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn maxNan(a: f32, b: f32) -> f32 { return select(select(max(a, b), b, isNan(b)), a, isNan(a)); }
fn expNan(x: f32) -> f32 { return select(exp(x), x, isNan(x)); }`;

/** Workgroups for `threads` threads of WORKGROUP each, as (x, y): y > 1 only past WebGPU's default per-dimension limit. */
export function workgroupsFor(threads: number, limit = 65_535): [number, number] {
  const groups = Math.max(1, Math.ceil(threads / WORKGROUP));
  if (groups <= limit) return [groups, 1];
  const y = Math.ceil(groups / limit);
  return [Math.ceil(groups / y), y];
}

export interface GpuRun {
  /** Names the shader in errors. */
  label: string;
  /** Output buffers (array<f32>, read_write) by name: a fresh tensor's shape, or an existing tensor to write ranges of. */
  outputs: [string, number[] | TensorInfo][];
  /** Input buffers (read) by name: float32 as array<f32>, int32 and bool as array<i32>. */
  inputs: [string, TensorInfo][];
  /** Scalars, read in the shader as `u.<name>`. */
  uniforms: [string, Uniform][];
  /** WGSL at module scope before `main`: helper functions, `var<workgroup>` arrays. */
  prelude?: string;
  /** The body of `main`; `index` is the thread's flat index, `local` its index in the workgroup and `group` the workgroup's. */
  body: string;
  /** Workgroups (x, y): from `workgroupsFor` for one thread per element, or (P, 1) for one workgroup per member. */
  groups: [number, number];
}

const WGSL_TYPE: Record<Uniform['type'], string> = { float32: 'f32', int32: 'i32' };

/** The whole shader: bindings in the runner's order, the uniform struct, and `main` around the body. */
function shaderOf(gpu: Gpu, run: GpuRun, uniforms: [string, Uniform][]): string {
  const declarations = [
    ...run.outputs.map(([name], b) => `@group(0) @binding(${b}) var<storage, read_write> ${name}: array<f32>;`),
    ...run.inputs.map(([name, t], i) => {
      const type = gpu.tensorMap.get(t.dataId).dtype === 'float32' ? 'f32' : 'i32';
      return `@group(0) @binding(${run.outputs.length + i}) var<storage, read> ${name}: array<${type}>;`;
    }),
  ];
  const fields = uniforms.map(([name, x]) => `${name}: ${WGSL_TYPE[x.type]}`);
  return [
    ...declarations,
    `struct Uniforms { ${fields.join(', ')} }`,
    `@group(0) @binding(${declarations.length}) var<uniform> u: Uniforms;`,
    run.prelude ?? '',
    `@compute @workgroup_size(${WORKGROUP})`,
    'fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) localIndex: u32) {',
    `  let group = i32(wg.y * groups.x + wg.x);`,
    `  let local = i32(localIndex);`,
    `  let index = group * ${WORKGROUP} + local;`,
    run.body,
    '}',
  ].join('\n');
}

/** Records one dispatch of the run's shader; returns its outputs (fresh ones owned by the caller). */
export function runGpuProgram(backend: unknown, run: GpuRun): TensorInfo[] {
  const gpu = backend as Gpu;
  const outputs = run.outputs.map(([, o]) => (Array.isArray(o) ? gpu.makeTensorInfo(o, 'float32') : o));
  const tensors = [...outputs, ...run.inputs.map(([, t]) => t)];
  for (const t of tensors) gpu.uploadToGPU(t.dataId);
  // A WGSL struct needs a member: a shader without scalars gets a placeholder.
  const uniforms = run.uniforms.length ? run.uniforms : [['unused', i32(0)] as [string, Uniform]];
  const pipeline = pipelineFor(gpu, run.label, shaderOf(gpu, run, uniforms));
  const entries: { binding: number; resource: unknown }[] = tensors.map((t, binding) => ({ binding, resource: { buffer: gpu.tensorMap.get(t.dataId).resource } }));
  entries.push({ binding: entries.length, resource: gpu.makeUniforms(uniforms.map(([, x]) => x)) });
  const bindGroup = gpu.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  // Buffers a recorded command reads are released only after the queue is submitted.
  for (const t of tensors) gpu.commandQueueOwnedIds.add(t.dataId);
  gpu.ensureCommandEncoderReady();
  gpu.computePassEncoder ??= gpu.commandEncoder.beginComputePass({});
  const pass = gpu.computePassEncoder;
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(run.groups[0], run.groups[1], 1);
  gpu.dispatchCountInPass += 1;
  dispatched += 1;
  // tfjs submits every WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE dispatches, and after each one while profiling.
  if (gpu.activeTimers != null || (env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= gpu.dispatchCountInPass) {
    gpu.endComputePassEncoder();
    gpu.submitQueue();
  }
  return outputs;
}

/** A WebGPU kernel: tfjs's arguments with the backend left opaque (only `runGpuProgram` reads it). */
export type GpuKernelFunc<A> = (args: { inputs: Record<string, TensorInfo>; attrs: A; backend: unknown }) => TensorInfo[];

/** Registers `fn` as kernel `name` on the WebGPU backend (once; the backend need not be loaded). */
export function registerGpuKernel<A>(name: string, fn: GpuKernelFunc<A>): void {
  if (!getKernel(name, 'webgpu')) registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc: fn as unknown as KernelFunc } as KernelConfig);
}
