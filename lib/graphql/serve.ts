/**
 * One node:http server per GraphQL service: Apollo Server on /graphql (POST
 * and GET), graphql-ws on the same path, and /health, /ready. /metrics is
 * not here but on the service's metrics port (lib/metrics.ts).
 * Subgraphs and the supergraph differ only in what they hand it.
 */
import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import type { ApolloServer, BaseContext } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

import { int } from '../config';
import type { Setting } from '../config';
import type { Logger } from '../logger';
import { graphqlHandler } from './http';
import type { GraphQLHandlerOptions, VerifyRequest } from './http';

export interface GraphQLService {
  readonly port: number;
  /** http://127.0.0.1:<port>/graphql */
  readonly url: string;
  /**
   * Reports not ready, stops taking requests, closes WebSockets (1001, going
   * away) and waits for HTTP requests in flight, for at most `graceMs`.
   */
  close(graceMs: number): Promise<void>;
}

export interface ServeOptions<C extends BaseContext> {
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  /** Started by the caller, who stops it after `close()`. */
  readonly apollo: ApolloServer<C>;
  /** `remoteAddress` is the peer's address, for keying what has no caller identity. */
  context(headers: IncomingHttpHeaders, remoteAddress: string): C | Promise<C>;
  /** graphql-ws on /graphql; without it an upgrade is refused (404), so no socket sits open unused. */
  readonly websocket?: {
    /** Largest WebSocket message read (WS_MAX_PAYLOAD_BYTES); a longer frame closes the socket (1009) before it is buffered. */
    readonly maxPayloadBytes: number;
    /** Serves graphql-ws on the server's WebSocketServer; answers a function that closes it. */
    serve(wss: WebSocketServer): { dispose(): Promise<void> | void };
  };
  /** Where this server's own gauges register; the caller serves it on METRICS_PORT, not here. */
  readonly metrics: Registry;
  /** Whether /ready answers 200 (it answers 503 once closing). */
  isReady(): boolean;
  readonly maxBodyBytes: number;
  /** Checks each GraphQL request on its raw body before it is parsed; a refusal is answered as is (see ./http). */
  readonly verify?: VerifyRequest;
  /** Turns a caller away on its headers, before its body is read (see ./http). */
  readonly admit?: GraphQLHandlerOptions<C>['admit'];
  /** Turns an operation text away before Apollo Server parses it (see ./http). */
  readonly checkQuery?: GraphQLHandlerOptions<C>['checkQuery'];
  /** Runs on a POST that passed every check, before Apollo Server sees it (GraphQLHandlerOptions.shortcut). */
  readonly shortcut?: GraphQLHandlerOptions<C>['shortcut'];
  /**
   * Origins browsers may call from (`*` for any); empty sends no CORS headers. A WebSocket
   * upgrade from any other origin but the server's own is refused (403), so a page elsewhere
   * cannot ride a browser's credentials (cross-site WebSocket hijacking).
   */
  readonly corsOrigins?: readonly string[];
  /** Browser pages, asked first: answers the request and returns true, or returns false to pass it on. */
  pages?(req: IncomingMessage, res: ServerResponse): boolean;
}

/** On shutdown, how long keep-alive connections may still bring a request already sent. */
const IDLE_CLOSE_DELAY_MS = 1000;

const CORS_HEADERS = {
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization, x-api-key, x-request-id, apollo-require-preflight',
  'access-control-max-age': '600',
};

/**
 * Whether a WebSocket upgrade may proceed: no Origin is a client outside a browser (it can
 * send any header it likes, so the check would stop nobody); a browser's Origin must be the
 * server's own or one of `corsOrigins`.
 */
function isUpgradeOriginAllowed(origin: string | undefined, host: string | undefined, corsOrigins: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (corsOrigins.includes('*') || corsOrigins.includes(origin)) return true;
  if (!URL.canParse(origin) || host === undefined) return false;
  return new URL(origin).host === host.toLowerCase();
}

