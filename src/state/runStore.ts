/**
 * Saved runs: the history list, the runs picked for comparison, and the recorder that keeps
 * the lab's current run in IndexedDB as its iterations arrive.
 *
 * Recording follows the lab store: the first iteration of an experiment creates a run record;
 * each later iteration rewrites it (writes are coalesced: one in flight, at most one queued,
 * so a fast Play costs a write per settled batch, and a reload loses no finished iteration
 * that had time to reach the database). A config change, Reset or backend switch clears the
 * lab's history, and the next iteration starts a new record.
 */
import { create } from 'zustand';
import { setConfig, showError } from './actions';
import { useLab, type LabState } from './labStore';
import { deleteRun as dbDelete, hasIndexedDb, listRuns, putRun } from './runDb';
import { cleanName, defaultRunName, fileStem, parseRunFile, RunFileError, toMetricsCsv, toRunFile, type SavedRun } from './runFile';

export interface RunsState {
  /** Newest first. */
  runs: SavedRun[];
  /** False until the database has been read (or found missing). */
  loaded: boolean;
  /** Run ids ticked "Compare", in the order they were ticked. */
  compared: string[];
  /** Compared runs whose lines are switched off. */
  hidden: string[];
  /** The last run deleted, for Undo. */
  lastDeleted: SavedRun | null;
  /** A quiet status line for the history panel (plain text). */
  message: string | null;
  /** The id of the run the lab is recording now, if any. */
  recording: string | null;
  /** True while changes are being written (the panel says "saving…" until they are safe). */
  saving: boolean;
}

/** The saved-runs store (`useRuns(selector)` in components). */
export const useRuns = create<RunsState>()(() => ({ runs: [], loaded: false, compared: [], hidden: [], lastDeleted: null, message: null, recording: null, saving: false }));

const set = useRuns.setState;
const get = useRuns.getState;

/**
 * The id of the run being recorded; null before the experiment's first iteration;
 * DISCARDED when that run was deleted (it is not recreated until a new experiment starts).
 */
let currentId: string | null = null;
const DISCARDED = '\u0000discarded';
let saving = false;
/** Run ids with changes not yet written. */
const unsaved = new Set<string>();
let stopRecording: (() => void) | null = null;

