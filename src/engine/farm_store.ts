/**
 * Prepared farms kept across page loads, in IndexedDB (through `idb`): a reload, or a link
 * opened again, finds its preparation here and starts at once. Keyed by backend and
 * `farmKey`, since backends agree to float precision, not bit for bit. Bounded: the oldest
 * entries are evicted beyond `FARM_STORE_LIMIT`. Everything here fails soft: a missing,
 * full or broken database only costs a preparation.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { FarmSnapshot } from '../core/farm_snapshot';

const DB_NAME = 'alignment-lab-farms';
const STORE = 'farms';
/** Snapshots kept: a default experiment is tens of kilobytes; a transformer farm a few megabytes. */
export const FARM_STORE_LIMIT = 8;

interface Entry {
  id: string;
  savedAt: number;
  snapshot: FarmSnapshot;
}

interface FarmDb extends DBSchema {
  farms: { key: string; value: Entry; indexes: { savedAt: number } };
}

export interface FarmStore {
  load(backend: string, key: string): Promise<FarmSnapshot | null>;
  save(backend: string, snapshot: FarmSnapshot): Promise<void>;
  remove(backend: string, key: string): Promise<void>;
}

const idOf = (backend: string, key: string) => `${backend}|${key}`;

/** The store, or null where there is no IndexedDB (Node, some private modes). */
export function openFarmStore(limit = FARM_STORE_LIMIT): FarmStore | null {
  if (typeof indexedDB === 'undefined') return null;
  let db: Promise<IDBPDatabase<FarmDb>> | null = null;
  const open = () =>
    (db ??= openDB<FarmDb>(DB_NAME, 1, {
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
        // Full or blocked storage: the farm stays in memory only.
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
