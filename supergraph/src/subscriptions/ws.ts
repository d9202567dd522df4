/**
 * graphql-ws on the supergraph's /graphql: subscriptions go to the bridge,
 * queries and mutations sent over the socket go to Apollo Server like HTTP ones.
 */
import type { ApolloServer } from '@apollo/server';
import { GraphQLError, print } from 'graphql';
import type { ExecutionResult } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';

import { REQUEST_ID_KEY, requestIdOr } from '../../../lib/logger';
import type { GatewayContext } from '../datasource';
import { checkOperationText } from '../lexical';
import type { TextLimits } from '../lexical';
import { checkOperationLimits } from '../limits';
import type { OperationLimits } from '../limits';
import type { SubscriptionBridge } from './bridge';
import { checkDocument, validateWithCodes } from './document';
import type { Authenticator } from '../auth';
import { rateKeyOf } from '../rate-limit/limiter';
import type { RateLimiter } from '../rate-limit/limiter';
import { rateLimited } from '../rate-limit/plugin';
import type { Identity } from '../../../lib/auth';
import { checkRoles, unauthenticated } from '../../../lib/graphql/authorize';
import { graphQLError } from '../../../lib/graphql/errors';

function contextOf(value: unknown): GatewayContext {
  return value as GatewayContext;
}

/**
 * The socket of an expired token closes with the code of a refused connection_init
 * (4403 Forbidden), which graphql-ws clients retry: one whose connectionParams fetch a
 * fresh token reconnects by itself.
 */
export const EXPIRED_CLOSE = { code: CloseCode.Forbidden, reason: 'the bearer token has expired' } as const;

/** Longest delay setTimeout honours; past it Node fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs `fn` once `now()` reaches `at`, however far ahead; answers a function that cancels it. */
function runAt(at: number, now: () => number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const delay = at - now();
    if (delay <= 0) {
      fn();
      return;
    }
    timer = setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
  };
  arm();
  return () => clearTimeout(timer);
}

export interface SubscriptionServing {
  readonly bridge: SubscriptionBridge;
  readonly apollo: ApolloServer<GatewayContext>;
  readonly limits: OperationLimits & TextLimits & { readonly maxSubscriptionsPerConnection: number };
  readonly authenticator: Authenticator;
  readonly limiter: RateLimiter | undefined;
}

export function serveSubscriptions(
  wss: WebSocketServer,
  { bridge, apollo, limits, authenticator, limiter }: SubscriptionServing,
): { dispose(): Promise<void> | void } {
  // The caller of each connection, told once in connection_init.
  const callers = new WeakMap<object, Identity>();
  return useServer<Record<string, unknown>>(
    {
      schema: bridge.schema,
      validate: validateWithCodes,
      // Unknown callers are turned away at connection_init (the socket closes with 4403 Forbidden), and
      // each attempt spends a token of its address's bucket, as over HTTP: once it is empty, 4429.
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const identity = authenticator.identify(params.apiKey ?? params['x-api-key'], params.authorization);
        if (typeof identity === 'string') {
          const decision = await limiter?.take(rateKeyOf(identity, ctx.extra.request.socket.remoteAddress ?? 'unknown'));
          if (decision && !decision.allowed)
            ctx.extra.socket.close(
              CloseCode.TooManyInitialisationRequests,
              `too many failed attempts; retry in ${decision.retryAfterSeconds} s`,
            );
          return false;
        }
        callers.set(ctx.extra, identity);
        // A socket opened with a token lives only as long as the token: its subscriptions end at expiry.
        if (identity.expiresAt !== undefined) {
          const { socket } = ctx.extra;
          const cancel = runAt(identity.expiresAt, authenticator.now, () => socket.close(EXPIRED_CLOSE.code, EXPIRED_CLOSE.reason));
          socket.once('close', cancel);
        }
        return true;
      },
      context: (ctx): GatewayContext => {
        const caller = callers.get(ctx.extra);
        // A socket opened with a token is good only as long as the token.
        const identity =
          caller === undefined
            ? 'no identity for this connection'
            : caller.expiresAt !== undefined && caller.expiresAt <= authenticator.now()
              ? 'the bearer token has expired'
              : caller;
        return {
          requestId: requestIdOr(ctx.extra.request.headers[REQUEST_ID_KEY]),
          identity,
          rateKey: rateKeyOf(identity, ctx.extra.request.socket.remoteAddress ?? 'unknown'),
        };
      },
      onSubscribe: (ctx, _id, payload) => {
        // graphql-ws's own record of the operations under way (queries over the socket too), this
        // one included: it forgets an operation however it ends, a failed validation among them.
        const open = Object.keys(ctx.subscriptions).length - 1;
        if (open >= limits.maxSubscriptionsPerConnection) {
          return [
            graphQLError(
              'RATE_LIMITED',
              `this connection already has ${open} subscriptions; at most ${limits.maxSubscriptionsPerConnection} are allowed (MAX_SUBSCRIPTIONS_PER_CONNECTION)`,
            ),
          ];
        }
        // Size, tokens and nesting before anything parses it: a deep document would overflow the parser's stack.
        const error = checkOperationText(payload.query, limits) ?? checkDocument(payload.query, payload.operationName);
        return error ? [error] : undefined;
      },
      // Queries and mutations go through Apollo Server, whose limits plugin checks them.
      subscribe: async (args) => {
        const context = contextOf(args.contextValue);
        const error =
          (typeof context.identity === 'string'
            ? unauthenticated(context.identity)
            : checkRoles(args.document, args.operationName, context.identity)) ??
          checkOperationLimits(args.document, args.operationName, args.variableValues, limits);
        if (error) return { errors: [error] };
        const decision = await limiter?.take(context.rateKey);
        if (decision && !decision.allowed) return { errors: [rateLimited(decision.retryAfterSeconds)] };
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
        if (response.body.kind !== 'single') {
          return {
            errors: [
              new GraphQLError('incremental delivery (@defer, @stream) is not served over graphql-ws; send the operation over HTTP'),
            ],
          };
        }
        // Apollo answers formatted errors; graphql-ws needs GraphQLError instances.
        const { data, errors, extensions } = response.body.singleResult;
        return {
          data: data ?? null,
          ...(errors ? { errors: errors.map((e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions })) } : {}),
          ...(extensions ? { extensions } : {}),
        };
      },
    },
    wss,
  );
}
