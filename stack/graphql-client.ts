/** A GraphQL client over real HTTP and graphql-ws, as a user's would be. */
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import type { FormattedExecutionResult } from 'graphql';
import WebSocket from 'ws';

export interface GraphQLResponse<D = Record<string, unknown>> {
  readonly status: number;
  readonly data?: D | null;
  readonly errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export async function graphql<D = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<D>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GraphQLResponse<D>, 'status'>;
  return { status: res.status, ...body };
}

/** `connectionParams` go in connection_init, e.g. { apiKey } when the supergraph has API keys. */
export function wsClient(httpUrl: string, connectionParams?: Record<string, string>): Client {
  return createClient({ url: httpUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams });
}

/** Collects the events of one subscription until `count` have arrived. */
export async function collect<T>(iterator: AsyncIterableIterator<T>, count: number, timeoutMs = 5000): Promise<T[]> {
  const out: T[] = [];
  const timer = setTimeout(() => void iterator.return?.(), timeoutMs);
  try {
    for await (const value of iterator) {
      out.push(value);
      if (out.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

/**
 * Subscribes and calls `poke` (something that publishes an event) until the
 * first event arrives, so the subscription is known to be live rather than
 * assumed after a fixed sleep. Events caused by pokes may still follow:
 * callers tell them apart (e.g. by a request id prefix).
 */
export async function liveSubscription<T>(
  client: Client,
  query: string,
  poke: (attempt: number) => Promise<unknown>,
  timeoutMs = 5000,
): Promise<AsyncIterableIterator<FormattedExecutionResult<T, unknown>>> {
  const iterator = client.iterate<T>({ query });
  const first = iterator.next();
  let arrived = false;
  void first.then(() => {
    arrived = true;
  });
  const until = Date.now() + timeoutMs;
  for (let attempt = 0; !arrived; attempt += 1) {
    if (Date.now() > until) {
      await iterator.return?.();
      throw new Error(`no event within ${timeoutMs} ms of subscribing to: ${query}`);
    }
    await poke(attempt);
    await Promise.race([first, new Promise((r) => setTimeout(r, 100))]);
  }
  return iterator;
}
