/**
 * Subgraphs accept only requests the supergraph signed (SUBGRAPH_SECRET), and
 * enforce roles on their root fields too, so a subgraph reached directly is
 * no way around the supergraph's checks. Without a secret they accept all
 * (development), and say so at start-up.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { parse } from 'graphql';

import { IDENTITY_HEADER, SIGNATURE_HEADER, verifyIdentity } from '../auth';
import type { Logger } from '../logger';
import { checkRoles, unauthenticated } from './authorize';

export function subgraphAuthPlugin<C extends BaseContext>(secret: string, logger: Logger): ApolloServerPlugin<C> {
  if (!secret) logger.warn('SUBGRAPH_SECRET is not set: this subgraph accepts requests from anyone, not only the supergraph');
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ request, document, operationName }) => {
          if (!secret) return Promise.resolve();
          const headers = request.http?.headers;
          const identity = verifyIdentity(headers?.get(IDENTITY_HEADER), headers?.get(SIGNATURE_HEADER), secret);
          const error = typeof identity === 'string' ? unauthenticated(identity) : checkRoles(document, operationName, identity);
          return error ? Promise.reject(error) : Promise.resolve();
        },
      }),
  };
}

/** The same check for a graphql-ws subscription, whose signed identity rides in the payload's extensions. */
export function checkSubscriptionIdentity(secret: string, query: string, operationName: string | null | undefined, extensions: unknown): GraphQLError | undefined {
  if (!secret) return undefined;
  const ext = (extensions ?? {}) as Record<string, unknown>;
  const identity = verifyIdentity(ext[IDENTITY_HEADER], ext[SIGNATURE_HEADER], secret);
  if (typeof identity === 'string') return unauthenticated(identity);
  return checkRoles(parse(query), operationName, identity);
}
