/** RATE_LIMITED (HTTP 429 with Retry-After) once a caller's bucket is empty, before planning. */
import { HeaderMap } from '@apollo/server';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';

import { requestError } from '../../../lib/graphql/errors';
import type { GatewayContext } from '../datasource';
import type { RateLimiter } from './limiter';

export function rateLimited(retryAfterSeconds: number): GraphQLError {
  return requestError(
    'RATE_LIMITED',
    `too many operations; retry in ${retryAfterSeconds} s (RATE_LIMIT_PER_MINUTE)`,
    { retryAfterSeconds },
    new HeaderMap([['retry-after', String(retryAfterSeconds)]]),
  );
}

export function rateLimitPlugin(limiter: RateLimiter): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: async ({ contextValue }) => {
          // The auth plugin turns unknown callers away; over HTTP the gate has drawn the token already.
          if (typeof contextValue.identity === 'string' || contextValue.admittedAtGate) return;
          const decision = await limiter.take(contextValue.rateKey);
          if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
        },
      }),
  };
}