/** Moves the recorder to another run (or none), and tells the panel. */
function record(id: string | null): void {
  currentId = id;
  const shown = id === DISCARDED ? null : id;
  if (get().recording !== shown) set({ recording: shown });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function newId(): string {
  return globalThis.crypto.randomUUID();
}

function replaceRun(run: SavedRun): void {
  set((s) => ({ runs: s.runs.some((r) => r.id === run.id) ? s.runs.map((r) => (r.id === run.id ? run : r)) : [run, ...s.runs] }));
}

/**
 * Writes a run's latest state. Calls during a write are coalesced: the ids are queued and
 * written once each after it, so a run that stopped being current still gets its last write.
 */
async function save(id: string): Promise<void> {
  unsaved.add(id);
  if (saving) return;
  saving = true;
  set({ saving: true });
  try {
    while (unsaved.size) {
      const [next] = unsaved;
      unsaved.delete(next);
      const run = get().runs.find((r) => r.id === next);
      if (run) await putRun(run);
    }
  } catch (error) {
    unsaved.clear();
    set({ message: `This run could not be saved in the browser: ${messageOf(error)}` });
  } finally {
    saving = false;
    set({ saving: false });
  }
}

function onLabChange(state: LabState, prev: LabState): void {
  if (state.config !== prev.config || (state.history.length === 0 && prev.history.length > 0)) record(null);
  if (state.history === prev.history || state.history.length === 0 || currentId === DISCARDED) return;
  const now = Date.now();
  const existing = get().runs.find((r) => r.id === currentId);
  const run: SavedRun = existing
    ? { ...existing, iterations: state.history, updatedAt: now }
    : { id: newId(), name: defaultRunName(state.config), createdAt: now, updatedAt: now, backend: state.backend?.label ?? '', config: state.config, iterations: state.history };
  replaceRun(run);
  record(run.id);
  void save(run.id);
}

/**
 * Reads the saved runs and starts recording the lab's runs. Idempotent; returns a stop
 * function. Without IndexedDB the panel says so and nothing is recorded.
 */
export async function startRunHistory(): Promise<() => void> {
  if (!stopRecording) {
    stopRecording = useLab.subscribe(onLabChange);
    if (!hasIndexedDb()) {
      set({ loaded: true, message: 'This browser has no IndexedDB: runs are not kept after the tab closes.' });
    } else {
      try {
        const saved = await listRuns();
        // Runs recorded while the list was loading are kept in front of the saved ones.
        set((s) => ({ runs: [...s.runs, ...saved.filter((r) => !s.runs.some((x) => x.id === r.id))], loaded: true }));
      } catch (error) {
        set({ loaded: true, message: `Saved runs could not be read: ${messageOf(error)}` });
      }
    }
  }
  return stopRunHistory;
}

/** Stops recording and forgets the in-memory list (tests). */
export function stopRunHistory(): void {
  stopRecording?.();
  stopRecording = null;
  currentId = null;
  set({ runs: [], loaded: false, compared: [], hidden: [], lastDeleted: null, message: null, recording: null, saving: false });
}

/** Renames a run (trimmed to one line; an empty name is refused with a message). */
export async function renameRun(id: string, name: string): Promise<void> {
  const run = get().runs.find((r) => r.id === id);
  if (!run) return;
  if (!name.trim()) {
    set({ message: 'A run needs a name: the old name was kept.', lastDeleted: null });
    return;
  }
  const renamed = { ...run, name: cleanName(name) };
  replaceRun(renamed);
  set({ message: null, lastDeleted: null });
  await save(id);
}

/** Deletes a run; Undo (`undoDelete`) brings it back until the next deletion. */
export async function deleteRun(id: string): Promise<void> {
  const run = get().runs.find((r) => r.id === id);
  if (!run) return;
  if (id === currentId) record(DISCARDED);
  set((s) => ({
    runs: s.runs.filter((r) => r.id !== id),
    compared: s.compared.filter((c) => c !== id),
    hidden: s.hidden.filter((c) => c !== id),
    lastDeleted: run,
    message: `Deleted “${run.name}”.`,
  }));
  await dbDelete(id).catch((error: unknown) => set({ message: `The run could not be deleted from the browser: ${messageOf(error)}` }));
}

/** Restores the last deleted run (and resumes recording it if it is the lab's current run). */
export async function undoDelete(): Promise<void> {
  const run = get().lastDeleted;
  if (!run) return;
  const lab = useLab.getState();
  const stillCurrent = currentId === DISCARDED && lab.config === run.config;
  const restored = stillCurrent ? { ...run, iterations: lab.history } : run;
  set((s) => ({ runs: [restored, ...s.runs].sort((a, b) => b.createdAt - a.createdAt), lastDeleted: null, message: `Restored “${run.name}”.` }));
  if (stillCurrent) record(run.id);
  await putRun(restored).catch((error: unknown) => set({ message: `The run could not be restored: ${messageOf(error)}` }));
}

/** Loads a run's config into the lab (a fresh run) and shows its saved curves in Compare. */
export function reopenRun(id: string): void {
  const run = get().runs.find((r) => r.id === id);
  if (!run) return;
  if (!setConfig(run.config)) return;
  set((s) => ({
    compared: s.compared.includes(id) ? s.compared : [...s.compared, id],
    hidden: s.hidden.filter((h) => h !== id),
    message: `Reopened “${run.name}”: its settings are loaded and its saved curves are in Compare.`,
    lastDeleted: null,
  }));
}

/** Ticks or unticks a run for comparison. */
export function toggleCompare(id: string): void {
  set((s) => (s.compared.includes(id) ? { compared: s.compared.filter((c) => c !== id), hidden: s.hidden.filter((h) => h !== id) } : { compared: [...s.compared, id] }));
}

/** Shows or hides a compared run's lines. */
export function toggleVisible(id: string): void {
  set((s) => ({ hidden: s.hidden.includes(id) ? s.hidden.filter((h) => h !== id) : [...s.hidden, id] }));
}

/** A file to download: its name, MIME type and text. */
export interface ExportFile {
  fileName: string;
  mime: string;
  text: string;
}

/** The run as a JSON run file or its metrics as CSV; undefined if the run is gone. */
export function exportRun(id: string, kind: 'json' | 'csv'): ExportFile | undefined {
  const run = get().runs.find((r) => r.id === id);
  if (!run) return undefined;
  const stem = fileStem(run.name);
  return kind === 'json'
    ? { fileName: `${stem}.run.json`, mime: 'application/json', text: toRunFile(run) }
    : { fileName: `${stem}.metrics.csv`, mime: 'text/csv', text: toMetricsCsv(run) };
}

/**
 * Imports a JSON run file as a new saved run. A bad file puts a clear message in the lab's
 * alert and changes nothing. Returns whether it was imported.
 */
export async function importRunText(text: string, fileName: string): Promise<boolean> {
  let run: SavedRun;
  try {
    run = parseRunFile(text, newId(), Date.now());
  } catch (error) {
    showError(`“${cleanName(fileName, 'The file')}” was not imported: ${error instanceof RunFileError ? error.message : messageOf(error)}`);
    return false;
  }
  try {
    if (hasIndexedDb()) await putRun(run);
  } catch (error) {
    showError(`The run could not be saved in the browser: ${messageOf(error)}`);
    return false;
  }
  replaceRun(run);
  // A new message replaces the deletion notice, and with it the offer to undo.
  set({ message: `Imported “${run.name}” (${run.iterations.length} iteration${run.iterations.length === 1 ? '' : 's'}).`, lastDeleted: null });
  return true;
}
