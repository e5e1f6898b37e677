/**
 * Browser-only: hands tfjs-backend-wasm the URLs Vite gives its binaries. Separate from
 * backend.ts because `?url` imports exist only under Vite; Node loads the binaries from
 * the package directory by itself.
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** The binaries by the names the backend asks for. */
type WasmFileMap = {
  'tfjs-backend-wasm.wasm': string;
  'tfjs-backend-wasm-simd.wasm': string;
  'tfjs-backend-wasm-threaded-simd.wasm': string;
};

/** Calls the backend's `setWasmPaths` with Vite's hashed asset URLs. */
export function wireWasmPaths(setWasmPaths: (paths: WasmFileMap) => void): void {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    // Listed for completeness: multithreading is switched off before the backend starts.
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  });
}
