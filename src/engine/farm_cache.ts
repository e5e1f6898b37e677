/**
 * Prepared farms kept between runs, keyed by exactly what preparation depends on (`farmKey`:
 * task, policy, seeds, SFT, feedback and judge settings). A change of method, of its
 * hyperparameters, of β or of the iteration count finds its farm here and starts at once;
 * a method that needs a judge the cached farm lacks (Nash-MD's preference model) trains only
 * that judge. Farms hold tensors of the current backend: `clear()` on a backend switch.
 *
 * Behind the memory cache, an optional persistent store (IndexedDB in the browser) keeps
 * snapshots across page loads, per backend: a reload restores its farm instead of preparing.
 */
import type { Config } from '../core/config';
import { addPreferenceModel, farmKey, prepareFarm, type SharedFarm } from '../core/farm_shared';
import { restoreFarm, snapshotFarm } from '../core/farm_snapshot';
import { needsPreferenceModel } from '../core/method_info';
import type { PrepareProgress } from '../core/types';
import type { FarmStore } from './farm_store';

/** Farms kept at once: a few configs to go back and forth between, without holding many models. */
export const FARM_CACHE_LIMIT = 4;

/** Where a farm came from: trained now, this session's memory, or the persistent store. */
export type FarmOrigin = 'prepared' | 'memory' | 'stored';

export class FarmCache {
  /** Insertion order is recency: the first entry is the least recently used. */
  private readonly farms = new Map<string, SharedFarm>();
  /** The backend the farms' tensors live on (the persistent store keys by it). */
  backend = '';

  constructor(
    private readonly store: FarmStore | null = null,
    private readonly limit = FARM_CACHE_LIMIT,
  ) {}

  /** Keys of the cached farms, least recently used first (for tests). */
  keys(): string[] {
    return [...this.farms.keys()];
  }

  /**
   * The farm for `config`: from memory, restored from the store, or prepared now (then kept
   * in both). Only one experiment runs at a time, so evicting the least recently used farm
   * never frees one in use.
   */
  async get(config: Config, onProgress?: (p: PrepareProgress) => void, signal?: AbortSignal): Promise<{ farm: SharedFarm; origin: FarmOrigin }> {
    const key = farmKey(config);
    let origin: FarmOrigin = 'memory';
    let farm = this.farms.get(key);
    if (farm) this.farms.delete(key);
    else {
      farm = (await this.restore(config, key)) ?? undefined;
      origin = farm ? 'stored' : 'prepared';
      farm ??= await prepareFarm(config, onProgress, { signal });
    }
    this.keep(key, farm);
    const addJudge = needsPreferenceModel([config.method.id]) && !farm.prepared.preference;
    if (addJudge) await addPreferenceModel(farm, config, onProgress, signal);
    if (origin === 'prepared' || addJudge) void this.persist(farm);
    return { farm, origin };
  }

  /** Frees every farm (a backend switch, or the engine's end); the persistent store keeps its snapshots. */
  clear(): void {
    for (const farm of this.farms.values()) farm.dispose();
    this.farms.clear();
  }

  private keep(key: string, farm: SharedFarm): void {
    this.farms.set(key, farm);
    while (this.farms.size > this.limit) {
      const [oldest, evicted] = this.farms.entries().next().value!;
      this.farms.delete(oldest);
      evicted.dispose();
    }
  }

  /** The stored farm for `key`, or null; a snapshot that no longer restores is dropped. */
  private async restore(config: Config, key: string): Promise<SharedFarm | null> {
    const snapshot = await this.store?.load(this.backend, key);
    if (!snapshot) return null;
    try {
      return await restoreFarm(config, snapshot);
    } catch {
      await this.store?.remove(this.backend, key);
      return null;
    }
  }

  /** Saves a snapshot in the background; a farm freed meanwhile (backend switch) is simply not saved. */
  private async persist(farm: SharedFarm): Promise<void> {
    if (!this.store) return;
    const backend = this.backend;
    try {
      await this.store.save(backend, await snapshotFarm(farm));
    } catch {
      // Disposed before its readback finished, or storage refused: memory still serves it.
    }
  }
}
