/**
 * What an HTTP request must pass before Apollo Server sees it, in this order:
 * the body size (./http), who is calling, the caller's rate limit, then the
 * operation text (size, tokens, nesting: ./lexical). A caller without valid
 * credentials is answered from its headers alone, its body never read or
 * parsed, and each such attempt spends a token of its address's bucket, so
 * guessing keys is rate limited too.
 */
import type { GraphQLError } from 'graphql';

import type { Refusal } from '../../lib/graphql/http';
import { unauthenticated } from '../../lib/graphql/authorize';
import type { GatewayContext } from './datasource';
import { checkOperationText } from './lexical';
import type { TextLimits } from './lexical';
import type { RateLimiter } from './rate-limit/limiter';
import { rateLimited } from './rate-limit/plugin';

/** The answer a GraphQLError with `extensions.http` stands for. */
export function refusalOf(error: GraphQLError): Refusal {
  const { http, code, ...extensions } = error.extensions as { http?: { status?: number; headers?: Map<string, string> }; code?: unknown };
  return {
    status: http?.status ?? 400,
    code: typeof code === 'string' ? code : 'BAD_REQUEST',
    message: error.message,
    extensions,
    headers: Object.fromEntries(http?.headers ?? []),
  };
}

/** Authentication, then the rate limit: failed attempts draw from the bucket of the address they come from. */
export function admitCaller(limiter: RateLimiter | undefined): (context: GatewayContext) => Promise<Refusal | undefined> {
  return async (context) => {
    const decision = await limiter?.take(context.rateKey);
    if (decision && !decision.allowed) return refusalOf(rateLimited(decision.retryAfterSeconds));
    return typeof context.identity === 'string' ? refusalOf(unauthenticated(context.identity)) : undefined;
  };
}

export function checkQueryText(limits: TextLimits): (query: string) => Refusal | undefined {
  return (query) => {
    const error = checkOperationText(query, limits);
    return error ? refusalOf(error) : undefined;
  };
}
