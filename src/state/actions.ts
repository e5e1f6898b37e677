/**
 * Lab actions: the only code that talks to the training engine. Components call these
 * module functions; the engine's replies and events write back into `useLab`.
 *
 * Requests are queued one after another (a config change must not overtake a step in
 * flight), except `pause`, which has to reach the engine while `play` is running.
 */
import { isCancelled } from '../core/cancel';
import { parseConfig, type Config, type ConfigInput } from '../core/config';
import { estimateCost, overBudget } from '../core/cost';
import { BACKEND_CHAIN, type BackendChoice, type BackendInfo, type BackendName, type ComparisonsFile, type EngineEvent, type LabEngine } from '../engine/protocol';
import { readBackendMemory, writeBackendMemory } from './backendMemory';
import { appendResult, lastIteration, useLab, withProgress } from './labStore';
import { damagedLinkMessage, readHash, readPresent, refusedLinkMessage, writeHash } from './url';

/** Makes the engine; tests pass an in-thread fake, the app spawns the worker. */
export type EngineFactory = () => LabEngine | Promise<LabEngine>;

let engine: LabEngine | null = null;
let unsubscribe: (() => void) | null = null;
let stopUrlSync: (() => void) | null = null;
let started: Promise<void> | null = null;
let tail: Promise<unknown> = Promise.resolve();
/**
 * The current run: bumped by every load, reset and backend switch and handed to the engine
 * with it, which stamps the run's events. Step replies and events of an older run are dropped,
 * so an iteration still in flight when the config changed never lands in the new run.
 */
let epoch = 0;
/** False once Pause is pressed, so a Play still waiting in the queue is not sent. */
let wantPlay = false;

const set = useLab.setState;
const get = useLab.getState;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Spawns the worker lazily: its module (and tfjs behind it) stays out of the first paint. */
async function workerEngine(): Promise<LabEngine> {
  const { WorkerEngineClient } = await import('../engine/client');
  return new WorkerEngineClient();
}

/** Queues an engine request; a failure becomes the alert text and resolves to undefined. */
function request<T>(what: string, fn: (engine: LabEngine) => Promise<T>): Promise<T | undefined> {
  set((s) => ({ pending: s.pending + 1 }));
  const run = async (): Promise<T | undefined> => {
    try {
      return engine ? await fn(engine) : undefined;
    } catch (error) {
      // A preparation cancelled by a newer request (Pause, Reset, new settings) is not a failure.
      if (!isCancelled(error)) set({ error: `${what} failed: ${messageOf(error)}` });
      return undefined;
    } finally {
      set((s) => ({ pending: s.pending - 1 }));
    }
  };
  const result = tail.then(run);
  tail = result;
  return result;
}

function onEvent(event: EngineEvent): void {
  if (event.type === 'crashed') {
    void recover(event.error.message);
    return;
  }
  if (event.type === 'backendLost') {
    void moveRun(event.backend, event.error.message);
    return;
  }
  // The engine's status is about the engine; everything else is about one run.
  if (event.type !== 'status' && event.run !== epoch) return;
  switch (event.type) {
    case 'status':
      set({ status: event.status });
      break;
    case 'progress':
      set((s) => ({ progress: withProgress(s.progress, event.progress, Date.now()) }));
      break;
    case 'prepared':
      set({ prepared: event.result });
      break;
    case 'iteration':
      set((s) => ({ history: appendResult(s.history, event.result) }));
      break;
    case 'error':
      set({ status: 'error', error: event.error.message });
      break;
  }
}

/** Forgets the current run's numbers and starts a new run id (the engine is told with the request that starts it). */
function clearRun(): number {
  epoch += 1;
  set({ history: [], progress: {}, prepared: null });
  return epoch;
}

/** Asks a playing or preparing engine to stop before a request that replaces its run. */
function stopPlaying(): void {
  wantPlay = false;
  // Also while preparing: the request that replaces the run waits in the queue behind the Step
  // that is preparing, and Pause (which skips the queue) cancels that preparation at once.
  const status = get().status;
  if (engine && (status === 'playing' || status === 'preparing')) {
    engine.pause().catch((error: unknown) => set({ error: `Pause failed: ${messageOf(error)}` }));
  }
}

/** Loads the store's config into the engine: a fresh run with no iterations. */
function loadCurrent(): Promise<unknown> {
  const config = get().config;
  const run = clearRun();
  set({ info: null });
  return request('Loading the experiment', async (e) => {
    const info = await e.load(config, run);
    // A newer config may be queued behind this one; only the latest one's facts count.
    if (get().config === config) set({ info, history: [], progress: {} });
  });
}

