/**
 * The one typed protocol between the UI thread and the training worker.
 * Requests carry an id; the worker answers each with exactly one reply of the same id.
 * Events flow from the worker unprompted (progress, iterations, status).
 * `ReplyMap` ties each request type to its reply payload so the client needs no casts.
 */
import type { Config } from '../core/config';
import type { ExperimentInfo, IterationResult, PrepareProgress, PrepareResult, RunSummary } from '../core/types';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';
export const BACKEND_CHAIN: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendInfo {
  requested: BackendChoice;
  name: BackendName;
  /** For the badge, e.g. "WebGPU · swiftshader (software)". */
  label: string;
  adapter?: { vendor: string; architecture: string; description: string; isFallback: boolean };
  /** Why the preferred backends were skipped, e.g. "WebGPU unavailable: navigator.gpu is undefined". Empty when none were. */
  fallbackReasons: string[];
  /** One sentence: what was chosen and why, e.g. "Auto: WASM, measured fastest here (…)". */
  why?: string;
  /** Auto only: true when the choice came from calibrating several backends just now. */
  measured?: boolean;
}

export type EngineStatus = 'idle' | 'preparing' | 'ready' | 'playing' | 'done' | 'error';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export type Request =
  | { type: 'init'; backend: BackendChoice; run?: number; remembered?: BackendName }
  | { type: 'load'; config: Config; run?: number }
  | { type: 'prepare' }
  | { type: 'step' }
  | { type: 'play'; delayMs?: number }
  | { type: 'pause' }
  | { type: 'reset'; run?: number }
  | { type: 'summary' }
  | { type: 'comparisons'; format: 'csv' | 'jsonl' };

export interface ReplyMap {
  init: BackendInfo;
  load: ExperimentInfo;
  prepare: PrepareResult;
  step: IterationResult;
  play: null;
  pause: null;
  reset: null;
  summary: RunSummary;
  comparisons: ComparisonsFile;
}

/** The run's labelled comparisons as a file: prompt, chosen, rejected, annotator. */
export interface ComparisonsFile {
  text: string;
  rows: number;
}

export type RequestType = Request['type'];
export type RequestOf<K extends RequestType> = Extract<Request, { type: K }>;

/**
 * Events carry the run that produced them: the number the page gave with the `load`, `reset`
 * or `init` that started the run. The page drops events of a run it has replaced (an
 * iteration still in flight when the config changed must not land in the new run's charts).
 * `status` describes the engine, not a run, and always applies.
 */
export type EngineEvent = { run: number } & EngineEventBody;

/** What an event says, before the engine stamps it with its run. */
export type EngineEventBody =
  | { type: 'status'; status: EngineStatus }
  | { type: 'progress'; progress: PrepareProgress }
  /** Preparation finished: judges' accuracy, a sample of comparisons, frontier and Nash. */
  | { type: 'prepared'; result: PrepareResult }
  | { type: 'iteration'; result: IterationResult }
  | { type: 'error'; error: SerializedError }
  /** The GPU under the backend is gone (WebGPU device lost, WebGL context lost): the run must move to another backend. */
  | { type: 'backendLost'; backend: BackendName; error: SerializedError }
  /** The worker itself stopped (it crashed, or a message could not be read): this engine answers nothing more. */
  | { type: 'crashed'; error: SerializedError };

/** Messages on the wire. */
export type ToWorker = { id: number; request: Request };
export type FromWorker =
  | { kind: 'reply'; id: number; ok: true; type: RequestType; value: ReplyMap[RequestType] }
  | { kind: 'reply'; id: number; ok: false; error: SerializedError }
  | { kind: 'event'; event: EngineEvent };

/**
 * The engine interface: implemented in-thread by `LocalEngine` (Node, CLI, tests) and by
 * `WorkerEngineClient` (browser), so the UI never knows where training runs.
 */
export interface LabEngine {
  /**
   * Starts a backend (cancelling a preparation in progress); `run` tags the events of the
   * rebuilt experiment. For 'auto', `remembered` is an earlier measured pick to reuse.
   */
  init(backend: BackendChoice, run?: number, remembered?: BackendName): Promise<BackendInfo>;
  /** Builds the experiment (models, data) for a config as run `run`; does not train yet. Cancels a preparation in progress. */
  load(config: Config, run?: number): Promise<ExperimentInfo>;
  /** Runs SFT, the comparisons and the judges (or reuses a cached preparation), emitting `progress` events. */
  prepare(): Promise<PrepareResult>;
  /** One iteration (prepares first if needed). */
  step(): Promise<IterationResult>;
  /** Runs iterations until paused or `config.iterations` is reached, emitting `iteration` events. */
  play(delayMs?: number): Promise<null>;
  /** Stops play after the iteration in flight, and cancels a preparation in progress. */
  pause(): Promise<null>;
  /** Drops the trained state (cancelling a preparation in progress) as run `run`; the loaded config stays. */
  reset(run?: number): Promise<null>;
  summary(): Promise<RunSummary>;
  /** The first run's labelled comparisons (preparing first if needed) as CSV or JSON lines. */
  comparisons(format: 'csv' | 'jsonl'): Promise<ComparisonsFile>;
  subscribe(listener: (event: EngineEvent) => void): () => void;
  dispose(): void;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}
