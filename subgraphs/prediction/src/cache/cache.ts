/**
 * Where predictions are cached. Two implementations share one contract suite
 * (cache/contract.ts): in-memory LRU with TTL (the default) and Redis.
 *
 * A cache that cannot answer (Redis down, a command timing out) rejects with
 * CacheUnavailableError quickly; it never hangs. Callers then serve the
 * prediction uncached (`cache: BYPASS`). An implementation recovers by itself
 * when its backend is back.
 */

/** What a prediction asks of the cache: use it, bypass it, or refresh its entry. */
export type CachePolicy = 'USE' | 'BYPASS' | 'REFRESH';

/** Where an answer came from: the cache (HIT), the model and then the cache (MISS), or the model alone (BYPASS). */
export type CacheStatus = 'HIT' | 'MISS' | 'BYPASS';

/** What is stored for one model version and canonical input. */
export interface CachedPrediction {
  /** The load of the version that answered (Prediction.loadId): it is served only while that load serves (predictor.ts). */
  readonly loadId: string;
  readonly modelVersion: string;
  readonly label: string;
  readonly score: number | null;
  readonly confidence: number | null;
  readonly classId: number | null;
  readonly probability: number | null;
}

export interface Cache {
  /** The entry, or undefined when absent or expired. */
  get(key: string): Promise<CachedPrediction | undefined>;
  /** Stores the entry for `ttlSeconds`. */
  set(key: string, value: CachedPrediction, ttlSeconds: number): Promise<void>;
  /** Releases sockets and timers. */
  dispose(): Promise<void>;
}

export class CacheUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheUnavailableError';
  }
}