/** Keeps the hash equal to the config, and follows a link pasted into this tab. */
function startUrlSync(): () => void {
  const stopStore = useLab.subscribe((state, prev) => {
    if (state.config !== prev.config || state.present !== prev.present) writeHash(state.config, state.present);
  });
  const onHashChange = () => {
    const read = readHash(window.location.hash);
    if (read.kind === 'damaged') set({ error: damagedLinkMessage(read.reason, false) });
    if (read.kind === 'refused') set({ error: refusedLinkMessage(read.reason, false) });
    if (read.kind === 'config') replaceConfig(read.config);
  };
  window.addEventListener('hashchange', onHashChange);
  return () => {
    stopStore();
    window.removeEventListener('hashchange', onHashChange);
  };
}

/** Replacements after a crash; a worker that keeps crashing is not restarted forever. */
let recoveries = 0;
const MAX_RECOVERIES = 3;

/**
 * The worker crashed: a new engine takes its place on the same backend and the run restarts
 * from iteration 0 with the same config (same seed: Play reproduces the lost iterations).
 */
async function recover(reason: string): Promise<void> {
  wantPlay = false;
  unsubscribe?.();
  engine?.dispose();
  engine = null;
  unsubscribe = null;
  tail = Promise.resolve();
  if (!factory || ++recoveries > MAX_RECOVERIES) {
    set({ status: 'error', error: `${reason} It stopped ${MAX_RECOVERIES} times; reload the page to start again.` });
    return;
  }
  set({ status: 'error', error: `${reason} Starting a new one…` });
  try {
    engine = await factory();
  } catch (error) {
    set({ error: `${reason} A new one could not start: ${messageOf(error)}` });
    return;
  }
  unsubscribe = engine.subscribe(onEvent);
  const run = clearRun();
  const backend = await request('Restarting the backend', (e) => e.init(get().backendChoice, run, readBackendMemory().autoPick));
  if (!backend) return;
  set({ backend });
  await loadCurrent();
  set({ error: `${reason} A new training worker runs on ${backend.label}; the run restarted from iteration 0 (same seed: Step or Play reproduces it).` });
}

/**
 * The backend lost its GPU: the run moves to the next backend down the chain and is replayed
 * from its seed to the last finished iteration (the charts keep what they showed; later
 * iterations come from the new backend, whose numbers can differ in the last digits).
 */
async function moveRun(lost: BackendName, reason: string): Promise<void> {
  wantPlay = false;
  const next = BACKEND_CHAIN[Math.min(BACKEND_CHAIN.indexOf(lost) + 1, BACKEND_CHAIN.length - 1)];
  const k = lastIteration(get().history);
  // A new run id that keeps the history: replayed iterations are ones the history already has.
  epoch += 1;
  const run = epoch;
  set({ backend: null, error: `${reason} Moving the run to the next backend…` });
  const backend = await request('Moving to another backend', (e) => e.init(next, run));
  if (!backend) return;
  set({ backend });
  const config = get().config;
  const info = await request('Reloading the experiment', (e) => e.load(config, run));
  if (!info || run !== epoch) return;
  set({ info });
  for (let i = 0; i < k; i++) {
    if (!(await request('Replaying the run', (e) => e.step())) || run !== epoch) return;
  }
  set({ error: `${reason} The run moved to ${backend.label} and was replayed from its seed to iteration ${k}; iterations from here on run on ${backend.label}.` });
}

let factory: EngineFactory | null = null;

async function start(createEngine: EngineFactory): Promise<void> {
  factory = createEngine;
  recoveries = 0;
  if (typeof window !== 'undefined') {
    const read = readHash(window.location.hash);
    if (read.kind === 'config') set({ config: read.config });
    set({ present: readPresent(window.location.hash) });
    if (read.kind === 'refused') set({ error: refusedLinkMessage(read.reason, true) });
    if (read.kind === 'damaged') set({ error: damagedLinkMessage(read.reason, true) });
    // A damaged or refused link stays in the address bar, to be read or fixed; the first change of settings replaces it.
    if (read.kind === 'config' || read.kind === 'none') writeHash(get().config, get().present);
    stopUrlSync = startUrlSync();
  }
  try {
    engine = await createEngine();
  } catch (error) {
    set({ status: 'error', error: `The training engine could not start: ${messageOf(error)}` });
    return;
  }
  unsubscribe = engine.subscribe(onEvent);
  const memory = readBackendMemory();
  set({ backendChoice: memory.choice });
  const backend = await request('Starting the backend', (e) => e.init(memory.choice, epoch, memory.choice === 'auto' ? memory.autoPick : undefined));
  if (!backend) return;
  rememberBackend(backend);
  set({ backend });
  await loadCurrent();
}

