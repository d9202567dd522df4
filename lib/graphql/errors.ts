/** Registered InferGraph errors as GraphQL errors: the code goes to `extensions.code`. */
import { GraphQLError } from 'graphql';

import { InferGraphError } from '../errors';

export function toGraphQLError(err: unknown): GraphQLError {
  if (err instanceof GraphQLError) return err;
  const e = err instanceof InferGraphError ? err : new InferGraphError('INFERENCE_FAILED', `internal error: ${err instanceof Error ? err.message : String(err)}`);
  return new GraphQLError(e.message, { extensions: { code: e.code } });
}
