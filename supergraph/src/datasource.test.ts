import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { OperationTypeNode } from 'graphql';

import { createLogger } from '../../lib/logger';
import type { GatewayContext } from './datasource';
import { SubgraphDataSource } from './datasource';

interface Seen {
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
}

describe('SubgraphDataSource', () => {
  let server: http.Server;
  let url: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ body, headers: req.headers });
        if (req.url === '/refuse') {
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":[{"message":"down"}]}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=30, private' });
        res.end(JSON.stringify({ data: { predict: { cache: 'HIT' } } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const source = (path: string): SubgraphDataSource =>
    new SubgraphDataSource({
      name: 'prediction',
      url: `${url}${path}`,
      subgraphSecret: '',
      timeoutMs: 2000,
      logger: createLogger('test', 'silent'),
    });

  /** A fetch of the gateway's executor, with the operation's cache policy recording what it is restricted to. */
  const fetchOptions = (hints: unknown[]): GraphQLDataSourceProcessOptions<GatewayContext> => {
    const context: GatewayContext = { requestId: 'req-1', identity: { subject: 'anonymous', roles: ['reader'] }, rateKey: 'k' };
    return {
      kind: 'incoming operation',
      request: { query: 'query { predict { cache } }', variables: { a: 1 }, operationName: 'Q' },
      incomingRequestContext: {
        operation: { operation: OperationTypeNode.QUERY },
        overallCachePolicy: { restrict: (hint: unknown) => hints.push(hint) },
      },
      context,
    } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
  };

  it("sends Apollo's body with the request id, answers the data and narrows the cache policy by the subgraph's Cache-Control", async () => {
    seen.length = 0;
    const hints: unknown[] = [];
    expect(await source('/graphql').process(fetchOptions(hints))).toEqual({ data: { predict: { cache: 'HIT' } } });
    expect(seen[0]?.body).toBe('{"query":"query { predict { cache } }","variables":{"a":1},"operationName":"Q"}');
    expect(seen[0]?.headers).toMatchObject({ 'content-type': 'application/json', 'x-request-id': 'req-1' });
    expect(hints).toEqual([{ maxAge: 30, scope: 'PRIVATE' }]);
  });

  it('answers a refused fetch as SUBGRAPH_UNAVAILABLE naming the subgraph and the status, not its URL', async () => {
    const failure = await source('/refuse')
      .process(fetchOptions([]))
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(failure).toMatchObject({
      message: 'the subgraph prediction refused the request (HTTP 503)',
      extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
    });
  });
});
