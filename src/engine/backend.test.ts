import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { LocalEngine } from './engine';
import { tinyConfig } from '../core/testing';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('selectBackend in Node', () => {
  it('starts the CPU backend when asked, with nothing skipped', async () => {
    expect(await selectBackend('cpu', 'node')).toEqual({ requested: 'cpu', name: 'cpu', label: 'CPU', adapter: undefined, fallbackReasons: [] });
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

  it('falls down the chain on auto, saying why each backend was skipped', async () => {
    const info = await selectBackend('auto', 'node');
    expect(info.requested).toBe('auto');
    if (info.name === 'webgpu') return; // the optional `webgpu` package is installed and found an adapter
    expect(info.name).toBe('wasm');
    expect(info.fallbackReasons).toHaveLength(2);
    expect(info.fallbackReasons[0]).toMatch(/^WebGPU unavailable: /);
    expect(info.fallbackReasons[1]).toBe('WebGL unavailable: no WebGL in Node');
  });

  it('trains on WASM through the engine', async () => {
    const engine = new LocalEngine({ env: 'node' });
    expect((await engine.init('wasm')).name).toBe('wasm');
    await engine.load(tinyConfig(1));
    const result = await engine.step();
    expect(Number.isFinite(result.members[0]['reward/proxy'])).toBe(true);
    engine.dispose();
  });
});
