// Vitest setup: unit tests run core on tfjs's WASM backend, 5–10× faster than the pure-JS CPU
// backend here and just as deterministic. A file that pins exact numbers (golden trajectories,
// determinism) switches itself to CPU first: `await useBackend('cpu')` from ./testing.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './kernels';

// No "install tfjs-node" banner in every file's output (prod mode changes logging only).
tf.enableProdMode();
// One thread per fork: vitest already runs a fork per core.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
registerWasmKernels();
await tf.setBackend('wasm');
await tf.ready();
