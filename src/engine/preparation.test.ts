/**
 * The engine's preparations on the real experiment: cached by what they depend on, reused
 * across method and β changes, cancelled at once by Pause, Reset, a new config or a backend
 * switch, leaving no tensors and no half-trained state, and events stamped with their run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { isCancelled } from '../core/cancel';
import type { Config, ConfigInput } from '../core/config';
import type { PrepareStage } from '../core/types';
import { PREP, tinyConfig } from '../core/testing';
import { LocalEngine } from './engine';
import type { EngineEvent } from './protocol';

/** A run whose preparation lasts long enough to be interrupted at any stage (about a second on WASM). */
const slow = (overrides: Partial<ConfigInput> = {}): Config =>
  tinyConfig(3, { sft: { steps: 200, demos: 256 }, feedback: { comparisons: 512 }, rewardModel: { steps: 200 }, preferenceModel: { steps: 200 }, ...overrides });

let engine: LocalEngine;
afterEach(() => engine?.dispose());

async function started(config: Config, run = 1): Promise<{ engine: LocalEngine; events: EngineEvent[] }> {
  engine = new LocalEngine({ env: 'node', progressIntervalMs: 0 });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  await engine.init('wasm', run);
  await engine.load(config, run);
  return { engine, events };
}

/** The first iteration's metrics of `config` on a new engine that prepares without interruption. */
async function uninterrupted(config: Config) {
  const fresh = new LocalEngine({ env: 'node', progressIntervalMs: 0 });
  try {
    await fresh.init('wasm');
    await fresh.load(config);
    return (await fresh.step()).members;
  } finally {
    fresh.dispose();
  }
}

const progressOf = (events: EngineEvent[]) => events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
const preparedOf = (events: EngineEvent[]) => events.flatMap((e) => (e.type === 'prepared' ? [e.result] : []));

/** Resolves at the first progress event of `stage` past step 0, i.e. while that stage trains. */
function during(engine: LocalEngine, stage: PrepareStage): Promise<void> {
  return new Promise((resolve) => {
    const stop = engine.subscribe((e) => {
      if (e.type === 'progress' && e.progress.stage === stage && e.progress.step > 0) {
        stop();
        resolve();
      }
    });
  });
}

