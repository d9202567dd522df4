import { Redis } from 'ioredis';

import { createRedisClient } from '../../../../lib/redis';
import { HEALTHY_REDIS_TIMEOUT_MS, describeRedis, whenReady } from '../../../../test/helpers/redis';
import { freshPrefix, redisUrl } from '../../../../stack/redis';
import { sleep, until } from '../../../../lib/until';
import { usePrivateRedis } from '../../../../test/helpers/redis-server';
import type { PrivateRedis } from '../../../../test/helpers/redis-server';
import { CacheUnavailableError } from './cache';
import { cacheContract, SAMPLE } from './contract';
import { RedisCache } from './redis';

/** The command timeout of the tests on a private Redis that hangs or goes down. */
const COMMAND_TIMEOUT_MS = 200;

async function readyCache(url: string, prefix = freshPrefix(), commandTimeoutMs = HEALTHY_REDIS_TIMEOUT_MS): Promise<RedisCache> {
  const client = createRedisClient({ url, commandTimeoutMs });
  await whenReady(client);
  return new RedisCache({ client, prefix });
}

/** How long `promise` took to reject, and with what. */
async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
  throw new Error('expected a rejection, got a value');
}

describeRedis('RedisCache', () => {
  cacheContract('RedisCache', async () => ({ cache: await readyCache(redisUrl()), elapse: sleep }));

  describe('on the shared Redis', () => {
    let raw: Redis;
    let prefix: string;
    let cache: RedisCache;

    beforeEach(async () => {
      raw = new Redis(redisUrl());
      prefix = freshPrefix();
      cache = await readyCache(redisUrl(), prefix);
    });

    afterEach(async () => {
      await cache.dispose();
      await raw.quit();
    });

    it('stores JSON under the prefixed key, with the TTL, and nothing unprefixed', async () => {
      const key = `model:${prefix.slice(5, -1)}`;
      await cache.set(key, SAMPLE, 30);
      expect(JSON.parse((await raw.get(`${prefix}${key}`)) ?? 'null')).toEqual(SAMPLE);
      const ttl = await raw.ttl(`${prefix}${key}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30);
      expect(await raw.keys(`*${key}`)).toEqual([`${prefix}${key}`]);
    });

    it('treats a stored value that is not a CachedPrediction as absent, and set replaces it', async () => {
      // The last: an entry stored by a build whose entries said when they were made, not which load made them.
      const { loadId: _, ...unnamed } = SAMPLE;
      const broken = [
        'not json',
        '[1,2]',
        'null',
        JSON.stringify({ ...SAMPLE, score: 'high' }),
        JSON.stringify({ label: 'POSITIVE' }),
        JSON.stringify({ ...unnamed, madeAt: 1_700_000_000_123 }),
      ];
      for (const [i, value] of broken.entries()) {
        await raw.set(`${prefix}bad${i}`, value, 'EX', 30);
        await expect(cache.get(`bad${i}`)).resolves.toBeUndefined();
      }
      await cache.set('bad0', SAMPLE, 30);
      await expect(cache.get('bad0')).resolves.toEqual(SAMPLE);
    });

    it('drops fields a CachedPrediction does not have', async () => {
      await raw.set(`${prefix}extra`, JSON.stringify({ ...SAMPLE, secret: 'x' }), 'EX', 30);
      await expect(cache.get('extra')).resolves.toStrictEqual(SAMPLE);
    });

    it('rejects with CacheUnavailableError after dispose, saying the connection is closed', async () => {
      await cache.dispose();
      await expect(cache.get('k')).rejects.toThrow(
        new CacheUnavailableError('redis cache unavailable: the connection is "end", not "ready"; GET not sent'),
      );
    });

    it('refuses an empty prefix and a client that would queue commands, saying what it needs', () => {
      const client = createRedisClient({ url: redisUrl(), commandTimeoutMs: HEALTHY_REDIS_TIMEOUT_MS });
      const queueing = new Redis(redisUrl(), { lazyConnect: true });
      try {
        expect(() => new RedisCache({ client, prefix: '' })).toThrow('RedisCache needs a non-empty key prefix');
        expect(() => new RedisCache({ client: queueing, prefix: 'p:' })).toThrow(
          'RedisCache needs a client that fails fast, as createRedisClient makes (enableOfflineQueue false and a commandTimeout); got enableOfflineQueue true and commandTimeout undefined',
        );
      } finally {
        client.disconnect();
        queueing.disconnect();
      }
    });
  });

  describe('on a private Redis that goes away', () => {
    const privateRedis = usePrivateRedis();
    let server: PrivateRedis;
    let cache: RedisCache;

    beforeEach(async () => {
      server = privateRedis();
      cache = await readyCache(server.url, freshPrefix(), COMMAND_TIMEOUT_MS);
    });

    afterEach(async () => {
      server.thaw();
      await cache.dispose();
    });

    it('rejects at once with CacheUnavailableError while Redis is down, and works again by itself when it is back', async () => {
      await cache.set('k', SAMPLE, 60);
      await server.stop();
      // Right after the kill, and while the client retries to connect.
      for (const pause of [0, 50, 150, 300]) {
        await sleep(pause);
        for (const call of [cache.get('k'), cache.set('k', SAMPLE, 60)]) {
          // Redis is down until after this loop: a call that waited for it would never settle.
          const { error } = await rejection(call);
          expect(error).toBeInstanceOf(CacheUnavailableError);
          expect((error as Error).message).toMatch(/^redis cache unavailable: /);
        }
      }
      await server.start();
      await until(
        () =>
          cache.get('k').then(
            () => true,
            () => false,
          ),
        'the cache to answer after Redis came back',
        3000,
      );
      // A new server process: the old entry is gone, and the cache stores again.
      await expect(cache.get('k')).resolves.toBeUndefined();
      await cache.set('k', SAMPLE, 60);
      await expect(cache.get('k')).resolves.toEqual(SAMPLE);
    });

    it('rejects with CacheUnavailableError after the command timeout when Redis hangs', async () => {
      server.freeze();
      const { error, ms } = await rejection(cache.get('k'));
      expect(error).toEqual(new CacheUnavailableError('redis cache unavailable: GET failed: Command timed out'));
      // Redis stays frozen until after: the error can only come from the command timeout.
      expect(ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 20);
      server.thaw();
      await cache.set('k', SAMPLE, 60);
      await expect(cache.get('k')).resolves.toEqual(SAMPLE);
    });
  });
});
