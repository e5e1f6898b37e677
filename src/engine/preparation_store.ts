/**
 * Preparations kept across page loads, in IndexedDB (through `idb`): a reload, or a link
 * opened again, finds its preparation here and starts at once. Keyed by backend and
 * `preparationKey`, since backends agree to float precision, not bit for bit. Bounded: the oldest
 * entries are evicted beyond `PREPARATION_STORE_LIMIT`. Everything here fails soft: a missing,
 * full or broken database only costs a preparation.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { PreparationSnapshot } from '../core/preparation/snapshot';

const DB_NAME = 'alignment-lab-farms';
const STORE = 'farms';
/** Snapshots kept: a default experiment is tens of kilobytes; a transformer preparation a few megabytes. */
export const PREPARATION_STORE_LIMIT = 8;

interface Entry {
  id: string;
  savedAt: number;
  snapshot: PreparationSnapshot;
}

interface PreparationDb extends DBSchema {
  farms: { key: string; value: Entry; indexes: { savedAt: number } };
}

export interface PreparationStore {
  load(backend: string, key: string): Promise<PreparationSnapshot | null>;
  save(backend: string, snapshot: PreparationSnapshot): Promise<void>;
  remove(backend: string, key: string): Promise<void>;
}

const idOf = (backend: string, key: string) => `${backend}|${key}`;

/** The store, or null where there is no IndexedDB (Node, some private modes). */
export function openPreparationStore(limit = PREPARATION_STORE_LIMIT): PreparationStore | null {
  if (typeof indexedDB === 'undefined') return null;
  let db: Promise<IDBPDatabase<PreparationDb>> | null = null;
  const open = () =>
    (db ??= openDB<PreparationDb>(DB_NAME, 1, {
      upgrade(database) {
        database.createObjectStore(STORE, { keyPath: 'id' }).createIndex('savedAt', 'savedAt');
      },
    }).catch((error: unknown) => {
      db = null;
      throw error;
    }));
  return {
    async load(backend, key) {
      try {
        return (await (await open()).get(STORE, idOf(backend, key)))?.snapshot ?? null;
      } catch {
        return null;
      }
    },
    async save(backend, snapshot) {
      try {
        const database = await open();
        await database.put(STORE, { id: idOf(backend, snapshot.key), savedAt: Date.now(), snapshot });
        // Primary keys in savedAt order: the first are the oldest.
        const ids = await database.getAllKeysFromIndex(STORE, 'savedAt');
        for (const id of ids.slice(0, Math.max(0, ids.length - limit))) await database.delete(STORE, id);
      } catch {
        // Full or blocked storage: the preparation stays in memory only.
      }
    },
    async remove(backend, key) {
      try {
        await (await open()).delete(STORE, idOf(backend, key));
      } catch {
        // Nothing to undo.
      }
    },
  };
}
