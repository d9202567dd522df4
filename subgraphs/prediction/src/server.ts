/**
 * The prediction subgraph: a Federation 2 subgraph on Apollo Server, mounted
 * on a plain node:http server that also serves graphql-ws subscriptions on
 * /graphql, and /health, /ready; /metrics on its own port (METRICS_PORT).
 */
import path from 'node:path';

import { PROJECT_ROOT } from '../../../lib/paths';
import { serveGraphQL } from '../../../lib/graphql/serve';
import { SubgraphAuth } from '../../../lib/graphql/subgraph-auth';
import { startSubgraphApollo, subgraphSchema, subgraphWebSocket } from '../../../lib/graphql/subgraph';
import type { Logger } from '../../../lib/logger';
import { REQUEST_ID_KEY, requestIdOr } from '../../../lib/logger';
import { createMetricsRegistry, startMetricsServer } from '../../../lib/metrics';
import { connectRedisClient } from '../../../lib/redis';
import { createNonceStore } from '../../../lib/signing/nonces';
import type { Catalog } from './backends/backend';
import { createBackend } from './backends/create-backend';
import { BatchingLoaders } from './batching';
import type { Cache } from './cache/cache';
import { CacheHitRatios } from './cache/hit-ratio';
import { MemoryCache } from './cache/memory';
import { RedisCache } from './cache/redis';
import type { PredictionConfig } from './config';
import { MemoryPubSub } from './events/memory';
import type { PubSub } from './events/pubsub';
import { RedisPubSub } from './events/redis';
import { PredictionMetrics } from './metrics';
import { createOperationContext } from './operation';
import type { LatencyEventMessage, OperationContext } from './operation';
import { Predictor } from './predictor';
import { createResolvers } from './resolvers';
import { versionStatsLoader } from './version-stats';

const SCHEMA_FILE = path.join(PROJECT_ROOT, 'schema', 'prediction.graphql');

export interface PredictionSubgraph {
  readonly port: number;
  /** Port of /metrics (METRICS_PORT). */
  readonly metricsPort: number;
  readonly url: string;
  readonly catalog: Catalog;
  close(): Promise<void>;
}

export async function startPredictionSubgraph(config: PredictionConfig, logger: Logger): Promise<PredictionSubgraph> {
  const metricsRegistry = createMetricsRegistry('prediction-subgraph');
  const backend = createBackend(config, logger);
  const { catalog } = backend;
  const metrics = new PredictionMetrics(metricsRegistry, config.batchMaxSize, catalog);

  const redisOptions = { url: config.redisUrl, commandTimeoutMs: config.redisTimeoutMs, logger };
  const cache: Cache = config.redisUrl
    ? new RedisCache({ client: await connectRedisClient(redisOptions), prefix: `${config.redisPrefix}cache:` })
    : new MemoryCache({ maxEntries: config.cacheMaxEntries });
  const events: PubSub<LatencyEventMessage> = config.redisUrl
    ? new RedisPubSub<LatencyEventMessage>({
        publisher: await connectRedisClient(redisOptions),
        subscriber: await connectRedisClient({ ...redisOptions, subscriber: true }),
        prefix: `${config.redisPrefix}events:`,
        logger,
      })
    : new MemoryPubSub<LatencyEventMessage>();

  const loaders = new BatchingLoaders(
    backend.predictBatch,
    { maxBatchSize: config.batchMaxSize, maxDelayMs: config.batchMaxDelayMs, maxQueue: config.batchMaxQueue },
    metrics,
  );
  const hitRatios = new CacheHitRatios(catalog, config.statsWindowSeconds);
  const predictor = new Predictor({
    catalog,
    loaders,
    cache,
    cacheTtlSeconds: config.cacheTtlSeconds,
    limits: config,
    metrics,
    hitRatios,
    logger,
  });

  const schema = subgraphSchema(SCHEMA_FILE, createResolvers({ maxBatchItems: config.maxBatchItems, events, metrics }));
  const auth = new SubgraphAuth({
    secret: config.subgraphSecret,
    windowMs: config.signatureWindowMs,
    nonces: await createNonceStore(config, logger),
    logger,
  });
  const apollo = await startSubgraphApollo<OperationContext>(schema, logger, auth);

  const contextFor = (requestIdHeader: unknown): OperationContext => {
    const requestId = requestIdOr(requestIdHeader);
    const versionStats = versionStatsLoader(backend.statistics, hitRatios);
    return createOperationContext(requestId, predictor, events, versionStats, logger.child({ requestId }));
  };
  const service = await serveGraphQL({
    host: config.host,
    port: config.port,
    logger,
    apollo,
    context: (headers) => contextFor(headers[REQUEST_ID_KEY]),
    websocket: subgraphWebSocket({
      schema,
      auth,
      maxPayloadBytes: config.wsMaxPayloadBytes,
      context: (headers) => contextFor(headers[REQUEST_ID_KEY]),
    }),
    metrics: metricsRegistry,
    isReady: () => catalog.synced,
    maxBodyBytes: config.maxBodyBytes,
    verify: auth.verifyHttp,
  });
  const metricsEndpoint = await startMetricsServer({
    host: config.metricsHost,
    port: config.metricsPort,
    registry: metricsRegistry,
    isReady: () => catalog.synced,
  });
  logger.info(
    {
      port: service.port,
      metricsPort: metricsEndpoint.port,
      inference: config.inferenceUrl,
      protocol: config.inferenceProtocol,
      cache: config.redisUrl ? 'redis' : 'memory',
    },
    'prediction subgraph listening',
  );

  return {
    port: service.port,
    metricsPort: metricsEndpoint.port,
    url: service.url,
    catalog,
    close: async () => {
      await service.close(config.shutdownGraceMs);
      await metricsEndpoint.close();
      await apollo.stop();
      await Promise.all([backend.dispose(), cache.dispose(), events.dispose(), auth.dispose()]);
    },
  };
}
