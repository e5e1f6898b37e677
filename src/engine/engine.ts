/**
 * The in-thread engine: owns the experiment (and with it every tensor) and runs the loop.
 * The worker serves it to the page (serve.ts); the CLI, bench and tests use it directly.
 *
 * Operations that touch the experiment run one at a time through a queue, so a Step, a
 * Reset or a new config arriving while Play runs waits for the iteration in flight instead
 * of disposing tensors under it. Pause bypasses the queue: it only raises a flag. Pause,
 * Reset, a new config and a backend switch first cancel a preparation in progress, which
 * stops within one optimiser step. Preparations are cached (PreparationCache), so a change that
 * does not touch what preparation depends on (method, β, iterations) starts at once.
 */
import { isCancelled } from '../core/cancel';
import { ConfigError, type Config } from '../core/config';
import { toComparisonsCsv, toComparisonsJsonl } from '../core/comparisons_file';
import { estimateCost, overBudget } from '../core/cost';
import { createExperiment } from '../core/experiment';
import type { PreparationSource } from '../core/preparation/shared';
import type { Experiment, ExperimentInfo, IterationResult, PrepareProgress, PrepareResult, RunSummary } from '../core/types';
import { selectBackend, type EngineEnv } from './backend';
import { watchDevice, type DeviceWatcher } from './device_loss';
import { PreparationCache } from './preparation_cache';
import { openPreparationStore, type PreparationStore } from './preparation_store';
import { serializeError, type BackendChoice, type BackendInfo, type BackendName, type ComparisonsFile, type EngineEvent, type EngineEventBody, type EngineStatus, type LabEngine } from './protocol';

export interface LocalEngineOptions {
  /** Default 'node' outside a browser-like global scope. */
  env?: EngineEnv;
  /** Injected by tests to drive the engine with a scripted experiment; `preparations` is the engine's cache. */
  createExperiment?: (config: Config, preparations: PreparationSource) => Experiment;
  /** Minimum gap between two progress events of one stage (the last one is always sent). */
  progressIntervalMs?: number;
  /** Where preparations persist across page loads; default IndexedDB where there is one, null for none. */
  preparationStore?: PreparationStore | null;
  /** Load experiments estimated over the memory and compute budget (the CLI's --allow-large); refused otherwise. */
  allowLarge?: boolean;
  /** Watches the backend's GPU for loss (tests inject a fake device). */
  watchDevice?: DeviceWatcher;
}

/** The status an iteration leaves behind when nothing went wrong. */
type Resting = 'ready' | 'playing';

/** `LabEngine` running in the current thread. */
export class LocalEngine implements LabEngine {
  private readonly env: EngineEnv;
  private readonly build: (config: Config, preparations: PreparationSource) => Experiment;
  private readonly preparations: PreparationCache;
  /** Whether the current experiment's preparation came from the cache (memory or the persistent store). */
  private reused = false;
  /** The run the current experiment belongs to (given by the page), stamped on its events. */
  private run = 0;
  /** Aborts the preparation in progress, if any. */
  private preparation: AbortController | null = null;
  private readonly progressIntervalMs: number;
  private readonly allowLarge: boolean;
  private readonly watch: DeviceWatcher;
  private stopWatching = (): void => {};
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private status: EngineStatus = 'idle';
  private config: Config | null = null;
  private experiment: Experiment | null = null;
  /** The current experiment's preparation, started once. */
  private prepared: Promise<PrepareResult> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private playing: Promise<null> | null = null;
  private stopRequested = false;

  constructor(options: LocalEngineOptions = {}) {
    this.env = options.env ?? ('document' in globalThis || 'WorkerGlobalScope' in globalThis ? 'browser' : 'node');
    this.build = options.createExperiment ?? ((config, preparations) => createExperiment(config, { preparations }));
    this.progressIntervalMs = options.progressIntervalMs ?? 250;
    this.allowLarge = options.allowLarge ?? false;
    this.watch = options.watchDevice ?? watchDevice;
    this.preparations = new PreparationCache(options.preparationStore === undefined ? openPreparationStore() : options.preparationStore);
  }

