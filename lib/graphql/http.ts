/**
 * A thin node:http adapter for Apollo Server (its standalone server hides the
 * http.Server that graphql-ws must share): reads the body, hands the request
 * to `executeHTTPGraphQLRequest`, writes the answer, streaming it when Apollo
 * answers in chunks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { HeaderMap } from '@apollo/server';
import type { ApolloServer, BaseContext } from '@apollo/server';

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLargeError(`request body is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendError(res: ServerResponse, statusCode: number, code: string, message: string): void {
  res.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/** Why `verify` refuses a request: answered with this status and code, the body never parsed. */
export interface VerifyRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** Checks a request on its raw body, before it is parsed (e.g. a subgraph's signature check). */
export type VerifyRequest = (req: IncomingMessage, rawBody: string) => Promise<VerifyRefusal | undefined>;

export function graphqlHandler<C extends BaseContext>(
  apollo: ApolloServer<C>,
  options: { maxBodyBytes: number; context: (req: IncomingMessage) => Promise<C> | C; verify?: VerifyRequest },
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let text: string;
    try {
      text = await readBody(req, options.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) {
        sendError(res, 400, 'BAD_REQUEST', `request body could not be read: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      // The rest of the body is still on its way and is never read: a client that reused
      // this connection would wait forever for the answer to its next request.
      res.shouldKeepAlive = false;
      sendError(res, 413, 'BAD_REQUEST', err.message);
      return;
    }
    const refused = await options.verify?.(req, text);
    if (refused) {
      sendError(res, refused.status, refused.code, refused.message);
      return;
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : headers.get('content-type')?.includes('json') ? (JSON.parse(text) as unknown) : text;
    } catch (err) {
      sendError(res, 400, 'BAD_REQUEST', `request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
      context: () => Promise.resolve(options.context(req)),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
