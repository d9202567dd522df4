import { Redis } from 'ioredis';

import { connectRedisClient } from '../../../lib/redis';
import { describeRedis, HEALTHY_REDIS_TIMEOUT_MS } from '../../../test/helpers/redis';
import { deletePrefix, freshPrefix, redisUrl } from '../../../stack/redis';
import { sleep, until } from '../../../lib/until';
import { usePrivateRedis } from '../../../test/helpers/redis-server';
import type { LoadedModel } from '../models/types';
import { ModelRegistry } from '../registry/model-registry';
import { loaded, policyStoreContract, testCatalog } from './contract';
import { RedisPolicyStore } from './redis';

/** Keeps Redis busy (it runs one script at a time) for 400 ms. */
const BUSY_400_MS = `
local t = redis.call('TIME')
local start = t[1] * 1000000 + t[2]
repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start > 400000
return 1`;

/** A store as inference-grpc makes one (connectRedisClient), once both connections are ready. */
async function redisStore(url: string, prefix: string, commandTimeoutMs = HEALTHY_REDIS_TIMEOUT_MS): Promise<RedisPolicyStore> {
  const [client, subscriber] = await Promise.all([
    connectRedisClient({ url, commandTimeoutMs }),
    connectRedisClient({ url, commandTimeoutMs, subscriber: true }),
  ]);
  return new RedisPolicyStore({ client, subscriber, prefix, commandTimeoutMs });
}

