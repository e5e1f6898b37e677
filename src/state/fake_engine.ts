/**
 * The state tests' one fake engine: in-thread, instant, and recording what the store asks of
 * it. Test-only (nothing in the app imports it). Each iteration reports `reward/proxy` =
 * iteration / 10 and, when given, one narrated report per stage.
 */
import { populationOf, type Config } from '../core/config';
import type { ExperimentInfo, IterationResult } from '../core/types';
import type { BackendChoice, BackendInfo, BackendName, ComparisonsFile, EngineEvent, EngineEventBody, LabEngine } from '../engine/protocol';

export interface FakeEngineOptions {
  /** The stages each iteration reports (`<stage> of <iteration>`, `ms` = index + 1). */
  stages?: readonly string[];
  /** Iterations `play()` emits by itself (until paused); 0: the test drives them with `playOne()`. */
  autoPlay?: number;
}

/** One iteration's result as the fake reports it. */
export function fakeResult(iteration: number, stages: readonly string[] = []): IterationResult {
  return {
    iteration,
    members: [{ 'reward/proxy': iteration / 10 }],
    stages: stages.map((name, i) => ({ name, narration: `${name} of ${iteration}`, ms: i + 1 })),
    readbacks: 1,
  };
}

export class FakeEngine implements LabEngine {
  /** Every request in order: `init:<choice>`, `load`, `step`, `play`, `pause`, `reset`, `dispose`. */
  calls: string[] = [];
  loaded: Config | null = null;
  iteration = 0;
  /** The `delayMs` of each `play()`. */
  playDelays: (number | undefined)[] = [];
  private readonly stages: readonly string[];
  private readonly autoPlay: number;
  private listeners = new Set<(event: EngineEvent) => void>();
  private playing = false;

  constructor(options: FakeEngineOptions = {}) {
    this.stages = options.stages ?? [];
    this.autoPlay = options.autoPlay ?? 3;
  }

  /** The run given with the last load, reset or init, stamped on every event (as the real engine does). */
  run = 0;

  /** Sends an event of run `run` (default: the current one); tests send stale runs' events this way. */
  emit(body: EngineEventBody, run = this.run): void {
    for (const listener of this.listeners) listener({ ...body, run });
  }

  private next(): IterationResult {
    this.iteration += 1;
    return fakeResult(this.iteration, this.stages);
  }

  async init(backend: BackendChoice, run?: number, remembered?: BackendName): Promise<BackendInfo> {
    this.calls.push(`init:${backend}${remembered ? `(${remembered})` : ''}`);
    this.run = run ?? this.run + 1;
    const name = backend === 'auto' ? 'webgpu' : backend;
    return { requested: backend, name, label: name.toUpperCase(), fallbackReasons: [] };
  }

  async load(config: Config, run?: number): Promise<ExperimentInfo> {
    this.calls.push('load');
    this.run = run ?? this.run + 1;
    this.loaded = config;
    this.iteration = 0;
    this.emit({ type: 'status', status: 'idle' });
    return {
      config,
      members: populationOf(config),
      task: { id: 'bandit', title: 'Bandit', summary: '', tryThis: '', enumerable: true, policy: 'tabular' },
      stages: [...this.stages],
    };
  }

  async prepare(): Promise<never> {
    throw new Error('not used');
  }

  async step(): Promise<IterationResult> {
    this.calls.push('step');
    if (this.iteration === 0) {
      const judge = { 'rm/accuracy': 0.7 };
      this.emit({ type: 'prepared', result: { sft: [], rewardModel: [judge], preferenceModel: [judge], comparisons: [], frontier: null, nash: null } });
    }
    const result = this.next();
    // The real engine may also announce steps as events: the store must not count them twice.
    this.emit({ type: 'iteration', result });
    return result;
  }

  async play(delayMs?: number): Promise<null> {
    this.calls.push('play');
    this.playDelays.push(delayMs);
    this.playing = true;
    this.emit({ type: 'status', status: 'playing' });
    for (let i = 0; i < this.autoPlay && this.playing; i++) {
      this.emit({ type: 'iteration', result: this.next() });
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return null;
  }

  /** One iteration of a play loop, driven by the test (`autoPlay: 0`). */
  playOne(): void {
    this.emit({ type: 'iteration', result: this.next() });
  }

  async pause(): Promise<null> {
    this.calls.push('pause');
    this.playing = false;
    this.emit({ type: 'status', status: 'ready' });
    return null;
  }

  async reset(run?: number): Promise<null> {
    this.calls.push('reset');
    this.run = run ?? this.run + 1;
    this.iteration = 0;
    return null;
  }

  async summary(): Promise<never> {
    throw new Error('not used');
  }

  async comparisons(format: 'csv' | 'jsonl'): Promise<ComparisonsFile> {
    this.calls.push(`comparisons ${format}`);
    return { text: format === 'csv' ? 'prompt,chosen,rejected,annotator\nHi,Hello,Bye,careful\n' : '{"prompt":"Hi","chosen":"Hello","rejected":"Bye","annotator":"careful"}\n', rows: 1 };
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.calls.push('dispose');
  }
}
