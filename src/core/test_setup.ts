// Vitest setup: unit tests run core on tfjs's pure-JS CPU backend (deterministic, no GPU).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

await tf.setBackend('cpu');
await tf.ready();
