/**
 * The store's actions against an in-thread fake engine: what each action asks the engine,
 * and what lands in the store. (Node has no `window`, so URL sync is out of scope here;
 * the e2e tests cover it in Chromium.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../core/config';
import { FakeEngine, fakeResult } from './fake_engine';
import { disposeLab, initLab, pause, play, reset, setBackend, setConfig, step } from './actions';
import { initialLabState, useLab } from './labStore';

let engine: FakeEngine;

beforeEach(async () => {
  useLab.setState(initialLabState(), true);
  engine = new FakeEngine();
  await initLab(() => engine);
});

afterEach(() => disposeLab());

describe('lab actions', () => {
  it('initLab initialises the chosen backend, then loads the config', () => {
    expect(engine.calls).toEqual(['init:auto', 'load']);
    const state = useLab.getState();
    expect(state.backend?.name).toBe('webgpu');
    expect(state.info?.members).toHaveLength(1);
    expect(state.pending).toBe(0);
  });

  it('step appends one iteration even when the engine also emits it as an event', async () => {
    await step();
    await step();
    expect(useLab.getState().history.map((r) => r.iteration)).toEqual([1, 2]);
  });

  it('keeps what preparation produced until the run is replaced', async () => {
    expect(useLab.getState().prepared).toBeNull();
    await step();
    expect(useLab.getState().prepared?.rewardModel[0]['rm/accuracy']).toBe(0.7);
    const { seed } = useLab.getState().config;
    setConfig({ seed: seed + 1 });
    expect(useLab.getState().prepared).toBeNull();
  });

  it('setConfig refuses a valid config over the cost budget, keeps the config, loads nothing and says what drives it', () => {
    const before = useLab.getState().config;
    const calls = engine.calls.length;
    expect(setConfig({ task: { id: 'sorting' }, method: { id: 'best_of_n', n: 256, batchSize: 4096 } as Config['method'] })).toBe(false);
    expect(useLab.getState().config).toBe(before);
    expect(engine.calls).toHaveLength(calls);
    expect(useLab.getState().error).toMatch(/^That setting was not applied: This experiment would need about .* Lower: method\.n = 256/);
  });

  it('setConfig rejects an invalid value, keeps the config and says why', async () => {
    const before = useLab.getState().config;
    expect(setConfig({ method: { ...before.method, beta: -1 } as Config['method'] })).toBe(false);
    expect(useLab.getState().config).toBe(before);
    expect(useLab.getState().error).toMatch(/method\.beta/);
    expect(engine.calls).toEqual(['init:auto', 'load']);
  });

  it('a valid setConfig reloads the engine and clears the run', async () => {
    await step();
    const { method } = useLab.getState().config;
    expect(setConfig({ method: { ...method, beta: 0.2 } as Config['method'] })).toBe(true);
    await step(); // queued behind the load
    expect(engine.loaded?.method).toMatchObject({ beta: 0.2 });
    expect(engine.calls.slice(-2)).toEqual(['load', 'step']);
    expect(useLab.getState().history.map((r) => r.iteration)).toEqual([1]);
    expect(useLab.getState().error).toBeNull();
  });

  it('an unchanged config does not reload', () => {
    const { method } = useLab.getState().config;
    expect(setConfig({ method: { ...method } })).toBe(true);
    expect(engine.calls).toEqual(['init:auto', 'load']);
  });

  it('a step reply from before a config change is dropped', async () => {
    const pending = step();
    const { method } = useLab.getState().config;
    setConfig({ method: { ...method, beta: 0.3 } as Config['method'] });
    await pending;
    await step();
    expect(useLab.getState().history.map((r) => r.iteration)).toEqual([1]);
    expect(engine.loaded?.method).toMatchObject({ beta: 0.3 });
  });

  it.each([
    ['a config change', () => setConfig({ iterations: 7 })],
    ['Reset', () => reset()],
    ['a backend switch', () => setBackend('cpu')],
  ])('after %s, events still arriving from the replaced run are dropped', async (_, replace) => {
    await step();
    const old = engine.run;
    await replace();
    await expect.poll(() => engine.run).not.toBe(old);
    // An iteration that was in flight, and its progress and error, arrive late, stamped with the old run.
    engine.emit({ type: 'iteration', result: fakeResult(2) }, old);
    engine.emit({ type: 'progress', progress: { stage: 'sft', step: 5, total: 9, members: [] } }, old);
    engine.emit({ type: 'error', error: { name: 'Error', message: 'old run failed' } }, old);
    expect(useLab.getState().history).toEqual([]);
    expect(useLab.getState().progress).toEqual({});
    expect(useLab.getState().error).toBeNull();
    // The new run's events land.
    engine.emit({ type: 'iteration', result: fakeResult(1) });
    expect(useLab.getState().history.map((r) => r.iteration)).toEqual([1]);
  });

  it('a preparation cancelled by Pause or a new request is not reported as a failure', async () => {
    engine.step = async () => {
      const error = new Error('Cancelled: a newer request replaced this preparation.');
      error.name = 'Cancelled';
      throw error;
    };
    await step();
    expect(useLab.getState().error).toBeNull();
  });

  it('a config change while preparing asks the engine to stop the preparation at once', async () => {
    useLab.setState({ status: 'preparing' });
    setConfig({ iterations: 9 });
    expect(engine.calls).toContain('pause');
  });

  it('play streams iterations from events; pause stops the engine', async () => {
    play();
    await expect.poll(() => useLab.getState().history.length).toBeGreaterThan(0);
    await pause();
    expect(engine.calls).toContain('pause');
    expect(useLab.getState().status).toBe('ready');
  });

  it('reset clears the history and progress and tells the engine', async () => {
    await step();
    useLab.setState({ progress: { sft: { stage: 'sft', step: 3, total: 3, members: [], startedAt: 0, at: 1 } } });
    await reset();
    expect(engine.calls.at(-1)).toBe('reset');
    expect(useLab.getState().history).toEqual([]);
    expect(useLab.getState().progress).toEqual({});
  });

  it('setBackend re-initialises on the new backend and reloads', async () => {
    await step();
    await setBackend('cpu');
    expect(engine.calls.slice(-2)).toEqual(['init:cpu', 'load']);
    expect(useLab.getState().backend?.name).toBe('cpu');
    expect(useLab.getState().backendChoice).toBe('cpu');
    expect(useLab.getState().history).toEqual([]);
  });

  it('a failing request becomes the alert text', async () => {
    engine.step = async () => {
      throw new Error('the GPU fell over');
    };
    await step();
    expect(useLab.getState().error).toBe('Step failed: the GPU fell over');
    expect(useLab.getState().pending).toBe(0);
  });

  it('replaces a crashed engine: a new one on the same backend, the run reloaded at iteration 0, and the alert says so', async () => {
    await step();
    const replacement = new FakeEngine();
    disposeLab();
    useLab.setState(initialLabState(), true);
    const engines = [engine, replacement];
    await initLab(() => engines.shift()!);
    await step();
    engine.emit({ type: 'crashed', error: { name: 'WorkerCrash', message: 'The training worker stopped: boom.' } }, 0);
    await expect.poll(() => replacement.calls).toEqual(['init:auto', 'load']);
    await expect.poll(() => useLab.getState().error).toMatch(/^The training worker stopped: boom\. A new training worker runs on .*; the run restarted from iteration 0/);
    expect(useLab.getState().history).toEqual([]);
    await step();
    expect(replacement.calls.at(-1)).toBe('step');
  });

  it('moves the run to the next backend when the GPU is lost, replaying it to the last iteration and keeping the charts', async () => {
    await step();
    await step();
    const history = useLab.getState().history;
    engine.calls = [];
    engine.emit({ type: 'backendLost', backend: 'webgpu', error: { name: 'DeviceLost', message: 'WebGPU: the WebGPU device was lost (destroyed).' } }, 0);
    await expect.poll(() => useLab.getState().error).toMatch(/^WebGPU: the WebGPU device was lost \(destroyed\)\. The run moved to .* and was replayed from its seed to iteration 2; iterations from here on run on/);
    expect(engine.calls).toEqual(['init:webgl', 'load', 'step', 'step']);
    expect(useLab.getState().history).toEqual(history);
    await step();
    expect(useLab.getState().history.map((r) => r.iteration)).toEqual([1, 2, 3]);
  });
});
