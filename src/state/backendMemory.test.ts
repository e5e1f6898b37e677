import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { disposeLab, initLab, setBackend } from './actions';
import { readBackendMemory, writeBackendMemory } from './backendMemory';
import { FakeEngine } from './fake_engine';
import { initialLabState, useLab } from './labStore';

/** An in-memory localStorage (Node has none). */
function installStorage(): Map<string, string> {
  const items = new Map<string, string>();
  const storage = {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
  Object.assign(globalThis, { localStorage: storage });
  return items;
}

let items: Map<string, string>;
beforeEach(() => {
  items = installStorage();
  useLab.setState(initialLabState(), true);
});
afterEach(() => {
  disposeLab();
  delete (globalThis as { localStorage?: unknown }).localStorage;
});

describe('the remembered backend', () => {
  it('is Auto with nothing measured when storage is empty or holds anything else', () => {
    expect(readBackendMemory()).toEqual({ choice: 'auto' });
    items.set('alignment-lab:backend', '{"choice":"quantum"}');
    expect(readBackendMemory()).toEqual({ choice: 'auto' });
    items.set('alignment-lab:backend', 'not json');
    expect(readBackendMemory()).toEqual({ choice: 'auto' });
  });

  it('starts the lab on the menu choice, or on Auto’s earlier pick without measuring', async () => {
    writeBackendMemory({ choice: 'auto', autoPick: 'wasm' });
    const engine = new FakeEngine();
    await initLab(() => engine);
    expect(engine.calls[0]).toBe('init:auto(wasm)');
    disposeLab();
    writeBackendMemory({ choice: 'cpu', autoPick: 'wasm' });
    const second = new FakeEngine();
    await initLab(() => second);
    expect(second.calls[0]).toBe('init:cpu');
    expect(useLab.getState().backendChoice).toBe('cpu');
  });

  it('remembers a menu choice, keeps Auto’s pick beside it, and measures anew when Auto is chosen again', async () => {
    const engine = new FakeEngine();
    await initLab(() => engine);
    expect(readBackendMemory()).toEqual({ choice: 'auto', autoPick: 'webgpu' }); // the fake's Auto answers WebGPU
    await setBackend('cpu');
    expect(readBackendMemory()).toEqual({ choice: 'cpu', autoPick: 'webgpu' });
    await setBackend('auto');
    expect(engine.calls.filter((c) => c.startsWith('init'))).toEqual(['init:auto', 'init:cpu', 'init:auto']);
  });
});
