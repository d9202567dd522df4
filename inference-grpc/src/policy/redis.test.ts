import { Redis } from 'ioredis';

import { connectRedisClient } from '../../../lib/redis';
import { describeRedis, freshPrefix, redisUrl, until } from '../../../test/helpers/redis';
import { usePrivateRedis } from '../../../test/helpers/redis-server';
import { ModelRegistry } from '../registry';
import { policyStoreContract, testCatalog } from './contract';
import { RedisPolicyStore } from './redis';

const COMMAND_TIMEOUT_MS = 200;

/** A store as inference-grpc makes one (connectRedisClient), once both connections are ready. */
async function redisStore(url: string, prefix: string): Promise<RedisPolicyStore> {
  const [client, subscriber] = await Promise.all([
    connectRedisClient({ url, commandTimeoutMs: COMMAND_TIMEOUT_MS }),
    connectRedisClient({ url, commandTimeoutMs: COMMAND_TIMEOUT_MS, subscriber: true }),
  ]);
  return new RedisPolicyStore({ client, subscriber, prefix });
}

describeRedis('RedisPolicyStore', () => {
  policyStoreContract('RedisPolicyStore', () => {
    const prefix = freshPrefix();
    return Promise.resolve({
      store: () => redisStore(redisUrl(), prefix),
      cleanup: async () => {
        const raw = new Redis(redisUrl());
        await raw.del(`${prefix}policy`, `${prefix}policy:revision`);
        await raw.quit();
      },
    });
  });

  describe('through a Redis outage', () => {
    const redis = usePrivateRedis();
    const registries: ModelRegistry[] = [];

    async function replica(): Promise<ModelRegistry> {
      const registry = new ModelRegistry(testCatalog(), { defaultVersions: new Map(), canary: [], loadRetryMs: 1000, policyStore: await redisStore(redis().url, 'outage:') });
      registries.push(registry);
      await registry.startPolicy();
      return registry;
    }

    afterAll(async () => {
      await Promise.all(registries.map((r) => r.dispose()));
    });

    it('refuses a change it cannot share, keeps serving, and after Redis returns empty puts the policy back and follows changes again', async () => {
      const a = await replica();
      const b = await replica();
      await a.setTrafficPolicy({ model: 'm', canary: { version: 'v2', percent: 40 } });
      await until(() => b.get('m').canary?.percent === 40, 'replica b to see the canary');

      await redis().stop();
      const refused = a.setTrafficPolicy({ model: 'm', canary: null });
      await expect(refused).rejects.toMatchObject({ code: 'INFERENCE_UNAVAILABLE', message: expect.stringContaining('Redis') as unknown });
      // Both keep the last policy they had.
      expect([a.get('m').canary?.percent, b.get('m').canary?.percent]).toEqual([40, 40]);

      // No persistence: Redis comes back empty and its revisions count from 1 again.
      await redis().start();
      const raw = new Redis(redis().url);
      try {
        await until(async () => (await raw.hget('outage:policy', 'm')) !== null, 'a replica to store its policy again', 5000);
        // Each replica reconnects on its own backoff: until a's has, its change is refused as before.
        await until(
          () => a.setTrafficPolicy({ model: 'm', defaultVersion: 'v3', canary: null }).then(() => true, () => false),
          'replica a to take a change again',
          5000,
        );
        await until(() => b.get('m').defaultVersion === 'v3' && b.get('m').canary === undefined, 'replica b to follow a change made after the outage', 5000);
      } finally {
        await raw.quit();
      }
    });
  });
});
