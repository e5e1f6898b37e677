import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig, populationOf, type Config } from '../core/config';
import { DivergenceError } from '../core/divergence';
import type { Experiment, IterationResult, Metrics, PrepareResult } from '../core/types';
import type { DeviceEvents } from './device_loss';
import { LocalEngine } from './engine';
import type { EngineEvent } from './protocol';
import { tinyConfig } from '../core/testing';

const tiny = (iterations = 3): Config => tinyConfig(iterations);

function recorder(engine: LocalEngine): EngineEvent[] {
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return events;
}
const statuses = (events: EngineEvent[]) => events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
const iterations = (events: EngineEvent[]) => events.flatMap((e) => (e.type === 'iteration' ? [e.result.iteration] : []));

let engine: LocalEngine;
afterEach(() => engine?.dispose());

async function loaded(config: Config): Promise<{ engine: LocalEngine; events: EngineEvent[] }> {
  engine = new LocalEngine({ env: 'node', progressIntervalMs: 0 });
  const events = recorder(engine);
  const backend = await engine.init('cpu');
  expect(backend).toMatchObject({ requested: 'cpu', name: 'cpu', label: 'CPU', fallbackReasons: [] });
  await engine.load(config);
  return { engine, events };
}

describe('LocalEngine on the real experiment (CPU)', () => {
  it('loads, prepares with progress events, and steps exactly one iteration at a time', async () => {
    const { engine, events } = await loaded(tiny(3));
    expect(statuses(events)).toEqual(['ready']);
    const first = await engine.step();
    expect(first.iteration).toBe(1);
    expect(first.members).toHaveLength(1);
    for (const name of ['reward/proxy', 'reward/gold', 'kl/k3']) expect(Number.isFinite(first.members[0][name]), name).toBe(true);
    expect(first.readbacks).toBeGreaterThanOrEqual(1);
    // Preparation reported each stage up to its last step.
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    const stages = [...new Set(progress.map((p) => p.stage))];
    expect(stages).toContain('sft');
    for (const stage of stages) {
      const last = progress.filter((p) => p.stage === stage).at(-1)!;
      expect(last.step).toBe(last.total);
    }
    // PPO does not play against the pairwise preference model, so preparation skips it.
    expect(stages).toEqual(['sft', 'feedback', 'reward_model', 'exact']);
    // Then what preparation produced, once, before the first iteration's event.
    const prepared = events.flatMap((e) => (e.type === 'prepared' ? [e.result] : []));
    expect(prepared).toHaveLength(1);
    expect(prepared[0].rewardModel[0]['rm/accuracy']).toBeGreaterThan(0);
    expect(prepared[0].comparisons.length).toBeGreaterThan(0);
    expect(events.findIndex((e) => e.type === 'prepared')).toBeLessThan(events.findIndex((e) => e.type === 'iteration'));
    expect(statuses(events)).toEqual(['ready', 'preparing', 'ready']);
    expect((await engine.step()).iteration).toBe(2);
    expect(events.filter((e) => e.type === 'prepared')).toHaveLength(1);
    expect(iterations(events)).toEqual([1, 2]);
  });

  it('keeps the tensor count flat across steps after the first', async () => {
    const { engine } = await loaded(tiny(5));
    await engine.step();
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await engine.step();
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
  });

  it('plays to the end: status done, then Step and Play say the run is finished', async () => {
    const { engine, events } = await loaded(tiny(3));
    await engine.play();
    expect(iterations(events)).toEqual([1, 2, 3]);
    expect(statuses(events).at(-1)).toBe('done');
    expect(statuses(events)).toContain('playing');
    await expect(engine.step()).rejects.toThrow(/finished \(3 iterations\)/);
    await expect(engine.play()).rejects.toThrow(/finished/);
    const summary = await engine.summary();
    expect(summary.iterations).toBe(3);
    expect(Number.isFinite(summary.members[0].metrics['reward/gold'])).toBe(true);
  });

  it('pauses after the iteration in flight, and plays on from there', async () => {
    const { engine, events } = await loaded(tiny(50));
    let paused: Promise<null> | null = null;
    engine.subscribe((e) => {
      if (e.type === 'iteration' && e.result.iteration === 2) paused = engine.pause();
    });
    await engine.play(0);
    await paused;
    const seen = iterations(events);
    expect(seen.at(-1)).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toBeLessThan(50);
    expect(statuses(events).at(-1)).toBe('ready');
    // Nothing runs after pause resolved: the next step continues the count.
    expect((await engine.step()).iteration).toBe(seen.at(-1)! + 1);
  });

  it('resets to iteration 0 with the loaded config', async () => {
    const { engine } = await loaded(tiny(3));
    await engine.step();
    await engine.step();
    await engine.reset();
    expect((await engine.step()).iteration).toBe(1);
  });

  it('trains a β sweep as one population', async () => {
    const config = { ...tiny(2), sweep: { kind: 'beta' as const, values: [0.01, 1] } };
    const { engine } = await loaded(config);
    const result = await engine.step();
    expect(result.members).toHaveLength(2);
  });

  it('on a lost device: stops, says which backend lost what, and tells the page to move the run', async () => {
    let device: DeviceEvents | null = null;
    engine = new LocalEngine({ env: 'node', watchDevice: (_, on) => ((device = on), () => (device = null)) });
    const events = recorder(engine);
    await engine.init('cpu');
    await engine.load(tinyConfig(3));
    await engine.step();
    device!.lost('the WebGPU device was lost (destroyed)');
    expect(events.filter((e) => e.type === 'backendLost')).toEqual([{ type: 'backendLost', run: expect.any(Number), backend: 'cpu', error: { name: 'DeviceLost', message: 'CPU: the WebGPU device was lost (destroyed).' } }]);
    expect(statuses(events).at(-1)).toBe('error');
    // Choosing a backend stops the old watcher before starting a new one.
    await engine.init('cpu');
    expect(device).not.toBeNull();
  });

  it('refuses to load an experiment over the cost budget unless allowed (the CLI’s --allow-large)', async () => {
    const huge = defaultConfig({ task: { id: 'sorting' }, method: { id: 'best_of_n', n: 256, batchSize: 4096 } });
    engine = new LocalEngine({ env: 'node' });
    await expect(engine.load(huge)).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/^This experiment would need about/) });
    engine.dispose();
    engine = new LocalEngine({ env: 'node', allowLarge: true });
    expect((await engine.load(huge)).config).toEqual(huge);
  });

  it('rejects requests that need an experiment before one is loaded', async () => {
    engine = new LocalEngine({ env: 'node' });
    await expect(engine.step()).rejects.toThrow(/load\(config\) first/);
    await expect(engine.reset()).rejects.toThrow(/load a config first/);
  });
});