  /** Starts a backend. The old experiment's (and cached preparations') tensors belong to the old backend, so it is rebuilt. */
  async init(backend: BackendChoice, run?: number, remembered?: BackendName): Promise<BackendInfo> {
    this.cancelPreparation();
    await this.stopPlaying();
    return this.exclusive(async () => {
      this.dropExperiment();
      this.preparations.clear();
      this.run = run ?? this.run + 1;
      // Switching on purpose disposes the old backend's device: not a loss.
      this.stopWatching();
      const info = await selectBackend(backend, this.env, remembered);
      this.stopWatching = this.watch(info.name, {
        lost: (reason) => this.deviceLost(info, reason),
        error: (message) => this.emit({ type: 'error', error: { name: 'DeviceError', message: `${info.label} reported an error: ${message}` } }),
      });
      this.preparations.backend = info.name;
      if (this.config) this.experiment = this.make(this.config);
      this.setStatus(this.experiment ? 'ready' : 'idle');
      return info;
    });
  }

  async load(config: Config, run?: number): Promise<ExperimentInfo> {
    const refusal = this.allowLarge ? null : overBudget(estimateCost(config));
    if (refusal) throw new ConfigError(refusal);
    this.cancelPreparation();
    await this.stopPlaying();
    return this.exclusive(async () => {
      this.dropExperiment();
      this.run = run ?? this.run + 1;
      this.config = config;
      this.experiment = this.make(config);
      this.setStatus('ready');
      return this.experiment.info;
    });
  }

  async prepare(): Promise<PrepareResult> {
    return this.exclusive(() => this.prepareOnce('ready'));
  }

  /** One iteration; rejects once `config.iterations` is reached. */
  async step(): Promise<IterationResult> {
    return this.exclusive(() => this.iterate(this.playing ? 'playing' : 'ready'));
  }

  /**
   * Steps until paused, finished or failed; every iteration arrives as an event. Resolves
   * when the loop stops: a failure is reported as an `error` event (status 'error'), not a
   * rejection, since the page learns about play's iterations from events anyway.
   */
  async play(delayMs = 0): Promise<null> {
    if (this.playing) return this.playing;
    const experiment = this.current();
    if (this.finished(experiment)) throw this.finishedError();
    this.stopRequested = false;
    this.playing = this.loop(delayMs).finally(() => (this.playing = null));
    return this.playing;
  }

  /** Stops play after the iteration in flight and cancels a preparation; resolves once the loop has stopped. */
  async pause(): Promise<null> {
    this.cancelPreparation();
    await this.stopPlaying();
    return null;
  }

  /** A fresh experiment from the loaded config at iteration 0 (its preparation comes from the cache). */
  async reset(run?: number): Promise<null> {
    this.cancelPreparation();
    await this.stopPlaying();
    return this.exclusive(async () => {
      if (!this.config) throw new Error('Nothing to reset: load a config first.');
      this.dropExperiment();
      this.run = run ?? this.run + 1;
      this.experiment = this.make(this.config);
      this.setStatus('ready');
      return null;
    });
  }

  async summary(): Promise<RunSummary> {
    return this.exclusive(() => this.current().summary());
  }