describe('the preparation cache', () => {
  it('reuses the preparation for another method, β and iteration count, with the same numbers as preparing afresh', async () => {
    const { engine, events } = await started(tinyConfig(2));
    await engine.step();
    expect(engine.cachedPreparations()).toHaveLength(1);
    const dpo = tinyConfig(2, { method: { id: 'dpo', beta: 0.3, batchSize: 16 } });
    await engine.load(dpo, 2);
    const before = events.length;
    const reused = await engine.step();
    const after = events.slice(before);
    // No training: no progress events, and the page is told the preparation was reused.
    expect(progressOf(after)).toEqual([]);
    expect(preparedOf(after)).toEqual([expect.objectContaining({ reused: true })]);
    expect(engine.cachedPreparations()).toHaveLength(1);

    // A fresh engine that prepares DPO's preparation itself reaches the same numbers.
    expect(await uninterrupted(dpo)).toEqual(reused.members);
  });

  it('serves a β sweep from the preparation of its seed alone', async () => {
    const { engine } = await started(tinyConfig(1));
    await engine.step();
    await engine.load(tinyConfig(1, { sweep: { kind: 'beta', values: [0.01, 0.1, 1] } }), 2);
    const events: EngineEvent[] = [];
    engine.subscribe((e) => events.push(e));
    const { members } = await engine.step();
    expect(members).toHaveLength(3);
    expect(progressOf(events)).toEqual([]);
    expect(preparedOf(events)[0]).toMatchObject({ reused: true, rewardModel: [expect.anything(), expect.anything(), expect.anything()] });
    expect(engine.cachedPreparations()).toHaveLength(1);
  });

  it('prepares again when the seed, the task or a judge setting changes', async () => {
    const { engine } = await started(tinyConfig(1));
    await engine.step();
    for (const [i, change] of ([{ seed: 4 }, { task: { id: 'cycle' } }, { rewardModel: { steps: 10 } }] as Partial<ConfigInput>[]).entries()) {
      await engine.load(tinyConfig(1, change), 10 + i);
      const events: EngineEvent[] = [];
      const stop = engine.subscribe((e) => events.push(e));
      await engine.step();
      stop();
      expect(preparedOf(events)[0].reused, JSON.stringify(change)).toBe(false);
    }
    expect(engine.cachedPreparations()).toHaveLength(4);
  });

  it('trains only the preference model when Nash-MD follows PPO on the same preparation', async () => {
    const { engine } = await started(tinyConfig(1, { task: { id: 'cycle' }, preferenceModel: { steps: 10 } }));
    await engine.step();
    await engine.load(tinyConfig(1, { task: { id: 'cycle' }, preferenceModel: { steps: 10 }, method: { id: 'nash_md' } }), 2);
    const events: EngineEvent[] = [];
    engine.subscribe((e) => events.push(e));
    await engine.step();
    expect([...new Set(progressOf(events).map((p) => p.stage))]).toEqual(['preference_model']);
    expect(preparedOf(events)[0]).toMatchObject({ reused: true, preferenceModel: [expect.objectContaining({ 'pm/accuracy': expect.any(Number) })] });
  });

  it('frees every cached preparation on a backend switch and on dispose', async () => {
    const before = tf.memory().numTensors;
    const { engine } = await started(tinyConfig(1));
    await engine.step();
    await engine.init('wasm', 2);
    expect(engine.cachedPreparations()).toEqual([]);
    engine.dispose();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('cancelling a preparation', () => {
  const stages: PrepareStage[] = ['sft', 'reward_model', 'preference_model'];

  it.each(stages)('a new config during %s stops it within a step: no leaked tensors, no half-trained state', async (stage) => {
    const config = slow({ method: { id: 'nash_md', batchSize: 16 } });
    const { engine, events } = await started(config);
    const held = tf.memory().numTensors; // the loaded experiment's own networks
    const step = engine.step();
    await during(engine, stage);
    const load = engine.load(config, 2);
    const error = await step.catch((e: unknown) => e);
    expect(isCancelled(error)).toBe(true);
    await load;
    // The stage stopped early: its last report is short of its total.
    const last = progressOf(events).filter((p) => p.stage === stage).at(-1)!;
    expect(last.step).toBeLessThan(last.total);
    expect(engine.cachedPreparations()).toEqual([]);
    expect(tf.memory().numTensors).toBe(held);
    // Nothing half-trained survived: the next run's numbers equal an uninterrupted engine's.
    const again = await engine.step();
    expect(await uninterrupted(config)).toEqual(again.members);
  });

  it('a new config during the exact evaluation of 6⁴ replies (seconds of host work) stops it too, without leaks', async () => {
    const config = tinyConfig(1, { task: { id: 'helpful' }, ...PREP.tiny, method: { id: 'ppo', batchSize: 8, minibatches: 1, epochs: 1 } });
    const { engine, events } = await started(config);
    const held = tf.memory().numTensors;
    const step = engine.step();
    await new Promise<void>((resolve) => {
      const stop = engine.subscribe((e) => {
        if (e.type === 'progress' && e.progress.stage === 'exact') {
          stop();
          resolve();
        }
      });
    });
    await engine.load(config, 2);
    expect(isCancelled(await step.catch((e: unknown) => e))).toBe(true);
    // It stopped inside the evaluation: the stage never reported its end.
    expect(progressOf(events).filter((p) => p.stage === 'exact').map((p) => p.step)).toEqual([0]);
    expect(engine.cachedPreparations()).toEqual([]);
    expect(tf.memory().numTensors).toBe(held);
  });

  it('Pause, Reset and a backend switch each cancel a preparation in progress', async () => {
    const { engine, events } = await started(slow());
    for (const [i, interrupt] of [() => engine.pause(), () => engine.reset(2), () => engine.init('cpu', 3)].entries()) {
      const step = engine.step();
      await during(engine, 'sft');
      await interrupt();
      expect(isCancelled(await step.catch((e: unknown) => e)), `interrupt ${i}`).toBe(true);
    }
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(events.filter((e) => e.type === 'status').at(-1)).toMatchObject({ status: 'ready' });
  });

  it('Pause during Play’s preparation stops the loop without an error', async () => {
    const { engine, events } = await started(slow());
    const playing = engine.play();
    await during(engine, 'sft');
    await engine.pause();
    await playing;
    expect(events.filter((e) => e.type === 'error' || e.type === 'iteration')).toEqual([]);
    expect(events.filter((e) => e.type === 'status').at(-1)).toMatchObject({ status: 'ready' });
  });
});

describe('run identity', () => {
  it('stamps each event with the run that produced it, also when a newer run has started', async () => {
    const { engine, events } = await started(tinyConfig(50), 7);
    let replaced: Promise<unknown> | null = null;
    engine.subscribe((e) => {
      if (e.type === 'iteration' && e.result.iteration === 1 && !replaced) replaced = engine.load(tinyConfig(50), 8);
    });
    await engine.play();
    await replaced;
    await engine.step();
    const runs = events.filter((e) => e.type === 'iteration').map((e) => e.run);
    expect(runs[0]).toBe(7);
    expect(runs.at(-1)).toBe(8);
    // Iteration numbers restart with run 8; none of run 8's events carries run 7.
    expect(events.filter((e) => e.type === 'iteration' && e.run === 8).map((e) => (e.type === 'iteration' ? e.result.iteration : 0))).toEqual([1]);
  });
});
