/**
 * Preparations kept between runs, keyed by exactly what preparation depends on (`preparationKey`:
 * task, policy, seeds, SFT, feedback and judge settings). A change of method, of its
 * hyperparameters, of β or of the iteration count finds its preparation here and starts at once;
 * a method that needs a judge the cached preparation lacks (Nash-MD's preference model) trains only
 * that judge. Preparations hold tensors of the current backend: `clear()` on a backend switch.
 *
 * Behind the memory cache, an optional persistent store (IndexedDB in the browser) keeps
 * snapshots across page loads, per backend: a reload restores its preparation instead of preparing.
 */
import type { Config } from '../core/config';
import { addPreferenceModel, preparationKey, prepareShared, type SharedPreparation } from '../core/preparation/shared';
import { restorePreparation, snapshotPreparation } from '../core/preparation/snapshot';
import { needsPreferenceModel } from '../core/method_info';
import type { PrepareProgress } from '../core/types';
import type { PreparationStore } from './preparation_store';

/** Preparations kept at once: a few configs to go back and forth between, without holding many models. */
export const PREPARATION_CACHE_LIMIT = 4;

/** Where a preparation came from: trained now, this session's memory, or the persistent store. */
export type PreparationOrigin = 'prepared' | 'memory' | 'stored';

export class PreparationCache {
  /** Insertion order is recency: the first entry is the least recently used. */
  private readonly preparations = new Map<string, SharedPreparation>();
  /** The backend the preparations' tensors live on (the persistent store keys by it). */
  backend = '';

  constructor(
    private readonly store: PreparationStore | null = null,
    private readonly limit = PREPARATION_CACHE_LIMIT,
  ) {}

  /** Keys of the cached preparations, least recently used first (for tests). */
  keys(): string[] {
    return [...this.preparations.keys()];
  }

  /**
   * The preparation for `config`: from memory, restored from the store, or prepared now (then kept
   * in both). Only one experiment runs at a time, so evicting the least recently used preparation
   * never frees one in use.
   */
  async get(config: Config, onProgress?: (p: PrepareProgress) => void, signal?: AbortSignal): Promise<{ preparation: SharedPreparation; origin: PreparationOrigin }> {
    const key = preparationKey(config);
    let origin: PreparationOrigin = 'memory';
    let preparation = this.preparations.get(key);
    if (preparation) this.preparations.delete(key);
    else {
      preparation = (await this.restore(config, key)) ?? undefined;
      origin = preparation ? 'stored' : 'prepared';
      preparation ??= await prepareShared(config, onProgress, { signal });
    }
    this.keep(key, preparation);
    const addJudge = needsPreferenceModel([config.method.id]) && !preparation.prepared.preference;
    if (addJudge) await addPreferenceModel(preparation, config, onProgress, signal);
    if (origin === 'prepared' || addJudge) void this.persist(preparation);
    return { preparation, origin };
  }

  /** Frees every preparation (a backend switch, or the engine's end); the persistent store keeps its snapshots. */
  clear(): void {
    for (const preparation of this.preparations.values()) preparation.dispose();
    this.preparations.clear();
  }

  private keep(key: string, preparation: SharedPreparation): void {
    this.preparations.set(key, preparation);
    while (this.preparations.size > this.limit) {
      const [oldest, evicted] = this.preparations.entries().next().value!;
      this.preparations.delete(oldest);
      evicted.dispose();
    }
  }

  /** The stored preparation for `key`, or null; a snapshot that no longer restores is dropped. */
  private async restore(config: Config, key: string): Promise<SharedPreparation | null> {
    const snapshot = await this.store?.load(this.backend, key);
    if (!snapshot) return null;
    try {
      return await restorePreparation(config, snapshot);
    } catch {
      await this.store?.remove(this.backend, key);
      return null;
    }
  }

  /** Saves a snapshot in the background; a preparation freed meanwhile (backend switch) is simply not saved. */
  private async persist(preparation: SharedPreparation): Promise<void> {
    if (!this.store) return;
    const backend = this.backend;
    try {
      await this.store.save(backend, await snapshotPreparation(preparation));
    } catch {
      // Disposed before its readback finished, or storage refused: memory still serves it.
    }
  }
}
