/**
 * A small typed GraphQL client for Node and browsers: queries and mutations
 * over HTTP (fetch), subscriptions over graphql-ws. It takes the documents
 * generated in ./generated, whose types carry the result and the variables,
 * so callers get typed data without casting.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { createClient } from 'graphql-ws';

export interface ClientOptions {
  /** e.g. http://localhost:4000/graphql */
  readonly httpUrl: string;
  /** e.g. ws://localhost:4000/graphql */
  readonly wsUrl: string;
  /** Sent with every HTTP request and in graphql-ws connection_init, e.g. { 'x-api-key': '...' }. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A WebSocket class for runtimes without a global one (Node: the `ws` package). */
  readonly webSocketImpl?: unknown;
}

/** The errors a GraphQL answer carried, with their codes (`extensions.code`) in the message. */
export class GraphQLRequestError extends Error {
  constructor(
    readonly errors: readonly GraphQLFormattedError[],
    readonly status?: number,
  ) {
    super(errors.map((e) => `${e.message}${typeof e.extensions?.code === 'string' ? ` (${e.extensions.code})` : ''}`).join('; '));
    this.name = 'GraphQLRequestError';
  }
}

export interface TypedClient {
  /** Runs a query or mutation; rejects with GraphQLRequestError when the answer has errors. */
  request<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V): Promise<R>;
  /**
   * The events of a subscription; `next()` rejects with GraphQLRequestError
   * when one carries errors, and `return()` ends the subscription even while
   * a `next()` waits.
   */
  subscribe<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V): AsyncIterableIterator<R>;
  /** Closes the WebSocket. */
  dispose(): Promise<void>;
}

/**
 * The server answered a document that codegen checked against the schema, so
 * the envelope is what is checked here and `data` is taken to have its type.
 */
function isExecutionResult<R>(body: unknown): body is FormattedExecutionResult<R, unknown> {
  return typeof body === 'object' && body !== null && ('data' in body || 'errors' in body);
}

function dataOf<R>(result: FormattedExecutionResult<R, unknown>, status?: number): R {
  if (result.errors?.length) throw new GraphQLRequestError(result.errors, status);
  if (result.data === undefined || result.data === null)
    throw new GraphQLRequestError([{ message: 'the answer has neither data nor errors' }], status);
  return result.data;
}

export function createTypedClient(options: ClientOptions): TypedClient {
  const headers = options.headers ?? {};
  const ws = createClient({ url: options.wsUrl, connectionParams: { ...headers }, webSocketImpl: options.webSocketImpl, lazy: true });
  return {
    async request<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
      const res = await fetch(options.httpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
        body: JSON.stringify({ query: print(document), variables }),
      });
      const body: unknown = await res.json();
      if (!isExecutionResult<R>(body)) {
        throw new GraphQLRequestError([{ message: `HTTP ${res.status}: the answer is not a GraphQL response` }], res.status);
      }
      return dataOf(body, res.status);
    },
    subscribe<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V): AsyncIterableIterator<R> {
      const inner = ws.iterate<R>({ query: print(document), variables });
      const events: AsyncIterableIterator<R> = {
        next: async () => {
          const result = await inner.next();
          return result.done ? { done: true, value: undefined } : { done: false, value: dataOf(result.value) };
        },
        return: async () => {
          await inner.return?.();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]: () => events,
      };
      return events;
    },
    dispose: async () => {
      await ws.dispose();
    },
  };
}