/** Answers a refused upgrade with a bare HTTP status and closes the socket. */
function refuseUpgrade(socket: Duplex, status: number): void {
  socket.on('error', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** WS_MAX_PAYLOAD_BYTES, one definition for every service that serves graphql-ws. */
export function wsMaxPayloadSetting(): Setting<number> {
  return int(
    'WS_MAX_PAYLOAD_BYTES',
    65_536,
    'Largest graphql-ws message (connection_init, subscribe), in bytes; a longer frame closes the socket with 1009 before it is read.',
    {
      min: 1024,
      max: 104_857_600,
    },
  );
}

export async function serveGraphQL<C extends BaseContext>(options: ServeOptions<C>): Promise<GraphQLService> {
  const handleGraphQL = graphqlHandler(options.apollo, {
    maxBodyBytes: options.maxBodyBytes,
    context: (req) => options.context(req.headers, req.socket.remoteAddress ?? 'unknown'),
    verify: options.verify,
    admit: options.admit,
    checkQuery: options.checkQuery,
    shortcut: options.shortcut,
  });
  let closing = false;
  const json = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  // Answers not yet sent: on shutdown they go out with `Connection: close`, so no client
  // reuses a socket the server is about to close.
  const pending = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    pending.add(res);
    if (closing) res.shouldKeepAlive = false;
    res.once('close', () => pending.delete(res));
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin;
    const cors = options.corsOrigins ?? [];
    if (origin && (cors.includes('*') || cors.includes(origin))) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end();
        return;
      }
    }
    if (options.pages?.(req, res)) return;
    if (pathname === '/graphql') {
      handleGraphQL(req, res).catch((err: unknown) => {
        options.logger.error({ err }, 'graphql request failed');
        if (res.headersSent) res.end();
        else
          json(res, 500, {
            errors: [{ message: 'internal server error', extensions: { code: ApolloServerErrorCode.INTERNAL_SERVER_ERROR } }],
          });
      });
    } else if (pathname === '/health') {
      json(res, 200, { status: 'ok' });
    } else if (pathname === '/ready') {
      const ready = !closing && options.isReady();
      json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
    } else {
      json(res, 404, { error: 'not found; GraphQL is at /graphql' });
    }
  });
  new Gauge({
    name: 'infergraph_http_open_connections',
    help: 'Connections open to the GraphQL port, WebSockets included; idle keep-alive connections are held open by their clients',
    registers: [options.metrics],
    async collect() {
      this.set(await new Promise<number>((resolve) => server.getConnections((err, count) => resolve(err ? 0 : count))));
    },
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.websocket?.maxPayloadBytes ?? 0 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname !== '/graphql') refuseUpgrade(socket, 400);
    else if (!options.websocket) refuseUpgrade(socket, 404);
    else if (closing) refuseUpgrade(socket, 503);
    else if (!isUpgradeOriginAllowed(req.headers.origin, req.headers.host, options.corsOrigins ?? [])) refuseUpgrade(socket, 403);
    else wss.handleUpgrade(req, socket, head, (client) => accept(client, req));
  });
  /**
   * A WebSocket emits 'error' only for a bad frame (one past maxPayload, a protocol
   * violation), after ws has already closed it with the fitting code (1009, 1002...).
   * graphql-ws prints each such error with its stack to stderr, so a client could flood
   * the log with 14-byte frame headers: its listener is swapped for a debug line.
   */
  function accept(client: WebSocket, req: IncomingMessage): void {
    const before = new Set(client.listeners('error'));
    wss.emit('connection', client, req);
    for (const listener of client.listeners('error')) if (!before.has(listener)) client.off('error', listener as (err: Error) => void);
    client.on('error', (err) => options.logger.debug({ err: err.message }, 'WebSocket closed on a bad frame'));
  }
  const ws = options.websocket?.serve(wss);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    close: (graceMs) => (closed ??= shutdown(graceMs)),
  };

  async function shutdown(graceMs: number): Promise<void> {
    closing = true;
    for (const res of pending) if (!res.headersSent) res.shouldKeepAlive = false;
    await ws?.dispose();
    await new Promise<void>((resolve) => {
      wss.close(() => resolve());
    });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        options.logger.warn({ graceMs }, 'grace period over: closing connections with requests still in flight');
        server.closeAllConnections();
      }, graceMs);
      // A connection looks idle until its request is parsed, and a busy process parses late:
      // idle keep-alive connections are closed only after a moment. Answers in flight close
      // their own connections (Connection: close).
      const idle = setTimeout(() => server.closeIdleConnections(), IDLE_CLOSE_DELAY_MS);
      server.close(() => {
        clearTimeout(timer);
        clearTimeout(idle);
        resolve();
      });
    });
  }
}
