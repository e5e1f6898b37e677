/**
 * Backend selection. An explicit choice falls down the chain WebGPU → WebGL → WASM → CPU
 * until one initialises. "Auto" picks the fastest backend here by measurement:
 *
 * - a GPU backend on a software adapter (SwiftShader, llvmpipe, a fallback adapter) is never
 *   a candidate: measured on a 2-core machine without a GPU, WebGPU on SwiftShader trains
 *   this lab's networks about 30× slower than WASM (the default experiment did not reach its
 *   first iteration in 12 minutes; WASM took 6 s);
 * - CPU is never a candidate when WASM starts: the same kernels in plain JavaScript, 5–10×
 *   slower (measured);
 * - the remaining candidates (hardware WebGPU or WebGL, and WASM) each run a short
 *   calibration of the lab's typical work (a few judge training steps) and the fastest wins.
 *   Without a hardware GPU nothing needs measuring and WASM is chosen at once.
 *
 * Every skipped backend leaves a reason in `fallbackReasons`, and `why` says in one
 * sentence what was chosen and why; the UI shows both beside the badge.
 */
import * as tf from '@tensorflow/tfjs-core';
// Static: core already pulls both in through '@tensorflow/tfjs', so a split chunk would not
// shrink anything. WebGPU and WASM stay dynamic: separate chunks, loaded only when tried.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { BACKEND_CHAIN, type BackendChoice, type BackendInfo, type BackendName } from './protocol';
import { registerWasmKernels, registerWebGpuKernels } from '../core/kernels';

/** Where the engine runs: browser pages/workers, or Node (CLI, tests, bench). */
export type EngineEnv = 'browser' | 'node';

type Adapter = NonNullable<BackendInfo['adapter']>;
/** A backend that initialised, or why it did not. */
type Attempt = { ok: true; label: string; adapter?: Adapter; /** The software renderer's name, e.g. "SwiftShader". */ software?: string } | { ok: false; reason: string };

/** A calibrated candidate for Auto: its median ms per calibration step, or why it was left out. */
export type Calibration = { name: BackendName; label: string; ms: number } | { name: BackendName; label: string; skipped: string };

const TITLES: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/**
 * Initialises `choice` (or the best available for 'auto'), falling back down the chain
 * webgpu → webgl → wasm → cpu. Rejects only if even CPU fails.
 */
export async function selectBackend(choice: BackendChoice, env: EngineEnv, remembered?: BackendName): Promise<BackendInfo> {
  if (choice === 'auto') return selectFastest(env, remembered);
  const start = BACKEND_CHAIN.indexOf(choice);
  const fallbackReasons: string[] = [];
  for (const name of BACKEND_CHAIN.slice(start)) {
    const attempt = await tryBackend(name, env);
    if (attempt.ok) {
      const why = name === choice ? `${TITLES[name]}, as chosen in the Backend menu.` : `${TITLES[name]}: ${TITLES[choice]} did not start here.`;
      return { requested: choice, name, label: attempt.label, adapter: attempt.adapter, fallbackReasons, why };
    }
    fallbackReasons.push(`${TITLES[name]} unavailable: ${attempt.reason}`);
  }
  throw new Error(`No TensorFlow.js backend could start. ${fallbackReasons.join('; ')}`);
}

/** How much slower than WASM a software GPU measured here (2-core machine, SwiftShader): quoted in the reason. */
const SOFTWARE_GPU_SLOWDOWN = 30;

/**
 * Auto: the fastest of the candidates (see the header). `remembered`, Auto's earlier pick on
 * this machine (the page keeps it), is used again without measuring when it still starts.
 */
