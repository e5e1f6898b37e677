/**
 * Node-only: WebGPU through the `webgpu` npm package (Dawn), a dev dependency (the WGSL kernel
 * tests and the bench use it). Without it (e.g. `npm ci --omit=dev`) WebGPU is skipped with a
 * reason and the chain goes on to WASM.
 *
 * Specifiers are built at run time so that neither TypeScript nor Vite tries to resolve
 * a package that may not be installed (this file is bundled but never run in the browser).
 */

/** The part of the `webgpu` package used here. */
interface DawnModule {
  create(options: string[]): unknown;
  globals: Record<string, unknown>;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let installed: Promise<string | null> | null = null;

/**
 * Puts `navigator.gpu` on globalThis (once) so tfjs-backend-webgpu registers itself when
 * imported afterwards. Resolves to null on success, else to why WebGPU is unavailable.
 */
export function installNodeWebGpu(): Promise<string | null> {
  installed ??= install();
  return installed;
}

async function load(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

async function install(): Promise<string | null> {
  const scope = globalThis as { navigator?: { gpu?: unknown } };
  if (scope.navigator?.gpu) return null;
  let dawn: DawnModule;
  try {
    dawn = (await load('webgpu')) as DawnModule;
  } catch {
    return 'the "webgpu" package is not installed (npm install webgpu)';
  }
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  // Without a GPU, Dawn needs a Vulkan driver: Chromium's bundled SwiftShader is one.
  const { existsSync } = (await load('node:fs')) as { existsSync(path: string): boolean };
  if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  env.XDG_RUNTIME_DIR ??= '/tmp';
  Object.assign(globalThis, dawn.globals);
  const navigator = scope.navigator ?? {};
  navigator.gpu = dawn.create([]);
  // Node 21+ has a read-only global navigator: define rather than assign.
  if (scope.navigator !== navigator) Object.defineProperty(globalThis, 'navigator', { value: navigator, configurable: true });
  return null;
}
