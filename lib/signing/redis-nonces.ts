/**
 * Nonces in Redis, shared by every replica of every subgraph that shares
 * REDIS_PREFIX: `SET <prefix><nonce> 1 NX PX <ttl>` claims a nonce
 * atomically and Redis forgets it when it expires. If Redis cannot answer,
 * this replica remembers nonces on its own (bounded, in memory) until Redis
 * answers again: an outage must not take the subgraphs down; while it lasts
 * a request captured within the window before it could be replayed once to
 * each replica, the one that first took it included (its nonce is in Redis,
 * not in the fallback).
 */
import type { Redis } from 'ioredis';

import { closeRedisClient } from '../redis';
import type { Logger } from '../logger';
import { MemoryNonceStore } from './memory-nonces';
import type { NonceClaim, NonceStore } from './nonce-store';

/** While Redis fails, at most one warning this often. */
const WARN_EVERY_MS = 1000;

export class RedisNonceStore implements NonceStore {
  private readonly fallback: MemoryNonceStore;
  private lastWarned = 0;

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    maxFallbackEntries: number,
    private readonly logger: Logger,
  ) {
    this.fallback = new MemoryNonceStore(maxFallbackEntries);
  }

  async claim(nonce: string, ttlMs: number): Promise<NonceClaim> {
    try {
      const set = await this.client.set(`${this.prefix}${nonce}`, '1', 'PX', ttlMs, 'NX');
      return set === 'OK' ? 'fresh' : 'replayed';
    } catch (err) {
      const now = Date.now();
      if (now - this.lastWarned >= WARN_EVERY_MS) {
        this.lastWarned = now;
        this.logger.warn({ err: String(err) }, 'nonce store cannot reach Redis; remembering nonces in this replica alone until it answers');
      }
      return this.fallback.claim(nonce, ttlMs);
    }
  }

  async dispose(): Promise<void> {
    await this.fallback.dispose();
    await closeRedisClient(this.client);
  }
}
