import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseFastest, selectBackend } from './backend';
import { LocalEngine } from './engine';
import { tinyConfig } from '../core/testing';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('selectBackend in Node', () => {
  it('starts the CPU backend when asked, with nothing skipped', async () => {
    expect(await selectBackend('cpu', 'node')).toEqual({ requested: 'cpu', name: 'cpu', label: 'CPU', adapter: undefined, fallbackReasons: [], why: 'CPU, as chosen in the Backend menu.' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('starts WASM from the package directory, no bundler needed', async () => {
    const info = await selectBackend('wasm', 'node');
    expect(info).toMatchObject({ name: 'wasm', label: expect.stringMatching(/^WASM/), fallbackReasons: [] });
    expect(tf.getBackend()).toBe('wasm');
    const sum = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]));
    expect(Array.from(await sum.data())).toEqual([4, 6]);
    sum.dispose();
  });

  it('Auto in Node: WASM without measuring (the only candidate), saying why each other backend was left out', async () => {
    const info = await selectBackend('auto', 'node');
    expect(info.requested).toBe('auto');
    if (info.name === 'webgpu') return; // the `webgpu` package found a hardware adapter
    expect(info).toMatchObject({ name: 'wasm', measured: false, why: 'Auto: WASM, the fastest backend that runs here on real hardware.' });
    expect(info.fallbackReasons).toEqual([
      // Unavailable without a Vulkan loader; on SwiftShader (Chromium's, here) found and left out.
      expect.stringMatching(/^WebGPU (unavailable: |skipped: a software GPU \(SwiftShader\))/),
      'WebGL unavailable: no WebGL in Node',
    ]);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('Auto reuses a remembered pick without measuring', async () => {
    const info = await selectBackend('auto', 'node', 'cpu');
    expect(info).toMatchObject({ requested: 'auto', name: 'cpu', measured: false, why: expect.stringMatching(/^Auto: CPU, measured fastest on this machine before/) });
    expect(tf.getBackend()).toBe('cpu');
  });
});

describe('chooseFastest (Auto, given calibration timings)', () => {
  it('picks the fastest measured backend and quotes the timings', () => {
    const { name, why } = chooseFastest([
      { name: 'webgpu', label: 'WebGPU · nvidia', ms: 2 },
      { name: 'webgl', label: 'WebGL', ms: 5 },
      { name: 'wasm', label: 'WASM (SIMD)', ms: 6.4 },
    ]);
    expect(name).toBe('webgpu');
    expect(why).toBe('Auto: WebGPU, measured fastest here (2.0 ms per calibration step; WebGL 5.0 ms, WASM 6.4 ms, 2.5× slower).');
  });

  it('keeps WASM when a hardware GPU measures slower for these small networks', () => {
    expect(chooseFastest([{ name: 'webgl', label: 'WebGL', ms: 9 }, { name: 'wasm', label: 'WASM (SIMD)', ms: 3 }]).name).toBe('wasm');
  });

  it('ignores a backend whose calibration failed, and fails only when none could be measured', () => {
    expect(chooseFastest([{ name: 'webgpu', label: 'WebGPU', skipped: 'device lost' }, { name: 'wasm', label: 'WASM', ms: 4 }]).name).toBe('wasm');
    expect(() => chooseFastest([{ name: 'webgpu', label: 'WebGPU', skipped: 'device lost' }])).toThrow(/webgpu: device lost/);
  });
});

describe('the engine on WASM', () => {

  it('trains on WASM through the engine', async () => {
    const engine = new LocalEngine({ env: 'node' });
    expect((await engine.init('wasm')).name).toBe('wasm');
    await engine.load(tinyConfig(1));
    const result = await engine.step();
    expect(Number.isFinite(result.members[0]['reward/proxy'])).toBe(true);
    engine.dispose();
  });
});
