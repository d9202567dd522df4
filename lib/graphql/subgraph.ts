/**
 * What both subgraphs are made of: a Federation 2 schema from the committed SDL, served by Apollo Server, and its
 * subscriptions over graphql-ws on the same /graphql.
 */
import type { IncomingHttpHeaders } from 'node:http';

import { readFileSync } from 'node:fs';

import { ApolloServer } from '@apollo/server';
import type { BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';

import type { Logger } from '../logger';
import { operationLogPlugin } from './logging';
import type { ServeOptions } from './serve';
import type { SubgraphAuth } from './subgraph-auth';

export function subgraphSchema<C>(sdlFile: string, resolvers: GraphQLResolverMap<C>): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(readFileSync(sdlFile, 'utf8')),
    // buildSubgraphSchema types resolvers for an unknown context; ours is C.
    resolvers: resolvers as GraphQLResolverMap<unknown>,
  });
}

/**
 * Started, checking roles against the identity `auth` verified (serve it with `verify: auth.verifyHttp`),
 * with one log line per operation.
 */
export async function startSubgraphApollo<C extends BaseContext & { readonly requestId: string }>(
  schema: GraphQLSchema,
  logger: Logger,
  auth: SubgraphAuth,
): Promise<ApolloServer<C>> {
  const apollo = new ApolloServer<C>({
    schema,
    includeStacktraceInErrorResponses: false,
    // Our process owns SIGTERM (lib/service.ts); Apollo's own handler would re-raise it and kill the drain.
    stopOnTerminationSignals: false,
    // Subgraphs are not for browsers (the supergraph serves the playground) and we report no traces to Apollo's cloud.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      auth.plugin<C>(),
      operationLogPlugin<C>(logger),
    ],
  });
  await apollo.start();
  return apollo;
}

/**
 * The `websocket` of serveGraphQL (./serve) for a subgraph: graphql-ws over `schema`, each subscribe message checked
 * by `auth` (signature and roles) before it is parsed, messages read up to `maxPayloadBytes` (WS_MAX_PAYLOAD_BYTES).
 */
export function subgraphWebSocket<C>(options: {
  readonly schema: GraphQLSchema;
  readonly auth: SubgraphAuth;
  readonly maxPayloadBytes: number;
  /** The context of an operation, from the upgrade request's headers. */
  context(headers: IncomingHttpHeaders): C;
}): NonNullable<ServeOptions<BaseContext>['websocket']> {
  const { schema, auth } = options;
  return {
    maxPayloadBytes: options.maxPayloadBytes,
    serve: (wss) =>
      useServer<Record<string, unknown>>(
        {
          schema,
          context: (ctx) => options.context(ctx.extra.request.headers) as Record<string, unknown>,
          onSubscribe: async (ctx, _id, payload) => {
            const error = await auth.checkSubscription(ctx.extra.request, payload);
            return error ? [error] : undefined;
          },
        },
        wss,
      ),
  };
}
