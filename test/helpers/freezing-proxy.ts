/**
 * A TCP proxy on port 0 that can go silent: once frozen, it forwards nothing
 * either way and closes nothing, as a peer behind a dead network path or a
 * stalled NAT does. Neither side hears a reset; only a client that checks its
 * connection (HTTP/2 keepalive pings) notices.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FreezingProxy {
  /** host:port of the proxy. */
  readonly address: string;
  /** From now on nothing passes, in either direction, on open connections or new ones. */
  freeze(): void;
  close(): Promise<void>;
}

export async function startFreezingProxy(target: string): Promise<FreezingProxy> {
  const [host = '127.0.0.1', port = ''] = target.split(/:(?=\d+$)/);
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = net.createServer((client) => {
    track(client);
    const upstream = net.connect(Number(port), host);
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      if (!frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!frozen) client.write(chunk);
    });
    // Before the freeze, an end on one side ends the other; after it, nothing is passed on, not even that.
    client.on('close', () => {
      if (!frozen) upstream.destroy();
    });
    upstream.on('close', () => {
      if (!frozen) client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    freeze: () => {
      frozen = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
