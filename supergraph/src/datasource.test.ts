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
        if (req.url === '/html') {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy error at internal-host-7.corp</html>');
          return;
        }
        if (req.url === '/broken') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": internal-host-7.corp');
          return;
        }
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

  describe("a mutation's later fetches", () => {
    const sharing = (name: string, onShared: () => void = () => undefined): SubgraphDataSource =>
      new SubgraphDataSource({
        name,
        url: `${url}/graphql`,
        subgraphSecret: '',
        timeoutMs: 2000,
        logger: createLogger('test', 'silent'),
        deduplicate: true,
        onShared,
      });
    /** A fetch of one mutation operation (its own context), of `query` text. */
    const ofMutation = (context: GatewayContext, query: string): GraphQLDataSourceProcessOptions<GatewayContext> =>
      ({
        kind: 'incoming operation',
        request: { query, variables: { representations: [{ __typename: 'Model', name: 'numeric' }] } },
        incomingRequestContext: { operation: { operation: OperationTypeNode.MUTATION }, overallCachePolicy: { restrict: () => undefined } },
        context,
      }) as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
    const caller = (): GatewayContext => ({ requestId: 'r', identity: { subject: 'app', roles: ['predictor'] }, rateKey: 'k' });
    const ENTITIES = 'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Model { name } } }';
    const WRITE = 'mutation { predict { cache } }';

    it('share a fetch to a subgraph the mutation wrote nothing to', async () => {
      let shares = 0;
      const models = sharing('models', () => (shares += 1));
      const prediction = sharing('prediction');
      const [a, b] = [caller(), caller()];
      await Promise.all([prediction.process(ofMutation(a, WRITE)), prediction.process(ofMutation(b, WRITE))]);
      seen.length = 0;
      await Promise.all([models.process(ofMutation(a, ENTITIES)), models.process(ofMutation(b, ENTITIES))]);
      expect(seen).toHaveLength(1);
      expect(shares).toBe(1);
    });

    it('never share a fetch to the subgraph the mutation wrote to, so each reads after its own write', async () => {
      let shares = 0;
      const models = sharing('models', () => (shares += 1));
      const [a, b] = [caller(), caller()];
      await Promise.all([models.process(ofMutation(a, WRITE)), models.process(ofMutation(b, WRITE))]);
      seen.length = 0;
      await Promise.all([models.process(ofMutation(a, ENTITIES)), models.process(ofMutation(b, ENTITIES))]);
      expect(seen).toHaveLength(2);
      expect(shares).toBe(0);
    });
  });

  it.each(['/html', '/broken'])(
    'answers a 2xx body that is no GraphQL JSON (%s) as SUBGRAPH_UNAVAILABLE, without its words',
    async (path) => {
      const failure = await source(path)
        .process(fetchOptions([]))
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(failure).toMatchObject({
        message: 'the subgraph prediction answered something other than GraphQL JSON',
        extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
      });
    },
  );

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
