/**
 * Requests signed as the supergraph signs them (lib/signing/message-signature),
 * sent straight to a subgraph; each is kept whole so a test can send it
 * again as it was captured, or with one part changed.
 */
import type { Identity } from '../../lib/auth';
import { encodeIdentity, signRequest } from '../../lib/signing/message-signature';
import type { GraphQLResponse } from './graphql';

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
export async function send<D = Record<string, unknown>>(request: CapturedRequest, changes: Partial<CapturedRequest> = {}): Promise<GraphQLResponse<D>> {
  const { url, method, headers, body } = { ...request, ...changes };
  const res = await fetch(url, { method, headers, ...(method === 'GET' ? {} : { body }) });
  const answer = (await res.json()) as Omit<GraphQLResponse<D>, 'status'>;
  return { status: res.status, ...answer };
}
