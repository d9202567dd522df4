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

export function graphqlHandler<C extends BaseContext>(
  apollo: ApolloServer<C>,
  options: { maxBodyBytes: number; context: (req: IncomingMessage) => Promise<C> | C },
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    try {
      const text = await readBody(req, options.maxBodyBytes);
      body = text === '' ? undefined : headers.get('content-type')?.includes('json') ? (JSON.parse(text) as unknown) : text;
    } catch (err) {
      if (err instanceof BodyTooLargeError) sendError(res, 413, 'BAD_REQUEST', err.message);
      else sendError(res, 400, 'BAD_REQUEST', `request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
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
