/**
 * graphql-ws on the supergraph's /graphql: subscriptions go to the bridge,
 * queries and mutations sent over the socket go to Apollo Server like HTTP ones.
 */
import type { ApolloServer } from '@apollo/server';
import { print } from 'graphql';
import type { ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';

import { REQUEST_ID_KEY, requestIdOr } from '../../../lib/logger';
import type { GatewayContext } from '../datasource';
import type { SubscriptionBridge } from './bridge';

function contextOf(value: unknown): GatewayContext {
  return value as GatewayContext;
}

export function serveSubscriptions(wss: WebSocketServer, bridge: SubscriptionBridge, apollo: ApolloServer<GatewayContext>): { dispose(): Promise<void> | void } {
  return useServer<Record<string, unknown>>(
    {
      schema: bridge.schema,
      context: (ctx): GatewayContext => ({ requestId: requestIdOr(ctx.extra.request.headers[REQUEST_ID_KEY]) }),
      subscribe: (args) =>
        bridge.subscribe({
          document: args.document,
          operationName: args.operationName,
          variables: args.variableValues,
          context: contextOf(args.contextValue),
        }),
      execute: async (args): Promise<ExecutionResult> => {
        const response = await apollo.executeOperation(
          { query: print(args.document), variables: args.variableValues ?? {}, operationName: args.operationName ?? undefined },
          { contextValue: contextOf(args.contextValue) },
        );
        if (response.body.kind !== 'single') return { errors: [] };
        return response.body.singleResult as ExecutionResult;
      },
    },
    wss,
  );
}
