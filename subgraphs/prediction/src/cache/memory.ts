/**
 * The default prediction cache: in-process, least recently used entries go
 * first once `maxEntries` is reached, and every entry lives `ttlSeconds`.
 *
 * A Map iterates in insertion order, so deleting and re-inserting a key on
 * every hit keeps the least recently used entry first: get, set and eviction
 * are O(1). An expired entry is absent; it is dropped when next looked up or
 * when it reaches the front of the eviction order. The clock is injectable so
 * tests can expire entries without waiting.
 */
import type { Cache, CachedPrediction } from './cache';

export interface MemoryCacheOptions {
  /** Most entries kept; the least recently used go first. */
  readonly maxEntries: number;
  /** Epoch milliseconds; Date.now unless a test moves time itself. */
  readonly now?: () => number;
}

interface Entry {
  readonly value: CachedPrediction;
  readonly expiresAt: number;
}

export class MemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryCacheOptions) {
    if (!Number.isSafeInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError(`MemoryCache maxEntries must be a whole number from 1 up, got ${String(options.maxEntries)}`);
    }
    this.maxEntries = options.maxEntries;
    this.now = options.now ?? Date.now;
  }

  /** Entries held, expired ones included until they are dropped. */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): Promise<CachedPrediction | undefined> {
    const entry = this.entries.get(key);
    if (entry === undefined) return Promise.resolve(undefined);
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return Promise.resolve(undefined);
    this.entries.set(key, entry);
    return Promise.resolve({ ...entry.value });
  }

  set(key: string, value: CachedPrediction, ttlSeconds: number): Promise<void> {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
      return Promise.reject(new RangeError(`cache ttlSeconds must be a whole number from 1 up, got ${String(ttlSeconds)}`));
    }
    // A copy, so the cache holds what was set even if the caller's object changes, as Redis would.
    this.entries.delete(key);
    this.entries.set(key, { value: { ...value }, expiresAt: this.now() + ttlSeconds * 1000 });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return Promise.resolve();
  }

  dispose(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}
