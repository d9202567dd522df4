/**
 * The models subgraph: the model registry of inference-grpc as the federated `Model` entity, and its changes
 * (`modelChanged`) over graphql-ws on the same /graphql.
 */
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';

import { PROJECT_ROOT } from '../../../lib/paths';
import { serveGraphQL } from '../../../lib/graphql/serve';
import { startSubgraphApollo, subgraphSchema, subgraphWebSocket } from '../../../lib/graphql/subgraph';
import { SubgraphAuth } from '../../../lib/graphql/subgraph-auth';
import type { Logger } from '../../../lib/logger';
import { REQUEST_ID_KEY, requestIdOr } from '../../../lib/logger';
import { createMetricsRegistry, startMetricsServer } from '../../../lib/metrics';
import { createNonceStore } from '../../../lib/signing/nonces';
import type { ModelsConfig } from './config';
import { RegistryClient } from './grpc/registry-client';
import { createResolvers } from './resolvers';
import type { ModelsContext } from './resolvers';

const SCHEMA_FILE = path.join(PROJECT_ROOT, 'schema', 'models.graphql');

export interface ModelsSubgraph {
  readonly port: number;
  /** Port of /metrics (METRICS_PORT). */
  readonly metricsPort: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startModelsSubgraph(config: ModelsConfig, logger: Logger): Promise<ModelsSubgraph> {
  const registry = RegistryClient.connect(config, logger);
  const schema = subgraphSchema(SCHEMA_FILE, createResolvers());
  const auth = new SubgraphAuth({
    secret: config.subgraphSecret,
    windowMs: config.signatureWindowMs,
    nonces: await createNonceStore(config, logger),
    logger,
  });
  const apollo = await startSubgraphApollo<ModelsContext>(schema, logger, auth);
  const isReady = (): boolean => registry.isReady();
  const metricsRegistry = createMetricsRegistry('models-subgraph');
  const contextFor = (headers: IncomingHttpHeaders): ModelsContext => ({ requestId: requestIdOr(headers[REQUEST_ID_KEY]), registry });
  const service = await serveGraphQL({
    host: config.host,
    port: config.port,
    logger,
    apollo,
    context: contextFor,
    // modelChanged, signed and checked as the prediction subgraph's subscriptions are.
    websocket: subgraphWebSocket({ schema, auth, maxPayloadBytes: config.wsMaxPayloadBytes, context: contextFor }),
    metrics: metricsRegistry,
    isReady,
    maxBodyBytes: config.maxBodyBytes,
    verify: auth.verifyHttp,
  });
  const metrics = await startMetricsServer({ host: config.metricsHost, port: config.metricsPort, registry: metricsRegistry, isReady });
  logger.info({ port: service.port, metricsPort: metrics.port, inference: config.inferenceUrl }, 'models subgraph listening');
  return {
    port: service.port,
    metricsPort: metrics.port,
    url: service.url,
    close: async () => {
      await service.close(config.shutdownGraceMs);
      await metrics.close();
      await apollo.stop();
      await Promise.all([auth.dispose(), registry.dispose()]);
    },
  };
}
