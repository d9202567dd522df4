/** The NonceStore a subgraph claims nonces in: Redis when REDIS_URL is set, so every replica agrees; memory otherwise. */
import type { Logger } from '../logger';
import { connectRedisClient } from '../redis';
import { MemoryNonceStore } from './memory-nonces';
import type { NonceStore } from './nonce-store';
import { RedisNonceStore } from './redis-nonces';

export interface NonceStoreConfig {
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly redisTimeoutMs: number;
  /** SUBGRAPH_NONCE_MAX_ENTRIES: the memory store's bound, also the Redis store's fallback's. */
  readonly nonceMaxEntries: number;
}

export async function createNonceStore(config: NonceStoreConfig, logger: Logger): Promise<NonceStore> {
  if (!config.redisUrl) return new MemoryNonceStore(config.nonceMaxEntries);
  const client = await connectRedisClient({ url: config.redisUrl, commandTimeoutMs: config.redisTimeoutMs, logger });
  return new RedisNonceStore(client, `${config.redisPrefix}nonce:`, config.nonceMaxEntries, logger);
}
