/**
 * A proxy on port 0 in front of a subgraph that counts the GraphQL requests
 * reaching it and, while holding, keeps them until the test releases (or
 * fails) them: requests that would be in flight together are, whatever the
 * machine's speed. Everything else (/ready, /health) passes straight through.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { forwardRequest } from './forward';

interface Held {
  readonly forward: () => void;
  readonly fail: () => void;
}

export interface HoldingProxy {
  /** The proxy's URL of the subgraph's /graphql. */
  readonly url: string;
  /** GraphQL requests that reached the proxy, held or not. */
  readonly requests: number;
  /** GraphQL requests waiting for release() or fail(). */
  readonly held: number;
  /** Holds every GraphQL request from now on until release() or fail(). */
  hold(): void;
  /** Sends the held requests on, and the next ones straight through. */
  release(): void;
  /** Answers every held request 502 and lets the next ones through. */
  fail(): void;
  close(): Promise<void>;
}

export async function startHoldingProxy(targetGraphqlUrl: string): Promise<HoldingProxy> {
  const target = new URL(targetGraphqlUrl);
  let holding = false;
  let requests = 0;
  let queue: Held[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const forward = (): void => {
        forwardRequest(target, req, res).end(Buffer.concat(chunks));
      };
      if (req.method !== 'POST') return forward();
      requests += 1;
      if (!holding) return forward();
      queue.push({ forward, fail: () => res.writeHead(502, { 'content-type': 'text/plain' }).end('held and failed by the test') });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const drain = (each: (held: Held) => void): void => {
    holding = false;
    const held = queue;
    queue = [];
    held.forEach(each);
  };
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    get requests() {
      return requests;
    },
    get held() {
      return queue.length;
    },
    hold: () => {
      holding = true;
    },
    release: () => drain((h) => h.forward()),
    fail: () => drain((h) => h.fail()),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
