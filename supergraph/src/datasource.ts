/** How the supergraph talks to a subgraph over HTTP: Apollo's data source, carrying the request id and the signed caller. */
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

import type { Identity } from '../../lib/auth';
import { REQUEST_ID_KEY } from '../../lib/logger';
import { IDENTITY_HEADER, encodeIdentity } from '../../lib/signing/message-signature';
import { signedFetcher } from './signed-fetch';
import { keepAliveFetcher } from './subgraph-fetch';

export interface GatewayContext {
  readonly requestId: string;
  /** The caller, or why it could not be identified. */
  readonly identity: Identity | string;
  /** Whose rate-limit bucket this operation draws from. */
  readonly rateKey: string;
}

/** The identity header of a caller the supergraph vouches for, signed on its way out (./signed-fetch); none without a secret. */
export function identityHeader(identity: Identity | string | undefined, secret: string): string | undefined {
  return !secret || identity === undefined || typeof identity === 'string' ? undefined : encodeIdentity(identity);
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly subgraphSecret: string,
    private readonly timeoutMs: number,
    private readonly observe?: (durationMs: number, ok: boolean) => void,
  ) {
    super({
      url,
      // Bounded by SUBGRAPH_TIMEOUT_MS: a subgraph that hangs must not hang the supergraph.
      // Signed over exactly what is sent, once Apollo has serialized the body.
      fetcher: signedFetcher(keepAliveFetcher(timeoutMs), subgraphSecret) as unknown as RemoteGraphQLDataSource['fetcher'],
    });
  }

  override didEncounterError(error: Error): never {
    if (error.name === 'TimeoutError') {
      throw new GraphQLError(`the subgraph at ${this.url} did not answer within ${this.timeoutMs} ms (SUBGRAPH_TIMEOUT_MS)`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
      });
    }
    if (error.name === 'TypeError' && error.message === 'fetch failed') {
      const cause: unknown = (error as { cause?: unknown }).cause;
      const why = typeof cause === 'object' && cause !== null && 'message' in cause ? String(cause.message) : error.message;
      throw new GraphQLError(`the subgraph at ${this.url} is unavailable: ${why}`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
      });
    }
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
      this.observe?.(performance.now() - started, ok);
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loads come with an empty context.
    const { requestId, identity } = context as Partial<GatewayContext>;
    if (typeof requestId === 'string') request.http?.headers.set(REQUEST_ID_KEY, requestId);
    const vouched = identityHeader(identity, this.subgraphSecret);
    if (vouched !== undefined) request.http?.headers.set(IDENTITY_HEADER, vouched);
  }
}
