import { Redis } from 'ioredis';

import { createLogger } from '../logger';
import { createRedisClient } from '../redis';
import { describeRedis, HEALTHY_REDIS_TIMEOUT_MS, whenReady } from '../../test/helpers/redis';
import { freshPrefix, redisUrl } from '../../stack/redis';
import { usePrivateRedis } from '../../test/helpers/redis-server';
import { nonceStoreContract } from './nonce-contract';
import { RedisNonceStore } from './redis-nonces';

const logger = createLogger('test', 'silent');

async function storeOn(url: string, prefix: string, maxFallbackEntries = 100): Promise<RedisNonceStore> {
  const client = createRedisClient({ url, commandTimeoutMs: HEALTHY_REDIS_TIMEOUT_MS });
  await whenReady(client);
  return new RedisNonceStore(client, prefix, maxFallbackEntries, logger);
}

describeRedis('Redis nonce store', () => {
  nonceStoreContract('redis', (maxEntries) => storeOn(redisUrl(), freshPrefix(), maxEntries));

  it('is one memory for every replica, under a prefixed key that expires', async () => {
    const prefix = freshPrefix();
    const a = await storeOn(redisUrl(), prefix);
    const b = await storeOn(redisUrl(), prefix);
    const raw = new Redis(redisUrl());
    try {
      expect(await a.claim('n1', 60_000)).toBe('fresh');
      expect(await b.claim('n1', 60_000)).toBe('replayed');
      expect(await raw.pttl(`${prefix}n1`)).toBeGreaterThan(50_000);
      expect(await raw.exists('n1')).toBe(0);
    } finally {
      raw.disconnect();
      await a.dispose();
      await b.dispose();
    }
  });
});

describe('Redis nonce store when Redis is down', () => {
  const privateRedis = usePrivateRedis();

  it('remembers nonces in this replica alone, at once, rather than refuse every request or accept replays', async () => {
    const store = await storeOn(privateRedis().url, freshPrefix());
    try {
      await privateRedis().stop();
      const started = Date.now();
      expect(await store.claim('n', 60_000)).toBe('fresh');
      expect(await store.claim('n', 60_000)).toBe('replayed');
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await store.dispose();
    }
  });
});
