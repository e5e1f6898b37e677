/**
 * The page's side of the worker: implements `LabEngine` by sending typed requests and
 * matching replies by id, so the UI cannot tell it from the in-thread `LocalEngine`.
 */
import type { Config } from '../core/config';
import type { ExperimentInfo, IterationResult, PrepareResult, RunSummary } from '../core/types';
import type { BackendChoice, BackendInfo, BackendName, ComparisonsFile, EngineEvent, FromWorker, LabEngine, ReplyMap, RequestOf, RequestType, SerializedError, ToWorker } from './protocol';
import type { PortLike } from './serve';

/** A port that can also be shut down and report that the worker failed to start or crashed. */
export interface WorkerPort extends PortLike<FromWorker, ToWorker> {
  terminate?(): void;
  onerror?: ((event: ErrorEvent) => void) | null;
  onmessageerror?: ((event: MessageEvent) => void) | null;
}

interface Pending {
  type: RequestType;
  resolve(value: ReplyMap[RequestType]): void;
  reject(error: Error): void;
}

/** Rebuilds the worker's error on this side: same name and message, the worker's stack. */
export function deserializeError(error: SerializedError): Error {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  if (error.stack) rebuilt.stack = error.stack;
  return rebuilt;
}

/** `LabEngine` proxy for an engine served in a Web Worker (or any injected port). */
export class WorkerEngineClient implements LabEngine {
  private readonly port: WorkerPort;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private nextId = 1;
  private disposed = false;
  /** Why the worker stopped, once it has: every later request fails with it at once. */
  private dead: Error | null = null;

  /** Without a port, spawns `train.worker.ts` as a module worker. */
  constructor(port?: WorkerPort) {
    this.port = port ?? new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'alignment-lab-training' });
    this.port.addEventListener('message', this.onMessage);
    // A worker that fails to load or crashes never answers: fail what waits instead of hanging.
    this.port.onerror = (event) => this.crash(`The training worker stopped: ${event.message || 'it crashed or could not start'}.`);
    this.port.onmessageerror = () => this.crash('The training worker stopped: a message from it could not be read.');
  }

  init(backend: BackendChoice, run?: number, remembered?: BackendName): Promise<BackendInfo> {
    return this.call({ type: 'init', backend, run, remembered });
  }
  load(config: Config, run?: number): Promise<ExperimentInfo> {
    return this.call({ type: 'load', config, run });
  }
  prepare(): Promise<PrepareResult> {
    return this.call({ type: 'prepare' });
  }
  step(): Promise<IterationResult> {
    return this.call({ type: 'step' });
  }
  play(delayMs?: number): Promise<null> {
    return this.call({ type: 'play', delayMs });
  }
  pause(): Promise<null> {
    return this.call({ type: 'pause' });
  }
  reset(run?: number): Promise<null> {
    return this.call({ type: 'reset', run });
  }
  summary(): Promise<RunSummary> {
    return this.call({ type: 'summary' });
  }
  comparisons(format: 'csv' | 'jsonl'): Promise<ComparisonsFile> {
    return this.call({ type: 'comparisons', format });
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Terminates the worker; requests still waiting reject. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.port.removeEventListener('message', this.onMessage);
    this.port.terminate?.();
    this.failAll(new Error('The engine was disposed.'));
    this.listeners.clear();
  }

  private call<K extends RequestType>(request: RequestOf<K>): Promise<ReplyMap[K]> {
    if (this.disposed) return Promise.reject(new Error('The engine was disposed.'));
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<ReplyMap[K]>((resolve, reject) => {
      // The one unavoidable widening: the map holds resolvers of every reply type, and the
      // reply's `type` is checked against the request's before this resolver is called.
      const entry: Pending = { type: request.type, resolve: resolve as (value: ReplyMap[RequestType]) => void, reject };
      this.pending.set(id, entry);
      const message: ToWorker = { id, request };
      try {
        this.port.postMessage(message);
      } catch (error) {
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private readonly onMessage = ({ data }: { data: FromWorker }): void => {
    if (data.kind === 'event') {
      for (const listener of this.listeners) listener(data.event);
      return;
    }
    const entry = this.pending.get(data.id);
    if (!entry) return;
    this.pending.delete(data.id);
    if (!data.ok) entry.reject(deserializeError(data.error));
    else if (data.type !== entry.type) entry.reject(new Error(`Protocol error: a '${data.type}' reply answered a '${entry.type}' request.`));
    else entry.resolve(data.value);
  };

  /** Marks the worker dead: what waits fails, the worker is shut, subscribers hear 'crashed' (the page replaces the engine). */
  private crash(message: string): void {
    if (this.dead || this.disposed) return;
    this.dead = new Error(message);
    this.dead.name = 'WorkerCrash';
    this.failAll(this.dead);
    this.port.terminate?.();
    const event: EngineEvent = { type: 'crashed', run: 0, error: { name: this.dead.name, message } };
    for (const listener of this.listeners) listener(event);
  }

  private failAll(error: Error): void {
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }
}
