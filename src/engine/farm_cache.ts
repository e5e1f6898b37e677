/**
 * Prepared farms kept between runs, keyed by exactly what preparation depends on (`farmKey`:
 * task, policy, seeds, SFT, feedback and judge settings). A change of method, of its
 * hyperparameters, of β or of the iteration count finds its farm here and starts at once;
 * a method that needs a judge the cached farm lacks (Nash-MD's preference model) trains only
 * that judge. Farms hold tensors of the current backend: `clear()` on a backend switch.
 */
import type { Config } from '../core/config';
import { addPreferenceModel, farmKey, prepareFarm, type SharedFarm } from '../core/farm_shared';
import { needsPreferenceModel } from '../core/method_info';
import type { PrepareProgress } from '../core/types';

/** Farms kept at once: a few configs to go back and forth between, without holding many models. */
export const FARM_CACHE_LIMIT = 4;

export class FarmCache {
  /** Insertion order is recency: the first entry is the least recently used. */
  private readonly farms = new Map<string, SharedFarm>();

  constructor(private readonly limit = FARM_CACHE_LIMIT) {}

  /** Keys of the cached farms, least recently used first (for tests). */
  keys(): string[] {
    return [...this.farms.keys()];
  }

  /**
   * The farm for `config`: from the cache (`reused`), or prepared now and cached. Only one
   * experiment runs at a time, so evicting the least recently used farm never frees one in use.
   */
  async get(config: Config, onProgress?: (p: PrepareProgress) => void, signal?: AbortSignal): Promise<{ farm: SharedFarm; reused: boolean }> {
    const key = farmKey(config);
    const cached = this.farms.get(key);
    if (cached) {
      this.farms.delete(key);
      this.farms.set(key, cached);
      if (needsPreferenceModel([config.method.id])) await addPreferenceModel(cached, config, onProgress, signal);
      return { farm: cached, reused: true };
    }
    const farm = await prepareFarm(config, onProgress, { signal });
    this.farms.set(key, farm);
    while (this.farms.size > this.limit) {
      const [oldest, evicted] = this.farms.entries().next().value!;
      this.farms.delete(oldest);
      evicted.dispose();
    }
    return { farm, reused: false };
  }

  /** Frees every farm (a backend switch, or the engine's end). */
  clear(): void {
    for (const farm of this.farms.values()) farm.dispose();
    this.farms.clear();
  }
}
