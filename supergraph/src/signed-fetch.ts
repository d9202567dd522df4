/**
 * Signs each subgraph request that carries a caller's identity (set by the
 * data source) just before it is sent, over the exact method, URL and body
 * text that go out (lib/signing/message-signature). A request without an
 * identity (none without SUBGRAPH_SECRET) goes out as it is.
 */
import { IDENTITY_HEADER, signRequest } from '../../lib/signing/message-signature';
import type { SubgraphFetcher } from './subgraph-fetch';

export function signedFetcher(fetcher: SubgraphFetcher, secret: string): SubgraphFetcher {
  if (!secret) return fetcher;
  return async (url, init = {}) => {
    const identity = init.headers?.[IDENTITY_HEADER];
    if (identity === undefined) return fetcher(url, init);
    const method = (init.method ?? 'POST').toUpperCase();
    const signature = await signRequest({ method, url, body: init.body ?? '' }, identity, secret);
    return fetcher(url, { ...init, method, headers: { ...init.headers, ...signature } });
  };
}
