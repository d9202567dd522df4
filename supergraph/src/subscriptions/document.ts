/**
 * What graphql-ws would otherwise get wrong with a bad document: it closes the
 * whole socket with 4500 (internal error) when the query does not parse, and
 * answers validation errors and an operationName that picks no operation
 * without a code. Here each is an `error` message for that operation alone,
 * with the code Apollo Server gives the same mistake over HTTP.
 */
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, getOperationAST, parse, validate } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}

/** The parse or operation-resolution error of a subscribe message, or undefined when it has one operation to run. */
export function checkDocument(query: string, operationName: string | null | undefined): GraphQLError | undefined {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    return withCode(err, ApolloServerErrorCode.GRAPHQL_PARSE_FAILED);
  }
  if (getOperationAST(document, operationName ?? undefined)) return undefined;
  return new GraphQLError(
    typeof operationName === 'string'
      ? `Unknown operation named "${operationName}".`
      : 'Must provide operation name if query contains multiple operations.',
    {
      extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE },
    },
  );
}

/** graphql's validate, each error coded GRAPHQL_VALIDATION_FAILED as over HTTP. */
export function validateWithCodes(schema: GraphQLSchema, document: DocumentNode): GraphQLError[] {
  return validate(schema, document).map((e) => withCode(e, ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED));
}
