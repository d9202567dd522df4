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
import { checkOperationLimits, checkOperationSize } from '../limits';
import type { OperationLimits } from '../limits';
import type { SubscriptionBridge } from './bridge';

function contextOf(value: unknown): GatewayContext {
  return value as GatewayContext;
}

export function serveSubscriptions(
  wss: WebSocketServer,
  bridge: SubscriptionBridge,
  apollo: ApolloServer<GatewayContext>,
  limits: OperationLimits,
): { dispose(): Promise<void> | void } {
  return useServer<Record<string, unknown>>(
    {
      schema: bridge.schema,
      context: (ctx): GatewayContext => ({ requestId: requestIdOr(ctx.extra.request.headers[REQUEST_ID_KEY]) }),
      onSubscribe: (_ctx, _id, payload) => {
        const error = checkOperationSize(payload.query, limits);
        return error ? [error] : undefined;
      },
      // Queries and mutations go through Apollo Server, whose limits plugin checks them.
      subscribe: (args) => {
        const error = checkOperationLimits(args.document, args.operationName, args.variableValues, limits);
        if (error) return { errors: [error] };
        return bridge.subscribe({
          document: args.document,
          operationName: args.operationName,
          variables: args.variableValues,
          context: contextOf(args.contextValue),
        });
      },
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
