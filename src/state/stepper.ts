/**
 * The step-through: walking one iteration's stages (sample → score → advantages → update, or
 * the method's own), the play speed, and the run-button availability the buttons and the
 * keyboard shortcuts share.
 *
 * The engine runs an iteration's stages in one call, so "Next stage" runs the iteration
 * first and then reveals its stage reports (each with the narration the method built from
 * this run's numbers) one press at a time. The walk is plain data: which iteration, which
 * stage. A walk whose iteration is no longer the latest one (a Reset, another Step) is
 * simply stale and shows nothing, so nothing has to clear it.
 */
import { create } from 'zustand';
import type { IterationResult } from '../core/types';
import { pause, play, step } from './actions';
import { lastIteration, useLab, type LabState } from './labStore';

/** Play speeds: the pause the engine takes between iterations. */
export const SPEEDS = {
  fast: { label: 'Fast', delayMs: 0 },
  normal: { label: 'Normal', delayMs: 400 },
  slow: { label: 'Slow motion', delayMs: 3000 },
} as const;
export type Speed = keyof typeof SPEEDS;
export const SPEED_IDS = Object.keys(SPEEDS) as Speed[];

/** Which stage of which iteration is on show; `stage` indexes `IterationResult.stages`. */
export interface StageWalk {
  iteration: number;
  stage: number;
  /** Who moves it: the Next stage button, or the slow-motion animation during Play. */
  by: 'button' | 'animation';
}

export interface StepperState {
  speed: Speed;
  walk: StageWalk | null;
  /** A Next stage press is waiting for its iteration to come back from the engine. */
  running: boolean;
}

/** The stepper's store: plain data, written only by the functions below. */
export const useStepper = create<StepperState>()(() => ({ speed: 'normal', walk: null, running: false }));

/** The walk if it still belongs to the latest iteration in `history`, else null. */
export function currentWalk(walk: StageWalk | null, history: readonly IterationResult[]): StageWalk | null {
  return walk !== null && history.length > 0 && walk.iteration === lastIteration(history) ? walk : null;
}

/**
 * What the next Next stage press does: reveal the next stage of the walk in progress, or
 * (no walk, or its last stage already shown) run a new iteration.
 */
export function nextStageMove(walk: StageWalk | null, history: readonly IterationResult[]): { kind: 'reveal'; walk: StageWalk } | { kind: 'run' } {
  const live = currentWalk(walk, history);
  const stages = history.at(-1)?.stages.length ?? 0;
  if (live && live.stage + 1 < stages) return { kind: 'reveal', walk: { ...live, stage: live.stage + 1, by: 'button' } };
  return { kind: 'run' };
}

/** What the run buttons (and their shortcuts) may do right now. */
export interface RunAvailability {
  loaded: boolean;
  playing: boolean;
  /** Step, Next stage and Play. */
  canRun: boolean;
  /** Next stage can also just reveal the next stage of a finished run's last iteration. */
  canStepStage: boolean;
  /** Pause stops play, and also a preparation in progress (which is cancelled). */
  canPause: boolean;
}

/** Derived from both stores; the buttons and the keyboard shortcuts use the same answer. */
export function runAvailability(lab: Pick<LabState, 'status' | 'pending' | 'info' | 'history' | 'config'>, stepper: StepperState): RunAvailability {
  const loaded = lab.info !== null;
  const playing = lab.status === 'playing';
  const finished = lastIteration(lab.history) >= lab.config.iterations || lab.status === 'done';
  // Not blocked by 'error': the engine keeps its last good state, so Step retries.
  const canRun = loaded && !playing && lab.pending === 0 && !finished && !stepper.running;
  const reveal = nextStageMove(stepper.walk, lab.history).kind === 'reveal';
  const canPause = playing || lab.status === 'preparing';
  return { loaded, playing, canRun, canStepStage: canRun || (loaded && !playing && !stepper.running && reveal), canPause };
}

function availability(): RunAvailability {
  return runAvailability(useLab.getState(), useStepper.getState());
}

/**
 * Next stage: reveals the next stage of the iteration on show, or runs a new iteration and
 * shows its first stage. The charts get the iteration as soon as it has run.
 */
export async function stepStage(): Promise<void> {
  if (!availability().canStepStage) return;
  const move = nextStageMove(useStepper.getState().walk, useLab.getState().history);
  if (move.kind === 'reveal') {
    useStepper.setState({ walk: move.walk });
    return;
  }
  const before = lastIteration(useLab.getState().history);
  useStepper.setState({ running: true, walk: null });
  try {
    await step();
  } finally {
    const after = lastIteration(useLab.getState().history);
    useStepper.setState({ running: false, walk: after > before ? { iteration: after, stage: 0, by: 'button' } : null });
  }
}

/** Step: one whole iteration (all its stages at once). */
export async function stepIteration(): Promise<void> {
  if (!availability().canRun) return;
  useStepper.setState({ walk: null });
  await step();
}

/** Play at the chosen speed. */
export function playAtSpeed(): void {
  if (!availability().canRun) return;
  useStepper.setState({ walk: null });
  play(SPEEDS[useStepper.getState().speed].delayMs);
}

/** Space: Play when stopped, Pause when playing. */
export function togglePlay(): void {
  if (availability().canPause) void pause();
  else playAtSpeed();
}

/** Changes the speed; a run in progress pauses and resumes at the new speed. */
export async function setSpeed(speed: Speed): Promise<void> {
  if (useStepper.getState().speed === speed) return;
  useStepper.setState({ speed });
  if (!availability().playing) return;
  await pause();
  playAtSpeed();
}

/**
 * Slow motion: while playing, every new iteration's stages are revealed one after another,
 * spread over the pause before the next iteration. Returns the unsubscribe function.
 */
export function followPlayback(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const advance = (iteration: number, stage: number, stages: number, everyMs: number) => {
    useStepper.setState({ walk: { iteration, stage, by: 'animation' } });
    if (stage + 1 < stages) timer = setTimeout(() => advance(iteration, stage + 1, stages, everyMs), everyMs);
  };
  const unsubscribe = useLab.subscribe((state, prev) => {
    const latest = state.history.at(-1);
    if (!latest || state.history === prev.history || latest.iteration === lastIteration(prev.history)) return;
    const speed = useStepper.getState().speed;
    if (state.status !== 'playing' || speed !== 'slow') return;
    stop();
    const stages = latest.stages.length;
    if (stages > 0) advance(latest.iteration, 0, stages, SPEEDS.slow.delayMs / stages);
  });
  return () => {
    stop();
    unsubscribe();
  };
}

/** Back to the first state (tests). */
export function resetStepper(): void {
  useStepper.setState({ speed: 'normal', walk: null, running: false });
}
