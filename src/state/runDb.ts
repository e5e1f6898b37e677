/**
 * IndexedDB storage of saved runs (through `idb`): one object store keyed by run id.
 * Every call opens lazily and shares one connection; tests run it on `fake-indexeddb`.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { SavedRun } from './runFile';

const DB_NAME = 'alignment-lab';
const DB_VERSION = 1;
const STORE = 'runs';

interface LabDb extends DBSchema {
  runs: { key: string; value: SavedRun };
}

let db: Promise<IDBPDatabase<LabDb>> | null = null;

function open(): Promise<IDBPDatabase<LabDb>> {
  db ??= openDB<LabDb>(DB_NAME, DB_VERSION, {
    upgrade(database) {
      database.createObjectStore(STORE, { keyPath: 'id' });
    },
  }).catch((error: unknown) => {
    // A later call may succeed (e.g. after the user frees storage), so do not cache the failure.
    db = null;
    throw error;
  });
  return db;
}

/** Whether this environment has IndexedDB at all (private modes and old test setups may not). */
export function hasIndexedDb(): boolean {
  return typeof indexedDB !== 'undefined';
}

/** Every saved run, newest first. */
export async function listRuns(): Promise<SavedRun[]> {
  const runs = await (await open()).getAll(STORE);
  return runs.sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
}

/** Creates or replaces a run. */
export async function putRun(run: SavedRun): Promise<void> {
  await (await open()).put(STORE, run);
}

/** Reads one run, or undefined. */
export async function getRun(id: string): Promise<SavedRun | undefined> {
  return (await open()).get(STORE, id);
}

/** Removes a run (no error if it is already gone). */
export async function deleteRun(id: string): Promise<void> {
  await (await open()).delete(STORE, id);
}

/** Closes the connection (tests, so the next open sees a fresh database). */
export async function closeRunDb(): Promise<void> {
  const current = db;
  db = null;
  if (current) (await current.catch(() => null))?.close();
}
