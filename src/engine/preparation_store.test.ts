import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { preparationKey } from '../core/preparation/shared';
import { tinyConfig } from '../core/testing';
import { LocalEngine } from './engine';
import { openPreparationStore } from './preparation_store';
import type { EngineEvent } from './protocol';

const engines: LocalEngine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.dispose();
});

async function engineOn(backend: 'wasm' | 'cpu') {
  const engine = new LocalEngine({ env: 'node', progressIntervalMs: 0 });
  engines.push(engine);
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  await engine.init(backend);
  return { engine, events };
}

const store = openPreparationStore()!;
const stored = (backend: string, key: string) => expect.poll(() => store.load(backend, key).then((s) => s !== null)).toBe(true);

describe('preparations across page loads (IndexedDB)', () => {
  it('a new engine (a reload) restores the preparation instead of preparing, with the same numbers', async () => {
    const config = tinyConfig(2, { seed: 21 });
    const first = await engineOn('wasm');
    await first.engine.load(config);
    const original = await first.engine.step();
    await stored('wasm', preparationKey(config));

    const second = await engineOn('wasm');
    await second.engine.load(config);
    const restored = await second.engine.step();
    expect(second.events.filter((e) => e.type === 'progress')).toEqual([]);
    expect(second.events.find((e) => e.type === 'prepared')).toMatchObject({ result: { reused: true } });
    expect(restored.members).toEqual(original.members);
  });

  it('keeps preparations per backend: a CPU engine does not restore what WASM prepared', async () => {
    const config = tinyConfig(1, { seed: 22 });
    const wasm = await engineOn('wasm');
    await wasm.engine.load(config);
    await wasm.engine.step();
    await stored('wasm', preparationKey(config));
    const cpu = await engineOn('cpu');
    await cpu.engine.load(config);
    await cpu.engine.step();
    expect(cpu.events.find((e) => e.type === 'prepared')).toMatchObject({ result: { reused: false } });
  });

  it('drops a snapshot that no longer restores, and prepares anew', async () => {
    const config = tinyConfig(1, { seed: 23 });
    const first = await engineOn('wasm');
    await first.engine.load(config);
    await first.engine.step();
    await stored('wasm', preparationKey(config));
    const snapshot = (await store.load('wasm', preparationKey(config)))!;
    await store.save('wasm', { ...snapshot, reward: snapshot.reward.slice(1) }); // a parameter missing
    const second = await engineOn('wasm');
    await second.engine.load(config);
    await second.engine.step();
    expect(second.events.find((e) => e.type === 'prepared')).toMatchObject({ result: { reused: false } });
  });

  it('is bounded: beyond its limit the oldest snapshots are evicted', async () => {
    const small = openPreparationStore(2)!;
    const snapshot = (key: string) => ({ version: 1, key, reference: [], reward: [], preference: null, comparisons: [], result: { sft: [], rewardModel: [], preferenceModel: [], comparisons: [], frontier: null, nash: null } });
    for (const key of ['a', 'b', 'c']) {
      await small.save('bounded', snapshot(key));
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct savedAt
    }
    expect(await small.load('bounded', 'a')).toBeNull();
    expect(await small.load('bounded', 'c')).not.toBeNull();
  });
});
