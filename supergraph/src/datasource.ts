/** How the supergraph talks to a subgraph over HTTP: Apollo's data source, carrying the request id. */
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';

import { REQUEST_ID_KEY } from '../../lib/logger';

export interface GatewayContext {
  readonly requestId: string;
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loads come with an empty context.
    const requestId: unknown = context.requestId;
    if (typeof requestId === 'string') request.http?.headers.set(REQUEST_ID_KEY, requestId);
  }
}
