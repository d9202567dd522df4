/**
 * One node:http server per GraphQL service: Apollo Server on /graphql (POST
 * and GET), graphql-ws on the same path, and /metrics, /health, /ready.
 * Subgraphs and the supergraph differ only in what they hand it.
 */
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ApolloServer, BaseContext } from '@apollo/server';
import type { Registry } from 'prom-client';
import { WebSocketServer } from 'ws';

import type { Logger } from '../logger';
import { graphqlHandler } from './http';

export interface GraphQLService {
  readonly port: number;
  /** http://127.0.0.1:<port>/graphql */
  readonly url: string;
  /** Stops taking requests, closes WebSockets and waits for HTTP requests in flight. */
  close(): Promise<void>;
}

export interface ServeOptions<C extends BaseContext> {
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  /** Started by the caller, who stops it after `close()`. */
  readonly apollo: ApolloServer<C>;
  /** `remoteAddress` is the peer's address, for keying what has no caller identity. */
  context(headers: IncomingHttpHeaders, remoteAddress: string): C | Promise<C>;
  /** Serves graphql-ws on the server's WebSocketServer; answers a function that closes it. */
  websocket?(wss: WebSocketServer): { dispose(): Promise<void> | void };
  readonly metrics: Registry;
  /** Whether /ready answers 200 (it answers 503 once closing). */
  isReady(): boolean;
  readonly maxBodyBytes: number;
}

export async function serveGraphQL<C extends BaseContext>(options: ServeOptions<C>): Promise<GraphQLService> {
  const handleGraphQL = graphqlHandler(options.apollo, {
    maxBodyBytes: options.maxBodyBytes,
    context: (req) => options.context(req.headers, req.socket.remoteAddress ?? 'unknown'),
  });
  let closing = false;
  const json = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    // While closing, a keep-alive connection is let go as soon as its last answer is out.
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/graphql') {
      handleGraphQL(req, res).catch((err: unknown) => {
        options.logger.error({ err }, 'graphql request failed');
        if (res.headersSent) res.end();
        else json(res, 500, { errors: [{ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      });
    } else if (pathname === '/metrics') {
      options.metrics.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.metrics.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    } else if (pathname === '/health') {
      json(res, 200, { status: 'ok' });
    } else if (pathname === '/ready') {
      const ready = !closing && options.isReady();
      json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
    } else {
      json(res, 404, { error: 'not found; GraphQL is at /graphql' });
    }
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const ws = options.websocket?.(wss);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    close: () => (closed ??= shutdown()),
  };

  async function shutdown(): Promise<void> {
    closing = true;
    await ws?.dispose();
    await new Promise<void>((resolve) => {
      wss.close(() => resolve());
    });
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }
}
