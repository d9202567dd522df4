/** How the supergraph talks to a subgraph over HTTP: Apollo's data source, carrying the request id and the signed caller. */
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, OperationTypeNode } from 'graphql';

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

import type { Identity } from '../../lib/auth';
import { REQUEST_ID_KEY } from '../../lib/logger';
import type { Logger } from '../../lib/logger';
import { IDENTITY_HEADER, encodeIdentity } from '../../lib/signing/message-signature';
import { signedFetcher } from './signed-fetch';
import { SHARE_SCOPE_HEADER, sharedFetcher } from './shared-fetch';
import { keepAliveFetcher } from './subgraph-fetch';
import { graphQLError } from '../../lib/graphql/errors';

export interface GatewayContext {
  readonly requestId: string;
  /** The caller, or why it could not be identified. */
  readonly identity: Identity | string;
  /** Whose rate-limit bucket this operation draws from. */
  readonly rateKey: string;
  /** True over HTTP, where ./gate authenticated the caller and drew its token before Apollo Server saw the request. */
  readonly admittedAtGate?: boolean;
}

/** The identity header of a caller the supergraph vouches for, signed on its way out (./signed-fetch); none without a secret. */
export function identityHeader(identity: Identity | string | undefined, secret: string): string | undefined {
  return !secret || identity === undefined || typeof identity === 'string' ? undefined : encodeIdentity(identity);
}

export interface SubgraphDataSourceOptions {
  /** The subgraph's name in the supergraph SDL: what clients are told, where its URL is not. */
  readonly name: string;
  readonly url: string;
  readonly subgraphSecret: string;
  /** SUBGRAPH_TIMEOUT_MS */
  readonly timeoutMs: number;
  /** Where failed fetches are logged with their request id and URL. */
  readonly logger: Logger;
  observe?(durationMs: number, ok: boolean): void;
  /** SUBGRAPH_DEDUPLICATION: identical fetches in flight at once share one request (./shared-fetch). */
  readonly deduplicate?: boolean;
  /** Called for each fetch answered by an identical request already in flight. */
  onShared?(): void;
}

/** A planner-written subgraph operation that is a query: `query ...` or the `{ ... }` shorthand. */
const QUERY_OPERATION = /^\s*(?:query\b|\{)/;

/**
 * The scope a fetch may be shared within, or undefined when it must go out on its own: only queries and entity
 * fetches of an operation that is no mutation (a mutation's fetches each go out, so a caller reads its own write),
 * only among callers of the same identity.
 */
function shareScope(options: GraphQLDataSourceProcessOptions<GatewayContext>): string | undefined {
  // Health checks and schema loads carry no incoming operation.
  if (!('incomingRequestContext' in options)) return undefined;
  const incoming = options.incomingRequestContext.operation?.operation;
  if (incoming !== OperationTypeNode.QUERY && incoming !== OperationTypeNode.SUBSCRIPTION) return undefined;
  if (!QUERY_OPERATION.test(options.request.query ?? '')) return undefined;
  const { identity } = options.context as Partial<GatewayContext>;
  // A caller not identified never gets this far; should one, it shares with no one.
  return identity === undefined || typeof identity === 'string' ? undefined : encodeIdentity(identity);
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly options: SubgraphDataSourceOptions) {
    // Bounded by SUBGRAPH_TIMEOUT_MS: a subgraph that hangs must not hang the supergraph.
    // Signed over exactly what is sent, once Apollo has serialized the body; a shared request is signed once.
    const signed = signedFetcher(keepAliveFetcher(options.timeoutMs), options.subgraphSecret);
    const fetcher = options.deduplicate ? sharedFetcher(signed, () => options.onShared?.()) : signed;
    super({ url: options.url, fetcher: fetcher as unknown as RemoteGraphQLDataSource['fetcher'] });
  }

  /** Clients hear the subgraph's name and the code; its URL and the socket's words go to the log. */
  override didEncounterError(error: Error, _request: unknown, _response?: unknown, context?: GatewayContext): never {
    const { name, timeoutMs, logger } = this.options;
    const failed = (message: string, code: string | undefined): never => {
      logger.warn({ requestId: context?.requestId, subgraph: name, url: this.url, err: error.message, code }, 'a subgraph fetch failed');
      throw graphQLError('SUBGRAPH_UNAVAILABLE', message);
    };
    if (error.name === 'TimeoutError')
      return failed(`the subgraph ${name} did not answer within ${timeoutMs} ms (SUBGRAPH_TIMEOUT_MS)`, undefined);
    if (error.name === 'TypeError' && error.message === 'fetch failed') {
      const cause: unknown = (error as { cause?: unknown }).cause;
      const code =
        typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
      return failed(`the subgraph ${name} is unavailable${code ? ` (${code})` : ''}`, code);
    }
    // A non-2xx answer: Apollo's error carries the subgraph's URL and body in extensions.response.
    const response = error instanceof GraphQLError ? (error.extensions.response as { status?: unknown } | undefined) : undefined;
    if (response !== undefined)
      return failed(`the subgraph ${name} refused the request (HTTP ${String(response.status)})`, String(response.status));
    throw error;
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    let ok = false;
    try {
      const response = await super.process(options);
      ok = !response.errors?.length;
      return response;
    } finally {
      this.options.observe?.(performance.now() - started, ok);
    }
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const { request, context } = options;
    // Health checks and schema loads come with an empty context.
    const { requestId, identity } = context as Partial<GatewayContext>;
    if (typeof requestId === 'string') request.http?.headers.set(REQUEST_ID_KEY, requestId);
    const vouched = identityHeader(identity, this.options.subgraphSecret);
    if (vouched !== undefined) request.http?.headers.set(IDENTITY_HEADER, vouched);
    const scope = this.options.deduplicate ? shareScope(options) : undefined;
    if (scope !== undefined) request.http?.headers.set(SHARE_SCOPE_HEADER, scope);
  }
}
