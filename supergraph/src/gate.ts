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

/**
 * How many characters of operation texts that passed are remembered, so that an operation sent again (most are: a
 * client sends the same few operations with new variables) is not lexed again; the oldest are forgotten first. Each
 * text is charged PASSED_TEXT_OVERHEAD more, for its entry, so many short texts cannot hold much more memory than this.
 */
export const PASSED_TEXTS_CHARACTERS = 1024 * 1024;
const PASSED_TEXT_OVERHEAD = 64;

/**
 * The operation-text checks (./lexical). Their verdict depends on the text alone, so a text that passed once passes
 * again without being lexed: about 2% of the gateway's CPU under bench:gateway's cache-hit load (--cpu-prof).
 * Only callers past `admitCaller` get here, and only texts that passed are remembered.
 */
export function checkQueryText(limits: TextLimits, rememberCharacters = PASSED_TEXTS_CHARACTERS): (query: string) => Refusal | undefined {
  const passed = new Set<string>();
  let remembered = 0;
  return (query) => {
    if (passed.has(query)) return undefined;
    const error = checkOperationText(query, limits);
    if (error) return refusalOf(error);
    passed.add(query);
    remembered += query.length + PASSED_TEXT_OVERHEAD;
    for (const oldest of passed) {
      if (remembered <= rememberCharacters) break;
      passed.delete(oldest);
      remembered -= oldest.length + PASSED_TEXT_OVERHEAD;
    }
    return undefined;
  };
}