  async comparisons(format: 'csv' | 'jsonl'): Promise<ComparisonsFile> {
    return this.exclusive(async () => {
      const rows = await this.current().comparisons();
      return { text: format === 'csv' ? toComparisonsCsv(rows) : toComparisonsJsonl(rows), rows: rows.length };
    });
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops play and frees the experiment and the cache once the operation in flight has finished. */
  dispose(): void {
    this.stopWatching();
    this.cancelPreparation();
    this.stopRequested = true;
    this.listeners.clear();
    void this.exclusive(async () => {
      this.dropExperiment();
      this.preparations.clear();
    });
  }

  /** Keys of the cached preparations (for tests). */
  cachedPreparations(): string[] {
    return this.preparations.keys();
  }

  private make(config: Config): Experiment {
    const preparations: PreparationSource = async (c, onProgress, signal) => {
      const { preparation, origin } = await this.preparations.get(c, onProgress, signal);
      this.reused = origin !== 'prepared';
      return preparation;
    };
    return this.build(config, preparations);
  }

  private cancelPreparation(): void {
    this.preparation?.abort();
    this.preparation = null;
  }

  /** Runs `task` after every queued operation; a failure does not block the queue. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async loop(delayMs: number): Promise<null> {
    this.setStatus('playing');
    try {
      while (!this.stopRequested) {
        const result = await this.exclusive(async () => (this.finished(this.current()) ? null : this.iterate('playing')));
        if (!result) {
          // A Step queued during play took the last iteration.
          this.setStatus('done');
          return null;
        }
        if (this.status === 'done') return null;
        // A macrotask, not a microtask: lets the worker receive a 'pause' message.
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
      this.setStatus('ready');
    } catch (error) {
      if (isCancelled(error)) {
        // Paused, reset or replaced during preparation: a stop on request, not a failure.
        if (this.status !== 'error') this.setStatus('ready');
        return null;
      }
      this.emit({ type: 'error', error: serializeError(error) });
      this.setStatus('error');
    }
    return null;
  }

  private async stopPlaying(): Promise<void> {
    if (!this.playing) return;
    this.stopRequested = true;
    await this.playing;
  }

  /** Prepares (once per experiment), then one iteration, announced as an event. */
  private async iterate(resting: Resting): Promise<IterationResult> {
    const experiment = this.current();
    const run = this.run;
    if (this.finished(experiment)) throw this.finishedError();
    await this.prepareOnce(resting);
    let result: IterationResult;
    try {
      result = await experiment.step();
    } catch (error) {
      // The experiment undid the iteration (a DivergenceError says what blew up): it keeps its last good state.
      this.setStatus('error');
      throw error;
    }
    this.emit({ type: 'iteration', result }, run);
    this.setStatus(this.finished(experiment) ? 'done' : resting);
    return result;
  }

  private async prepareOnce(resting: Resting): Promise<PrepareResult> {
    const experiment = this.current();
    const run = this.run;
    if (!this.prepared) {
      this.setStatus('preparing');
      const controller = new AbortController();
      this.preparation = controller;
      this.reused = false;
      const progress = new ProgressThrottle((p) => this.emit({ type: 'progress', progress: p }, run), this.progressIntervalMs);
      this.prepared = experiment
        .prepare((p) => progress.push(p), controller.signal)
        .finally(() => {
          progress.flush();
          if (this.preparation === controller) this.preparation = null;
        })
        .then((prepared) => {
          const result = { ...prepared, reused: this.reused };
          if (this.experiment === experiment) this.emit({ type: 'prepared', result }, run);
          return result;
        });
      // A failed or cancelled preparation may be retried by the next request.
      this.prepared.catch(() => {
        if (this.experiment === experiment) this.prepared = null;
      });
    }
    try {
      const result = await this.prepared;
      if (this.status === 'preparing') this.setStatus(resting);
      return result;
    } catch (error) {
      this.setStatus(isCancelled(error) ? 'ready' : 'error');
      throw error;
    }
  }

  /** The GPU is gone: every tensor on it with it. Stop, and tell the page, which moves the run to the next backend. */
  private deviceLost(info: BackendInfo, reason: string): void {
    this.stopWatching();
    this.stopRequested = true;
    this.cancelPreparation();
    this.setStatus('error');
    this.emit({ type: 'backendLost', backend: info.name, error: { name: 'DeviceLost', message: `${info.label}: ${reason}.` } });
  }

  private current(): Experiment {
    if (!this.experiment) throw new Error('No experiment is loaded: call load(config) first.');
    return this.experiment;
  }

  private finished(experiment: Experiment): boolean {
    return experiment.iteration >= experiment.info.config.iterations;
  }

  private finishedError(): Error {
    const n = this.config?.iterations ?? 0;
    return new Error(`The run is finished (${n} iterations): reset it, or raise "iterations" to go on.`);
  }

  private dropExperiment(): void {
    this.experiment?.dispose();
    this.experiment = null;
    this.prepared = null;
  }

  private setStatus(status: EngineStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.emit({ type: 'status', status });
  }

  /** Sends `event` stamped with `run` (by default the current one). */
  private emit(body: EngineEventBody, run = this.run): void {
    const event: EngineEvent = { ...body, run };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken subscriber must not stop training.
        console.error('Engine event listener failed:', error);
      }
    }
  }
}

/**
 * Passes progress on at most once per interval per stage; the last report of a stage is
 * held back and flushed, so the bar always ends at 100%.
 */
class ProgressThrottle {
  private last = -Infinity;
  private pending: PrepareProgress | null = null;

  constructor(
    private readonly send: (progress: PrepareProgress) => void,
    private readonly intervalMs: number,
  ) {}

  push(progress: PrepareProgress): void {
    if (this.pending && this.pending.stage !== progress.stage) this.flush();
    const now = performance.now();
    if (progress.step >= progress.total || now - this.last >= this.intervalMs) {
      this.pending = null;
      this.last = now;
      this.send(progress);
    } else {
      this.pending = progress;
    }
  }

  flush(): void {
    if (!this.pending) return;
    this.send(this.pending);
    this.pending = null;
    this.last = performance.now();
  }
}
