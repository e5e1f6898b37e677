/**
 * The lab's one store: plain data only (config, backend, run status, metrics history).
 * Nothing here talks to the engine; the actions in `actions.ts` do, and only engine
 * replies and events write run metrics into it.
 */
import { create } from 'zustand';
import { defaultConfig, type Config } from '../core/config';
import type { ExperimentInfo, IterationResult, PrepareProgress, PrepareResult, PrepareStage } from '../core/types';
import type { BackendChoice, BackendInfo, EngineStatus } from '../engine/protocol';

/** A stage's latest progress report, with when (ms, the page's clock) the stage's first and latest reports arrived. */
export type TimedProgress = PrepareProgress & { startedAt: number; at: number };

/** Latest progress report per preparation stage (absent until the stage starts). */
export type StageProgress = Partial<Record<PrepareStage, TimedProgress>>;

/** Records a progress report, keeping when its stage started (for the time-left estimate). */
export function withProgress(progress: StageProgress, report: PrepareProgress, now: number): StageProgress {
  const startedAt = progress[report.stage]?.startedAt ?? now;
  return { ...progress, [report.stage]: { ...report, startedAt, at: now } };
}

/**
 * Seconds left in a stage, extrapolated from its pace so far; null until it has a pace
 * (two reports), and for single-step stages (labelling, exact evaluation).
 */
export function secondsLeft(p: TimedProgress | undefined): number | null {
  if (!p || p.total <= 1 || p.step <= 0 || p.step >= p.total || p.at <= p.startedAt) return null;
  return (((p.at - p.startedAt) / p.step) * (p.total - p.step)) / 1000;
}

export interface LabState {
  /** The experiment; the URL hash is derived from it. */
  config: Config;
  /** What the user asked for; `backend` is what the engine actually got. */
  backendChoice: BackendChoice;
  backend: BackendInfo | null;
  status: EngineStatus;
  info: ExperimentInfo | null;
  progress: StageProgress;
  /** What preparation produced (judges' accuracy, labelled comparisons, frontier, Nash); null until then. */
  prepared: PrepareResult | null;
  /** One entry per completed iteration, in order, each with metrics per member. */
  history: IterationResult[];
  /** Engine requests in flight (init, load, step, reset); Step is disabled while > 0. */
  pending: number;
  /** Shown in the alert region; plain text, never HTML. */
  error: string | null;
  /** A quiet, informational line (e.g. "the run restarted"). */
  notice: string | null;
  /** Presentation mode: larger type and thicker lines for a projector (`&present=1` in the link). */
  present: boolean;
}

/** The state before `initLab()` runs. */
export function initialLabState(): LabState {
  return {
    config: defaultConfig(),
    backendChoice: 'auto',
    backend: null,
    status: 'idle',
    info: null,
    progress: {},
    prepared: null,
    history: [],
    pending: 0,
    error: null,
    notice: null,
    present: false,
  };
}

/** The store hook: `useLab(selector)` in components, `useLab.getState()` in actions. */
export const useLab = create<LabState>()(() => initialLabState());

/** Iterations completed so far (0 before the first step). */
export function lastIteration(history: readonly IterationResult[]): number {
  return history.length ? history[history.length - 1].iteration : 0;
}

/**
 * Appends an iteration unless it is already there. A step's reply and the engine's
 * `iteration` event may both carry the same result; the iteration number dedupes them.
 */
export function appendResult(history: IterationResult[], result: IterationResult): IterationResult[] {
  if (result.iteration <= lastIteration(history)) return history;
  // Samples and policy bars describe the latest iteration only: older copies would grow the history (and saved runs) for nothing.
  const last = history[history.length - 1];
  if (!last || (!last.samples && !last.bars)) return [...history, result];
  const { samples: _samples, bars: _bars, ...slim } = last;
  return [...history.slice(0, -1), slim, result];
}
