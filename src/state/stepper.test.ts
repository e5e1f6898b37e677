/**
 * The step-through against an in-thread fake engine whose iterations carry four stage
 * reports: what Step stage reveals, when it runs a new iteration, the speed reaching
 * `play(delayMs)`, and slow motion walking the stages of each played iteration.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEngine } from './fake_engine';
import { disposeLab, initLab, reset } from './actions';
import { initialLabState, useLab } from './labStore';
import {
  currentWalk,
  followPlayback,
  nextStageMove,
  playAtSpeed,
  resetStepper,
  runAvailability,
  setSpeed,
  stepIteration,
  stepStage,
  togglePlay,
  useStepper,
} from './stepper';

const STAGES = ['sample', 'score', 'advantages', 'update'];

let engine: FakeEngine;

beforeEach(async () => {
  useLab.setState(initialLabState(), true);
  useLab.setState({ status: 'ready' });
  resetStepper();
  engine = new FakeEngine({ stages: STAGES, autoPlay: 0 });
  await initLab(() => engine);
  engine.calls = []; // the tests below count what stepping asks, not the start-up's init and load
});

afterEach(() => {
  disposeLab();
  vi.useRealTimers();
});

const walk = () => currentWalk(useStepper.getState().walk, useLab.getState().history);

describe('step stage', () => {
  it('runs one iteration, then reveals its stages one press at a time, then runs the next', async () => {
    await stepStage();
    expect(engine.calls).toEqual(['step']);
    expect(walk()).toMatchObject({ iteration: 1, stage: 0 });
    for (const stage of [1, 2, 3]) {
      await stepStage();
      expect(walk()).toMatchObject({ iteration: 1, stage });
    }
    expect(engine.calls).toEqual(['step']); // revealing costs no engine call
    await stepStage();
    expect(engine.calls).toEqual(['step', 'step']);
    expect(walk()).toMatchObject({ iteration: 2, stage: 0 });
    expect(useLab.getState().history.map((r) => r.iteration)).toEqual([1, 2]);
  });

  it('a Step of a whole iteration ends the walk; a Reset makes it stale', async () => {
    await stepStage();
    await stepIteration();
    expect(walk()).toBeNull();
    await stepStage();
    expect(walk()).toMatchObject({ iteration: 3, stage: 0 });
    await reset();
    expect(walk()).toBeNull();
    expect(nextStageMove(useStepper.getState().walk, useLab.getState().history)).toEqual({ kind: 'run' });
  });

  it('after the last iteration Step stage may still reveal stages, but not run more', async () => {
    useLab.setState((s) => ({ config: { ...s.config, iterations: 1 } }));
    await stepStage();
    const lab = useLab.getState();
    expect(runAvailability(lab, useStepper.getState())).toMatchObject({ canRun: false, canStepStage: true });
    for (let i = 0; i < 5; i++) await stepStage();
    expect(walk()).toMatchObject({ iteration: 1, stage: 3 });
    expect(engine.calls).toEqual(['step']);
    expect(runAvailability(useLab.getState(), useStepper.getState()).canStepStage).toBe(false);
  });
});

describe('speed and play', () => {
  it('passes the chosen speed to the engine as the pause between iterations', async () => {
    playAtSpeed();
    await expect.poll(() => engine.playDelays).toEqual([400]);
    await setSpeed('slow'); // while playing: pause, then play at the new speed
    await expect.poll(() => engine.playDelays).toEqual([400, 3000]);
    expect(engine.calls).toEqual(['play', 'pause', 'play']);
  });

  it('Pause (and Space) also stop a preparation in progress', async () => {
    useLab.setState({ status: 'preparing' });
    expect(runAvailability(useLab.getState(), useStepper.getState())).toMatchObject({ canPause: true });
    togglePlay();
    await expect.poll(() => engine.calls).toEqual(['pause']);
  });

  it('togglePlay pauses a playing run and plays a stopped one', async () => {
    togglePlay();
    await expect.poll(() => useLab.getState().status).toBe('playing');
    togglePlay();
    await expect.poll(() => useLab.getState().status).toBe('ready');
    expect(engine.calls).toEqual(['play', 'pause']);
  });

  it('in slow motion, each played iteration walks through its stages over the pause', async () => {
    const stop = followPlayback();
    await setSpeed('slow');
    playAtSpeed();
    await expect.poll(() => useLab.getState().status).toBe('playing');
    vi.useFakeTimers();
    engine.playOne();
    expect(walk()).toMatchObject({ iteration: 1, stage: 0, by: 'animation' });
    vi.advanceTimersByTime(750); // 3000 ms / 4 stages
    expect(walk()).toMatchObject({ stage: 1 });
    vi.advanceTimersByTime(1500);
    expect(walk()).toMatchObject({ stage: 3 });
    vi.advanceTimersByTime(5000);
    expect(walk()).toMatchObject({ iteration: 1, stage: 3 });
    stop();
  });

  it('at normal speed, played iterations do not animate', async () => {
    const stop = followPlayback();
    playAtSpeed();
    await expect.poll(() => useLab.getState().status).toBe('playing');
    engine.playOne();
    expect(walk()).toBeNull();
    stop();
  });
});
