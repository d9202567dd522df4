/**
 * The prediction cache every replica shares: one Redis string per entry, the
 * entry as JSON, under `${prefix}${key}`, set with EX so Redis expires it.
 *
 * It never waits for Redis. While the connection is not ready it rejects at
 * once without sending anything, and the client (createRedisClient) has no
 * offline queue and a command timeout, so a command already sent fails fast
 * too. Every failure is a CacheUnavailableError; the client reconnects by
 * itself, so the cache works again as soon as Redis is back. A stored value
 * that is not a CachedPrediction (not JSON, wrong shape) counts as absent and
 * the next set overwrites it.
 */
import type { Redis } from 'ioredis';

import { closeRedisClient } from '../../../../lib/redis';

import { CacheUnavailableError } from './cache';
import type { Cache, CachedPrediction } from './cache';

export interface RedisCacheOptions {
  /**
   * Made with createRedisClient (no offline queue, a command timeout). The
   * cache owns it: dispose() quits it.
   */
  readonly client: Redis;
  /** Put before every key, e.g. "infergraph:cache:". */
  readonly prefix: string;
}

export class RedisCache implements Cache {
  private readonly client: Redis;
  private readonly prefix: string;

  constructor(options: RedisCacheOptions) {
    if (options.prefix === '') {
      throw new Error('RedisCache needs a non-empty key prefix, e.g. "infergraph:cache:", so its keys cannot collide with others');
    }
    const { enableOfflineQueue, commandTimeout } = options.client.options;
    if (enableOfflineQueue !== false || typeof commandTimeout !== 'number') {
      throw new Error(
        'RedisCache needs a client that fails fast, as createRedisClient makes (enableOfflineQueue false and a commandTimeout); ' +
          `got enableOfflineQueue ${String(enableOfflineQueue)} and commandTimeout ${String(commandTimeout)}`,
      );
    }
    this.client = options.client;
    this.prefix = options.prefix;
  }

  async get(key: string): Promise<CachedPrediction | undefined> {
    const raw = await this.command('GET', (client) => client.get(this.prefix + key));
    return raw === null ? undefined : parseCachedPrediction(raw);
  }

  async set(key: string, value: CachedPrediction, ttlSeconds: number): Promise<void> {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
      throw new RangeError(`cache ttlSeconds must be a whole number from 1 up, got ${String(ttlSeconds)}`);
    }
    await this.command('SET', (client) => client.set(this.prefix + key, JSON.stringify(value), 'EX', ttlSeconds));
  }

  dispose(): Promise<void> {
    return closeRedisClient(this.client);
  }

  private async command<R>(name: string, send: (client: Redis) => Promise<R>): Promise<R> {
    const { status } = this.client;
    if (status !== 'ready') {
      throw new CacheUnavailableError(`redis cache unavailable: the connection is "${status}", not "ready"; ${name} not sent`);
    }
    try {
      return await send(this.client);
    } catch (err) {
      throw new CacheUnavailableError(`redis cache unavailable: ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** The entry stored as `raw`, or undefined when it is not a CachedPrediction (one stored before entries named their load). */
function parseCachedPrediction(raw: string): CachedPrediction | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { loadId, modelVersion, label, score, confidence, classId, probability } = parsed as Record<string, unknown>;
  if (typeof loadId !== 'string') return undefined;
  if (typeof modelVersion !== 'string' || typeof label !== 'string') return undefined;
  if (!isNumberOrNull(score) || !isNumberOrNull(confidence) || !isNumberOrNull(classId) || !isNumberOrNull(probability)) return undefined;
  return { loadId, modelVersion, label, score, confidence, classId, probability };
}

function isNumberOrNull(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}
