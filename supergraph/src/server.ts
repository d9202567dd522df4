/**
 * The supergraph: Apollo Gateway on Apollo Server with the static supergraph
 * composed offline (schema/supergraph.graphql). Queries and mutations are
 * planned and executed by the gateway; the request id travels to every
 * subgraph fetch.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ApolloServer } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';

import { PROJECT_ROOT } from '../../lib/grpc/proto';
import { operationLogPlugin } from '../../lib/graphql/logging';
import { serveGraphQL } from '../../lib/graphql/serve';
import type { Logger } from '../../lib/logger';
import { REQUEST_ID_KEY, requestIdOr } from '../../lib/logger';
import { createMetricsRegistry } from '../../lib/metrics';
import type { SupergraphConfig } from './config';

export const SUPERGRAPH_FILE = path.join(PROJECT_ROOT, 'schema', 'supergraph.graphql');

export interface GatewayContext {
  readonly requestId: string;
}

/** A subgraph fetch carrying the operation's request id. */
class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loads come with an empty context.
    const requestId: unknown = context.requestId;
    if (typeof requestId === 'string') request.http?.headers.set(REQUEST_ID_KEY, requestId);
  }
}

export interface Supergraph {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startSupergraph(config: SupergraphConfig, logger: Logger): Promise<Supergraph> {
  const urls: Record<string, string> = { prediction: config.predictionUrl, models: config.modelsUrl };
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
    logger,
    buildService: ({ name, url }) => new SubgraphDataSource({ url: urls[name] || url }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    plugins: [operationLogPlugin<GatewayContext>(logger)],
  });
  await apollo.start();
  const service = await serveGraphQL({
    host: config.host,
    port: config.port,
    logger,
    apollo,
    context: (headers) => ({ requestId: requestIdOr(headers[REQUEST_ID_KEY]) }),
    metrics: createMetricsRegistry('supergraph'),
    isReady: () => true,
    maxBodyBytes: config.maxBodyBytes,
  });
  logger.info({ port: service.port, metricsPort: service.port }, 'supergraph listening');
  return {
    port: service.port,
    url: service.url,
    close: async () => {
      await service.close();
      await apollo.stop();
    },
  };
}
