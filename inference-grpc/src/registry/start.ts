/** The registry inference-grpc serves, over the policy store its configuration chooses, following that store. */
import type { Logger } from '../../../lib/logger';
import { connectRedisClient } from '../../../lib/redis';
import type { InferenceConfig } from '../config';
import type { ModelDefinition, VersionSource } from '../models/types';
import { MemoryPolicyStore } from '../policy/memory';
import { RedisPolicyStore } from '../policy/redis';
import type { PolicyStore } from '../policy/store';
import { ModelRegistry } from './model-registry';

/** Where the traffic policy lives: Redis when REDIS_URL is set, so replicas share it; else memory. */
async function policyStore(config: InferenceConfig, logger: Logger): Promise<PolicyStore> {
  if (!config.redisUrl) return new MemoryPolicyStore();
  const options = { url: config.redisUrl, commandTimeoutMs: config.redisTimeoutMs, logger };
  const [client, subscriber] = await Promise.all([connectRedisClient(options), connectRedisClient({ ...options, subscriber: true })]);
  return new RedisPolicyStore({ client, subscriber, prefix: config.redisPrefix, commandTimeoutMs: config.redisTimeoutMs, logger });
}

/** The registry over its policy store, logging policy changes and failed loads; the store is disposed when the registry cannot be made. */
export async function startRegistry(
  config: InferenceConfig,
  logger: Logger,
  catalog: readonly ModelDefinition[],
  source: VersionSource | undefined,
): Promise<ModelRegistry> {
  const store = await policyStore(config, logger);
  let registry: ModelRegistry;
  try {
    registry = new ModelRegistry(catalog, {
      defaultVersions: config.defaultVersions,
      canary: config.canary,
      loadRetryMs: config.loadRetryMs,
      policyStore: store,
      source,
      logger,
    });
  } catch (err) {
    await store.dispose();
    throw err;
  }
  registry.on('change', (event) => {
    if (event.kind === 'POLICY_CHANGED')
      logger.info(
        { model: event.model.name, defaultVersion: event.model.defaultVersion, canary: event.model.canary },
        'traffic policy applied',
      );
    for (const v of event.model.versions) {
      if (event.kind === 'VERSION_FAILED' && v.state === 'FAILED')
        logger.error({ model: event.model.name, version: v.version, error: v.loadError }, 'model version failed to load');
    }
  });
  await registry.startPolicy();
  return registry;
}
