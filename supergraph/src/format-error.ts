/**
 * Nothing a client sees names an internal service's address: Apollo's
 * `extensions.response` (a subgraph's URL and body) never leaves the gateway.
 *
 * Apollo Server answers a few protocol errors (an automatic persisted query of
 * an unsupported version, or whose hash does not match its query) with HTTP
 * 400 but no code, and then reports them as INTERNAL_SERVER_ERROR. A 400 is
 * the client's doing: they are reported as BAD_REQUEST, so INTERNAL_SERVER_ERROR
 * means a fault of ours only.
 */
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';

export function formatError(answered: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const formatted = withoutResponse(answered);
  if (formatted.extensions?.code !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR || !(error instanceof GraphQLError)) return formatted;
  const http = error.extensions.http as { status?: unknown } | undefined;
  if (typeof http?.status !== 'number' || http.status < 400 || http.status >= 500) return formatted;
  return { ...formatted, extensions: { ...formatted.extensions, code: ApolloServerErrorCode.BAD_REQUEST } };
}

function withoutResponse(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.response === undefined) return formatted;
  const { response: _response, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