describeRedis('RedisPolicyStore', () => {
  policyStoreContract('RedisPolicyStore', () => {
    const prefix = freshPrefix();
    return Promise.resolve({ store: () => redisStore(redisUrl(), prefix), cleanup: () => deletePrefix(prefix) });
  });

  it('reads a policy stored before versions could be unloaded or loads were shared (no unloaded or loads field) as none, and can unload and load then', async () => {
    const prefix = freshPrefix();
    const raw = new Redis(redisUrl());
    const registry = new ModelRegistry(testCatalog(), {
      defaultVersions: new Map(),
      canary: [],
      loadRetryMs: 1000,
      policyStore: await redisStore(redisUrl(), prefix),
    });
    try {
      await raw.set(`${prefix}policy:epoch`, 'old-epoch');
      await raw.set(`${prefix}policy:revision`, '7');
      await raw.hset(
        `${prefix}policy`,
        'm',
        JSON.stringify({ defaultVersion: 'v2', canaryVersion: '', canaryPercent: 0, epoch: 'old-epoch', revision: 7 }),
      );
      await registry.startPolicy();
      expect(registry.get('m')).toMatchObject({ defaultVersion: 'v2' });
      expect(registry.get('m').versions.map((v) => v.unloaded)).toEqual([false, false, false]);
      await registry.unload('m', 'v3');
      const stored = JSON.parse((await raw.hget(`${prefix}policy`, 'm')) ?? '{}') as Record<string, unknown>;
      expect(stored).toMatchObject({ defaultVersion: 'v2', unloaded: 'v3', revision: 8 });
      await registry.load('m', 'v3');
      const loaded = JSON.parse((await raw.hget(`${prefix}policy`, 'm')) ?? '{}') as Record<string, unknown>;
      expect(loaded).toMatchObject({ unloaded: '', loads: 'v3=1', revision: 9 });
    } finally {
      await registry.dispose();
      await deletePrefix(prefix);
      raw.disconnect();
    }
  });

  it('refuses a load before loading anything when the newest stored policy, not yet announced here, could not be served here', async () => {
    const prefix = freshPrefix();
    const raw = new Redis(redisUrl());
    let loads = 0;
    const registry = new ModelRegistry(
      testCatalog(undefined, () => {
        loads += 1;
        return Promise.resolve(loaded);
      }),
      { defaultVersions: new Map(), canary: [], loadRetryMs: 1000, policyStore: await redisStore(redisUrl(), prefix) },
    );
    try {
      await registry.startPolicy();
      await registry.acquire('m', 'v3');
      // Stored by a replica with a v9 folder, its message not arrived yet.
      const epoch = await raw.get(`${prefix}policy:epoch`);
      await raw.hset(
        `${prefix}policy`,
        'm',
        JSON.stringify({ defaultVersion: 'v9', canaryVersion: '', canaryPercent: 0, epoch, revision: 1000 }),
      );
      await expect(registry.load('m', 'v3')).rejects.toMatchObject({ code: 'MODEL_VERSION_NOT_FOUND' });
      expect(loads).toBe(1);
    } finally {
      await registry.dispose();
      await deletePrefix(prefix);
      raw.disconnect();
    }
  });

  describe('when Redis goes away or loses its data', () => {
    const redis = usePrivateRedis();
    const registries: ModelRegistry[] = [];
    let raw: Redis;

    async function replica(prefix: string, commandTimeoutMs?: number, load?: () => Promise<LoadedModel>): Promise<ModelRegistry> {
      const registry = new ModelRegistry(testCatalog(undefined, load), {
        defaultVersions: new Map(),
        canary: [],
        loadRetryMs: 1000,
        policyStore: await redisStore(redis().url, prefix, commandTimeoutMs),
      });
      registries.push(registry);
      await registry.startPolicy();
      return registry;
    }

    /** Retries a change until the replica's connection is back: each reconnects on its own backoff. */
    const changeWhenConnected = (r: ModelRegistry, change: Parameters<ModelRegistry['setTrafficPolicy']>[0], what: string): Promise<void> =>
      until(
        () =>
          r.setTrafficPolicy(change).then(
            () => true,
            () => false,
          ),
        what,
        5000,
      );

    beforeEach(() => {
      raw = new Redis(redis().url);
    });

    afterEach(async () => {
      await raw.quit();
      await Promise.all(registries.splice(0).map((r) => r.dispose()));
    });

    it('refuses a change it cannot share, keeps serving, and after Redis returns empty follows the changes made since, whichever replica reconnects first', async () => {
      const a = await replica('outage:');
      const b = await replica('outage:');
      await a.setTrafficPolicy({ model: 'm', canary: { version: 'v2', percent: 40 } });
      await until(() => b.get('m').canary?.percent === 40, 'replica b to see the canary');

      await redis().stop();
      await expect(a.setTrafficPolicy({ model: 'm', canary: null })).rejects.toMatchObject({
        code: 'INFERENCE_UNAVAILABLE',
        message: expect.stringContaining('Redis') as unknown,
      });
      expect([a.get('m').canary?.percent, b.get('m').canary?.percent]).toEqual([40, 40]);

      // No persistence: Redis comes back empty and its revisions count from 1 again. Replica a changes the
      // policy as soon as it can, possibly before b has even reconnected.
      await redis().start();
      await changeWhenConnected(a, { model: 'm', defaultVersion: 'v3', canary: null }, 'replica a to take a change again');
      await until(
        () => b.get('m').defaultVersion === 'v3' && b.get('m').canary === undefined,
        'replica b to follow the change made after the outage',
        5000,
      );
    });

    it('refuses a load while Redis is down before loading anything: it could not be shared', async () => {
      let loads = 0;
      const a = await replica('down:', undefined, () => {
        loads += 1;
        return Promise.resolve(loaded);
      });
      await a.acquire('m', 'v3');
      await redis().stop();
      await expect(a.load('m', 'v3')).rejects.toMatchObject({ code: 'INFERENCE_UNAVAILABLE' });
      expect(loads).toBe(1);
      await redis().start();
    });

    it('follows changes after the keys vanish with no reconnection (FLUSHDB, a failover to an empty replica)', async () => {
      const a = await replica('flushed:');
      const b = await replica('flushed:');
      await a.setTrafficPolicy({ model: 'm', defaultVersion: 'v2' });
      await until(() => b.get('m').defaultVersion === 'v2', 'replica b to see v2');
      await raw.flushdb();
      expect(await a.setTrafficPolicy({ model: 'm', defaultVersion: 'v3' })).toMatchObject({ defaultVersion: 'v3' });
      await until(() => b.get('m').defaultVersion === 'v3', 'replica b to follow a change made after the flush');
    });

    it('says a change that timed out may have been made, and then serves what Redis holds', async () => {
      const a = await replica('slow:', 100);
      const b = await replica('slow:');
      // Redis busy for 400 ms: the change is queued behind it and runs after the 100 ms timeout.
      void raw.eval(BUSY_400_MS, 0);
      await sleep(20);
      await expect(a.setTrafficPolicy({ model: 'm', defaultVersion: 'v3' })).rejects.toMatchObject({
        code: 'INFERENCE_UNAVAILABLE',
        message: expect.stringContaining('may or may not have been done') as unknown,
      });
      await until(
        () => a.get('m').defaultVersion === 'v3' && b.get('m').defaultVersion === 'v3',
        'both replicas to serve what Redis holds',
        3000,
      );
    });
  });
});
