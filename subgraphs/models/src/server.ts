/** The models subgraph: the model registry of inference-grpc as the federated `Model` entity. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';

import { createInferenceClient } from '../../../lib/grpc/client';
import { PROJECT_ROOT } from '../../../lib/grpc/proto';
import { operationLogPlugin } from '../../../lib/graphql/logging';
import { serveGraphQL } from '../../../lib/graphql/serve';
import type { Logger } from '../../../lib/logger';
import { REQUEST_ID_KEY, requestIdOr } from '../../../lib/logger';
import { createMetricsRegistry } from '../../../lib/metrics';
import type { ModelsConfig } from './config';
import { RegistryClient } from './registry';
import { createResolvers } from './resolvers';
import type { ModelsContext } from './resolvers';

export const MODELS_SCHEMA_FILE = path.join(PROJECT_ROOT, 'schema', 'models.graphql');
/** Registry reads and policy changes are small. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ModelsSubgraph {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startModelsSubgraph(config: ModelsConfig, logger: Logger): Promise<ModelsSubgraph> {
  const client = createInferenceClient(config.inferenceUrl);
  const registry = new RegistryClient(client, { address: config.inferenceUrl, deadlineMs: config.inferenceDeadlineMs });
  const schema = buildSubgraphSchema({
    typeDefs: parse(readFileSync(MODELS_SCHEMA_FILE, 'utf8')),
    // buildSubgraphSchema types resolvers for an unknown context; ours is ModelsContext.
    resolvers: createResolvers() as GraphQLResolverMap<unknown>,
  });
  const apollo = new ApolloServer<ModelsContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), operationLogPlugin<ModelsContext>(logger)],
  });
  await apollo.start();
  const service = await serveGraphQL({
    host: config.host,
    port: config.port,
    logger,
    apollo,
    context: (headers) => {
      const requestId = requestIdOr(headers[REQUEST_ID_KEY]);
      return { requestId, registry, entities: registry.entityLoader(requestId) };
    },
    metrics: createMetricsRegistry('models-subgraph'),
    isReady: () => true,
    maxBodyBytes: MAX_BODY_BYTES,
  });
  logger.info({ port: service.port, metricsPort: service.port, inference: config.inferenceUrl }, 'models subgraph listening');
  return {
    port: service.port,
    url: service.url,
    close: async () => {
      await service.close();
      await apollo.stop();
      client.close();
    },
  };
}