/** An experiment whose iterations follow a script: metrics, or an exception to throw. */
function scripted(config: Config, script: (iteration: number) => Metrics | Error): Experiment {
  let iteration = 0;
  const empty: PrepareResult = { sft: [], rewardModel: [], preferenceModel: [], comparisons: [], frontier: null, nash: null };
  return {
    info: { config, members: populationOf(config), task: { id: 'bandit', title: 'Bandit', summary: '', tryThis: '', enumerable: true, policy: 'tabular' }, stages: ['sample'] },
    get iteration() {
      return iteration;
    },
    async prepare(onProgress) {
      for (let step = 1; step <= 10; step++) onProgress?.({ stage: 'sft', step, total: 10, members: [{}] });
      return empty;
    },
    async step(): Promise<IterationResult> {
      const outcome = script(iteration + 1);
      if (outcome instanceof Error) throw outcome;
      iteration += 1;
      return { iteration, members: [outcome], stages: [], readbacks: 1 };
    },
    async summary() {
      return { config, task: { id: 'bandit', title: 'Bandit', enumerable: true }, iterations: iteration, prepare: empty, members: [] };
    },
    async comparisons() {
      return [];
    },
    dispose() {},
  };
}

describe('LocalEngine guards (scripted experiment)', () => {
  const start = (script: (iteration: number) => Metrics | Error, progressIntervalMs = 0) => {
    engine = new LocalEngine({ env: 'node', progressIntervalMs, createExperiment: (c) => scripted(c, script) });
    const events = recorder(engine);
    return { engine, events, ready: engine.load(defaultConfig({ iterations: 10 })) };
  };

  it('stops play at a diverged iteration with one error event carrying its message, and announces no iteration for it', async () => {
    const { engine, events, ready } = start((k) => (k === 3 ? new DivergenceError('Training diverged at iteration 3 (β=0.05): loss/policy became NaN.') : { 'loss/policy': 0.5 }));
    await ready;
    await engine.play();
    expect(iterations(events)).toEqual([1, 2]);
    const errors = events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: 'DivergenceError', message: 'Training diverged at iteration 3 (β=0.05): loss/policy became NaN.' });
    expect(statuses(events).at(-1)).toBe('error');
    await expect(engine.step()).rejects.toThrow(/diverged at iteration 3/);
  });

  it('turns an exception during play into an error event and stays usable', async () => {
    let failures = 1;
    const { engine, events, ready } = start((k) => (k === 2 && failures-- > 0 ? new Error('loss is NaN in update') : { 'reward/proxy': 1 }));
    await ready;
    await engine.play();
    expect(events.find((e) => e.type === 'error')).toMatchObject({ type: 'error', error: { message: 'loss is NaN in update' } });
    expect(statuses(events).at(-1)).toBe('error');
    expect((await engine.step()).iteration).toBe(2);
    expect(statuses(events).at(-1)).toBe('ready');
  });

  it('throttles progress but always sends the last report of a stage', async () => {
    const { engine, events, ready } = start(() => ({}), 60_000);
    await ready;
    await engine.prepare();
    const steps = events.flatMap((e) => (e.type === 'progress' ? [e.progress.step] : []));
    expect(steps).toEqual([1, 10]);
  });
});