/**
 * Starts the lab once: reads a shared config from the hash (a damaged link leaves the
 * defaults and an alert), creates the engine, initialises the chosen backend and loads.
 */
export function initLab(createEngine: EngineFactory = workerEngine): Promise<void> {
  started ??= start(createEngine);
  return started;
}

/** Stops the engine and URL sync and returns the store to its first state (tests, HMR). */
export function disposeLab(): void {
  stopUrlSync?.();
  unsubscribe?.();
  engine?.dispose();
  engine = null;
  unsubscribe = null;
  stopUrlSync = null;
  started = null;
  tail = Promise.resolve();
  wantPlay = false;
  factory = null;
}

function replaceConfig(next: Config): void {
  if (JSON.stringify(next) === JSON.stringify(get().config)) return;
  stopPlaying();
  set({ config: next, notice: 'Settings changed: the run restarted from iteration 0.' });
  void loadCurrent();
}

/**
 * Changes top-level config fields (pass whole sub-objects, e.g. `{ method: { ...method, beta } }`).
 * Validated by `parseConfig`: on invalid input the previous config stays and the alert says
 * why. A valid change restarts the run. Returns whether the change was accepted.
 */
export function setConfig(patch: Partial<ConfigInput>): boolean {
  let next: Config;
  try {
    next = parseConfig({ ...get().config, ...patch });
  } catch (error) {
    set({ error: `That setting was not applied: ${messageOf(error)}` });
    return false;
  }
  const refusal = overBudget(estimateCost(next));
  if (refusal) {
    set({ error: `That setting was not applied: ${refusal}` });
    return false;
  }
  set({ error: null });
  replaceConfig(next);
  return true;
}

/** The run's labelled comparisons from the engine (which prepares first if needed); undefined on failure (the alert says why). */
export function requestComparisons(format: 'csv' | 'jsonl'): Promise<ComparisonsFile | undefined> {
  return request('Exporting the comparisons', (e) => e.comparisons(format));
}

/** Runs one iteration (the engine prepares SFT and the reward model first if needed). */
export async function step(): Promise<void> {
  const mine = epoch;
  // "The run restarted" is news until the new run takes its first step.
  set({ notice: null });
  const result = await request('Step', (e) => e.step());
  if (result && mine === epoch) set((s) => ({ history: appendResult(s.history, result) }));
}

/**
 * Runs iterations until paused or finished; they arrive as `iteration` events.
 * @param delayMs pause between iterations (the speed control's slow motion); 0 by default.
 */
export function play(delayMs = 0): void {
  wantPlay = true;
  set({ notice: null });
  void request('Play', async (e) => {
    if (!wantPlay) return;
    // Not awaited: the queue must stay free while the engine plays, and Pause bypasses it.
    e.play(delayMs).catch((error: unknown) => set({ error: `Play failed: ${messageOf(error)}` }));
  });
}

/** Stops playing after the iteration in progress. */
export async function pause(): Promise<void> {
  wantPlay = false;
  if (!engine) return;
  try {
    await engine.pause();
  } catch (error) {
    set({ error: `Pause failed: ${messageOf(error)}` });
  }
}

/** Drops the trained state and the charts; the config stays. */
export async function reset(): Promise<void> {
  stopPlaying();
  const run = clearRun();
  set({ notice: null });
  await request('Reset', async (e) => {
    await e.reset(run);
    set({ history: [], progress: {} });
  });
}

/** Re-initialises the engine on another backend and reloads the config there. */
export async function setBackend(choice: BackendChoice): Promise<void> {
  if (choice === get().backendChoice && get().backend) return;
  stopPlaying();
  const run = clearRun();
  set({ backendChoice: choice, backend: null, notice: null });
  // Choosing Auto in the menu measures anew.
  const backend = await request('Switching the backend', (e) => e.init(choice, run));
  if (!backend) return;
  rememberBackend(backend);
  set({ backend });
  await loadCurrent();
}

/** Remembers the menu's choice, and Auto's pick when it was measured, for the next visit. */
function rememberBackend(info: BackendInfo): void {
  const previous = readBackendMemory();
  const autoPick = info.requested === 'auto' ? (info.measured === false ? previous.autoPick : info.name) : previous.autoPick;
  writeBackendMemory({ choice: info.requested, ...(autoPick ? { autoPick } : {}) });
}

/** Presentation mode on or off (larger type and thicker lines for a projector; kept in the link). */
export function setPresent(on: boolean): void {
  set({ present: on });
}

/** Hides the alert. */
export function dismissError(): void {
  set({ error: null });
}

/** Shows a message in the alert (e.g. a form field that is not a number). */
export function showError(message: string): void {
  set({ error: message });
}
