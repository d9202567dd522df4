import { Redis } from 'ioredis';

import { createLogger } from '../../../lib/logger';
import { createRedisClient } from '../../../lib/redis';
import { describeRedis, HEALTHY_REDIS_TIMEOUT_MS, whenReady } from '../../../test/helpers/redis';
import { freshPrefix, redisUrl } from '../../../stack/redis';
import { usePrivateRedis } from '../../../test/helpers/redis-server';
import { rateLimiterContract } from './contract';
import { RedisRateLimiter } from './redis';

const logger = createLogger('test', 'silent');

async function limiterOn(url: string, prefix: string, options: { perMinute: number; burst: number }): Promise<RedisRateLimiter> {
  const client = createRedisClient({ url, commandTimeoutMs: HEALTHY_REDIS_TIMEOUT_MS });
  await whenReady(client);
  return new RedisRateLimiter(client, prefix, options, logger);
}

describeRedis('Redis rate limiter', () => {
  rateLimiterContract('redis', (options) => limiterOn(redisUrl(), freshPrefix(), options));

  it('is one bucket for every replica, under a prefixed key', async () => {
    const prefix = freshPrefix();
    const a = await limiterOn(redisUrl(), prefix, { perMinute: 60, burst: 3 });
    const b = await limiterOn(redisUrl(), prefix, { perMinute: 60, burst: 3 });
    const raw = new Redis(redisUrl());
    try {
      const allowed = [await a.take('k'), await b.take('k'), await a.take('k'), await b.take('k')].map((d) => d.allowed);
      expect(allowed).toEqual([true, true, true, false]);
      expect(await raw.exists(`${prefix}k`)).toBe(1);
      expect(await raw.exists('k')).toBe(0);
    } finally {
      raw.disconnect();
      await a.dispose();
      await b.dispose();
    }
  });
});

describe('Redis rate limiter when Redis is down', () => {
  const privateRedis = usePrivateRedis();

  it('limits in this replica alone, at once, rather than fail operations or let them all through', async () => {
    const limiter = await limiterOn(privateRedis().url, freshPrefix(), { perMinute: 60, burst: 2 });
    try {
      await privateRedis().stop();
      // Redis stays down until after: a take that waited for it would never answer.
      const decisions = [await limiter.take('k'), await limiter.take('k'), await limiter.take('k')];
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, false]);
      expect(decisions[2]?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    } finally {
      await limiter.dispose();
    }
  });
});