async function selectFastest(env: EngineEnv, remembered?: BackendName): Promise<BackendInfo> {
  const fallbackReasons: string[] = [];
  const started: { name: BackendName; attempt: Extract<Attempt, { ok: true }> }[] = [];
  if (remembered) {
    const attempt = await tryBackend(remembered, env);
    if (attempt.ok && !attempt.software) {
      const why = `Auto: ${TITLES[remembered]}, measured fastest on this machine before (choose Auto again in the Backend menu to measure anew).`;
      return { requested: 'auto', name: remembered, label: attempt.label, adapter: attempt.adapter, fallbackReasons, why, measured: false };
    }
  }
  for (const name of BACKEND_CHAIN) {
    // CPU runs the kernels WASM runs, in plain JavaScript: never worth measuring once WASM starts.
    if (name === 'cpu' && started.some((s) => s.name === 'wasm')) continue;
    const attempt = await tryBackend(name, env);
    if (!attempt.ok) fallbackReasons.push(`${TITLES[name]} unavailable: ${attempt.reason}`);
    else if (attempt.software) fallbackReasons.push(`${TITLES[name]} skipped: a software GPU (${attempt.software}), about ${SOFTWARE_GPU_SLOWDOWN}× slower than WASM`);
    else started.push({ name, attempt });
  }
  if (started.length === 0) throw new Error(`No TensorFlow.js backend could start. ${fallbackReasons.join('; ')}`);
  const timings: Calibration[] = [];
  if (started.length === 1) {
    timings.push({ name: started[0].name, label: started[0].attempt.label, ms: NaN });
  } else {
    for (const { name, attempt } of started) {
      try {
        timings.push({ name, label: attempt.label, ms: await calibrate(name) });
      } catch (error) {
        timings.push({ name, label: attempt.label, skipped: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  const pick = chooseFastest(timings);
  const chosen = started.find((s) => s.name === pick.name)!;
  const failed = await activate(pick.name);
  if (failed) throw new Error(`${TITLES[pick.name]} stopped working after calibration: ${failed}`);
  return { requested: 'auto', name: pick.name, label: chosen.attempt.label, adapter: chosen.attempt.adapter, fallbackReasons, why: pick.why, measured: started.length > 1 };
}

/**
 * The fastest calibrated backend, with one sentence saying why (pure: tested with given
 * timings). A single candidate wins without a measurement.
 */
export function chooseFastest(timings: readonly Calibration[]): { name: BackendName; why: string } {
  const measured = timings.filter((t): t is Extract<Calibration, { ms: number }> => 'ms' in t);
  if (measured.length === 0) throw new Error(`No backend could be calibrated: ${timings.map((t) => ('skipped' in t ? `${t.name}: ${t.skipped}` : t.name)).join('; ')}`);
  if (measured.length === 1) {
    const only = measured[0];
    return { name: only.name, why: `Auto: ${TITLES[only.name]}, the fastest backend that runs here on real hardware.` };
  }
  const sorted = [...measured].sort((a, b) => a.ms - b.ms);
  const [best, next] = sorted;
  const ratio = next.ms / best.ms;
  return {
    name: best.name,
    why: `Auto: ${TITLES[best.name]}, measured fastest here (${best.ms.toFixed(1)} ms per calibration step; ${sorted
      .slice(1)
      .map((t) => `${TITLES[t.name]} ${t.ms.toFixed(1)} ms`)
      .join(', ')}${ratio >= 1.1 ? `, ${ratio.toFixed(1)}× slower` : ''}).`,
  };
}

/**
 * Median ms of a Bradley–Terry judge step at the lab's sizes (a batch of 256 pairs through a
 * 64→32→1 MLP, gradients, an SGD update) on backend `name`, after one warm-up step that
 * compiles what the backend compiles. About 0.1 s on WASM.
 */
async function calibrate(name: BackendName): Promise<number> {
  if (!(await tf.setBackend(name))) throw new Error('it did not start');
  await tf.ready();
  const w1 = tf.variable(tf.randomNormal([64, 32], 0, 0.3, 'float32', 1));
  const w2 = tf.variable(tf.randomNormal([32, 1], 0, 0.3, 'float32', 2));
  const [chosen, rejected] = [tf.randomNormal([256, 64], 0, 1, 'float32', 3), tf.randomNormal([256, 64], 0, 1, 'float32', 4)];
  const score = (x: tf.Tensor) => tf.matMul(tf.relu(tf.matMul(x, w1)), w2);
  const step = async (): Promise<number> => {
    const t0 = performance.now();
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.softplus(tf.neg(tf.sub(score(chosen), score(rejected))))) as tf.Scalar);
      w1.assign(tf.sub(w1, tf.mul(0.01, grads[w1.name])));
      w2.assign(tf.sub(w2, tf.mul(0.01, grads[w2.name])));
      return value;
    });
    await loss.data(); // the step ends when its result is back, as an iteration's readback does
    loss.dispose();
    return performance.now() - t0;
  };
  try {
    await step();
    const ms = [await step(), await step(), await step()].sort((a, b) => a - b);
    return ms[1];
  } finally {
    tf.dispose([w1, w2, chosen, rejected]);
  }
}

/** Initialises `name`; an exception becomes a reason. */
async function tryBackend(name: BackendName, env: EngineEnv): Promise<Attempt> {
  try {
    return await TRY[name](env);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
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
    registerWebGpuKernels();
    const failed = await activate('webgpu');
    if (failed) return { ok: false, reason: failed };
    const what = adapter.architecture || adapter.vendor || adapter.description || 'adapter';
    const software = softwareAdapter(adapter) ? softwareName(`${adapter.architecture} ${adapter.description}`) : undefined;
    return { ok: true, adapter, software, label: `WebGPU · ${what}${software ? ' (software)' : ''}` };
  },

  async webgl(env) {
    if (env === 'node') return { ok: false, reason: 'no WebGL in Node' };
    const renderer = webgl2Renderer();
    if (renderer === null) return { ok: false, reason: 'no WebGL2 context' };
    const failed = await activate('webgl');
    const software = /swiftshader|llvmpipe|software/i.test(renderer) ? softwareName(renderer) : undefined;
    return failed ? { ok: false, reason: failed } : { ok: true, software, label: software ? 'WebGL (software)' : 'WebGL' };
  },

  async wasm(env) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm'); // registers its flags, then the backend
    registerWasmKernels();
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

/** A short name for a software renderer's description. */
function softwareName(text: string): string {
  if (/swiftshader/i.test(text)) return 'SwiftShader';
  if (/llvmpipe/i.test(text)) return 'llvmpipe';
  return 'fallback adapter';
}

/** SwiftShader is a CPU emulation of a GPU: fine for correctness, slow for speed. */
function softwareAdapter(adapter: Adapter): boolean {
  return adapter.isFallback || /swiftshader/i.test(`${adapter.architecture} ${adapter.description}`);
}

/**
 * The renderer behind a WebGL2 context on an OffscreenCanvas (workers) or a canvas element
 * (pages), e.g. "ANGLE (…SwiftShader…)"; '' when the browser hides it; null without WebGL2.
 */
function webgl2Renderer(): string | null {
  try {
    const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : typeof document !== 'undefined' ? document.createElement('canvas') : null;
    const gl = canvas?.getContext('webgl2') ?? null;
    if (!gl) return null;
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String((debug ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)) ?? '');
    // Browsers cap live contexts; give the probe's back before tfjs makes its own.
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return null;
  }
}
