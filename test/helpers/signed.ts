/**
 * Requests signed as the supergraph signs them (lib/signing/message-signature),
 * sent straight to a subgraph; each is kept whole so a test can send it
 * again as it was captured, or with one part changed (node:http, so even the
 * Host header can be kept while the request goes to another address).
 */
import http from 'node:http';

import type { Identity } from '../../lib/auth';
import { encodeIdentity, signRequest } from '../../lib/signing/message-signature';
import type { GraphQLResponse } from '../../stack/graphql-client';

export interface CapturedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A POST of `query` to `url`, signed with `secret` for `identity` as of `now`. */
export async function signedRequest(
  url: string,
  query: string,
  identity: Identity,
  secret: string,
  options: { variables?: Record<string, unknown>; now?: number } = {},
): Promise<CapturedRequest> {
  const body = JSON.stringify({ query, variables: options.variables ?? {} });
  const signature = await signRequest({ method: 'POST', url, body }, encodeIdentity(identity), secret, options.now);
  return { url, method: 'POST', headers: { 'content-type': 'application/json', ...signature }, body };
}

/** Sends a captured request as it is, or with the parts in `changes`. */
export function send<D = Record<string, unknown>>(
  request: CapturedRequest,
  changes: Partial<CapturedRequest> = {},
): Promise<GraphQLResponse<D>> {
  const { url, method, headers, body } = { ...request, ...changes };
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => {
        try {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<GraphQLResponse<D>, 'status'>;
          resolve({ status: res.statusCode ?? 0, ...answer });
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.once('error', reject);
    req.end(body);
  });
}
