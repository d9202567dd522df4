/**
 * A proxy on port 0 in front of a subgraph's /graphql that sends HTTP requests
 * to one subgraph and WebSocket upgrades to another (the same unless told), and
 * can cut the WebSockets open through it and refuse new ones until allowed
 * again: a subscription goes down while queries still go through. Headers pass
 * unchanged, Host included, so signatures made for the proxy's URL hold.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import { forwardRequest } from './forward';

export interface SplitProxy {
  /** The proxy's URL of /graphql. */
  readonly url: string;
  /** Closes every WebSocket open through the proxy and refuses new ones until `allow`. */
  cut(): void;
  allow(): void;
  close(): Promise<void>;
}

export async function startSplitProxy(httpTarget: string, wsTarget = httpTarget): Promise<SplitProxy> {
  const to = new URL(httpTarget);
  const wsTo = new URL(wsTarget);
  let refusing = false;
  const tunnels = new Set<Duplex>();
  const server = http.createServer((req, res) => {
    req.pipe(forwardRequest(to, req, res));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (refusing) {
      socket.destroy();
      return;
    }
    const upstream = net.connect(Number(wsTo.port), wsTo.hostname, () => {
      const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    for (const end of [socket, upstream]) {
      tunnels.add(end);
      end.once('close', () => {
        tunnels.delete(end);
        socket.destroy();
        upstream.destroy();
      });
      end.on('error', () => end.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const cutAll = (): void => {
    for (const end of tunnels) end.destroy();
  };
  return {
    url: `http://127.0.0.1:${port}${to.pathname}`,
    cut: () => {
      refusing = true;
      cutAll();
    },
    allow: () => {
      refusing = false;
    },
    close: async () => {
      cutAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
