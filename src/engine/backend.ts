/**
 * Backend selection: WebGPU → WebGL → WASM → CPU, the first that initialises wins.
 *
 * WebGPU and WASM are imported on demand (a side-effect import registers a backend), so a
 * page that gets WebGPU never downloads the WASM binary.
 * Every skipped backend leaves a reason in `fallbackReasons`, which the UI shows beside
 * the badge: a student on a laptop without WebGPU should learn why training is slower.
 */
import * as tf from '@tensorflow/tfjs-core';
// Static: core already pulls both in through '@tensorflow/tfjs', so a split chunk would not
// shrink anything. WebGPU and WASM stay dynamic: separate chunks, loaded only when tried.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { BACKEND_CHAIN, type BackendChoice, type BackendInfo, type BackendName } from './protocol';

/** Where the engine runs: browser pages/workers, or Node (CLI, tests, bench). */
export type EngineEnv = 'browser' | 'node';

type Adapter = NonNullable<BackendInfo['adapter']>;
/** A backend that initialised, or why it did not. */
type Attempt = { ok: true; label: string; adapter?: Adapter } | { ok: false; reason: string };

const TITLES: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/**
 * Initialises `choice` (or the best available for 'auto'), falling back down the chain
 * webgpu → webgl → wasm → cpu. Rejects only if even CPU fails.
 */
export async function selectBackend(choice: BackendChoice, env: EngineEnv): Promise<BackendInfo> {
  const start = choice === 'auto' ? 0 : BACKEND_CHAIN.indexOf(choice);
  const fallbackReasons: string[] = [];
  for (const name of BACKEND_CHAIN.slice(start)) {
    let attempt: Attempt;
    try {
      attempt = await TRY[name](env);
    } catch (error) {
      attempt = { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    if (attempt.ok) {
      return { requested: choice, name, label: attempt.label, adapter: attempt.adapter, fallbackReasons };
    }
    fallbackReasons.push(`${TITLES[name]} unavailable: ${attempt.reason}`);
  }
  throw new Error(`No TensorFlow.js backend could start. ${fallbackReasons.join('; ')}`);
}

/**
 * Silences tfjs's console notices (the "install tfjs-node" banner, per-backend init
 * warnings): the CLI promises one clear line on stderr per problem, and the reasons a
 * backend was skipped are in `fallbackReasons` anyway.
 */
export function quietTfjsLogs(): void {
  tf.enableProdMode();
}

/** `tf.setBackend` after the package registered it; false from tfjs means its factory threw. */
async function activate(name: BackendName): Promise<string | null> {
  if (!tf.findBackendFactory(name)) return 'not registered in this environment';
  // setBackend logs the factory's exception itself and answers false.
  if (!(await tf.setBackend(name))) return 'initialisation failed (see the console)';
  await tf.ready();
  return null;
}

const TRY: Record<BackendName, (env: EngineEnv) => Promise<Attempt>> = {
  async webgpu(env) {
    if (env === 'node') {
      const { installNodeWebGpu } = await import('./webgpu_node');
      const reason = await installNodeWebGpu();
      if (reason) return { ok: false, reason };
    }
    const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) return { ok: false, reason: 'navigator.gpu is undefined' };
    const found = await gpu.requestAdapter();
    if (!found) return { ok: false, reason: 'no adapter' };
    const adapter = describeAdapter(found);
    // The backend package registers itself at import time only when navigator.gpu exists.
    await import('@tensorflow/tfjs-backend-webgpu');
    const failed = await activate('webgpu');
    if (failed) return { ok: false, reason: failed };
    const what = adapter.architecture || adapter.vendor || adapter.description || 'adapter';
    return { ok: true, adapter, label: `WebGPU · ${what}${softwareAdapter(adapter) ? ' (software)' : ''}` };
  },

  async webgl(env) {
    if (env === 'node') return { ok: false, reason: 'no WebGL in Node' };
    if (!webgl2Available()) return { ok: false, reason: 'no WebGL2 context' };
    const failed = await activate('webgl');
    return failed ? { ok: false, reason: failed } : { ok: true, label: 'WebGL' };
  },

  async wasm(env) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm'); // registers its flags, then the backend
    // The threaded build spawns its own workers, which breaks inside a Vite module worker.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    // In Node the package finds its binaries beside its own file; in the browser Vite
    // must hand out their hashed URLs (kept out of this file so Node never sees `?url`).
    if (env === 'browser') (await import('./wasm_paths.browser')).wireWasmPaths(wasm.setWasmPaths);
    const failed = await activate('wasm');
    if (failed) return { ok: false, reason: failed };
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    return { ok: true, label: simd ? 'WASM (SIMD)' : 'WASM' };
  },

  async cpu() {
    const failed = await activate('cpu');
    return failed ? { ok: false, reason: failed } : { ok: true, label: 'CPU' };
  },
};

/** Reads vendor/architecture from `adapter.info` (older Chromium: `isFallbackAdapter` on the adapter). */
function describeAdapter(adapter: GPUAdapter): Adapter {
  const info: Partial<GPUAdapterInfo> = adapter.info ?? {};
  const legacy = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    isFallback: Boolean(info.isFallbackAdapter ?? legacy),
  };
}

/** SwiftShader is a CPU emulation of a GPU: fine for correctness, slow for speed. */
function softwareAdapter(adapter: Adapter): boolean {
  return adapter.isFallback || /swiftshader/i.test(`${adapter.architecture} ${adapter.description}`);
}

/** A WebGL2 context on an OffscreenCanvas (workers) or a canvas element (pages). */
function webgl2Available(): boolean {
  try {
    const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : typeof document !== 'undefined' ? document.createElement('canvas') : null;
    const gl = canvas?.getContext('webgl2') ?? null;
    // Browsers cap live contexts; give the probe's back before tfjs makes its own.
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
    return gl !== null;
  } catch {
    return false;
  }
}
