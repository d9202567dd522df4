/** Registered InferGraph errors as GraphQL errors: the code goes to `extensions.code`, its HTTP status from the registry. */
import { GraphQLError } from 'graphql';
import type { GraphQLErrorExtensions } from 'graphql';

import { ERROR_CODES, asInferGraphError } from '../errors';
import type { ErrorCode } from '../errors';

/** An error inside a GraphQL answer (a field, an item, a subscription event). */
export function graphQLError(code: ErrorCode, message: string, extensions: GraphQLErrorExtensions = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/**
 * An error that refuses a whole request: Apollo Server answers it with the
 * code's HTTP status (`extensions.http`, dropped from the body), plus any headers.
 */
export function requestError(
  code: ErrorCode,
  message: string,
  extensions: GraphQLErrorExtensions = {},
  headers?: ReadonlyMap<string, string>,
): GraphQLError {
  return graphQLError(code, message, { ...extensions, http: { status: ERROR_CODES[code].http, ...(headers ? { headers } : {}) } });
}

export function toGraphQLError(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
  const e = asInferGraphError(err);
  return graphQLError(e.code, e.message);
}
