/**
 * In-flight deduplication of subgraph fetches (SUBGRAPH_DEDUPLICATION):
 * identical fetches in flight at once share one request, as Hive Gateway,
 * Hive Router, Cosmo and Grafbase do by default. The data source marks a fetch
 * that may be shared (a query or an entity fetch; of a mutation, only one to
 * a subgraph it wrote nothing to) with SHARE_SCOPE_HEADER, whose value is the caller's scope; an
 * unmarked fetch always goes out on its own. The key is the method, the URL,
 * the exact body and every header but the request id (which differs per
 * request and is not part of the answer), so it holds the signed identity and
 * the caller's scope: callers whose identities differ never share. This
 * fetcher sits in front of ./signed-fetch, so the shared request is signed
 * once. Every sharer gets its own response object whose json() parses the
 * same text afresh (no object is shared), and the request's failure or
 * timeout reaches every sharer.
 */
import { REQUEST_ID_KEY } from '../../lib/logger';
import type { SubgraphFetcher, SubgraphResponse } from './subgraph-fetch';

/** Set by the data source on a fetch that may be shared, to the caller's scope; never sent to a subgraph. */
export const SHARE_SCOPE_HEADER = 'x-infergraph-share-scope';

/** A fresh response object per sharer over the same immutable text and headers. */
function copyOf(response: SubgraphResponse): SubgraphResponse {
  return {
    ok: response.ok,
    status: response.status,
    statusText: response.statusText,
    url: response.url,
    headers: { get: (name) => response.headers.get(name) },
    text: () => response.text(),
    json: () => response.json(),
  };
}

/** `onShared` is called for each fetch answered by a request already in flight. */
export function sharedFetcher(fetcher: SubgraphFetcher, onShared: () => void): SubgraphFetcher {
  const inFlight = new Map<string, Promise<SubgraphResponse>>();
  return (url, init = {}) => {
    const scope = init.headers?.[SHARE_SCOPE_HEADER];
    if (scope === undefined) return fetcher(url, init);
    const headers: Record<string, string> = {};
    let key = `${init.method ?? 'POST'} ${url}\n`;
    for (const [name, value] of Object.entries(init.headers ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (name !== SHARE_SCOPE_HEADER) headers[name] = value;
      if (name !== REQUEST_ID_KEY) key += `${name}: ${value}\n`;
    }
    key += `\n${init.body ?? ''}`;
    const pending = inFlight.get(key);
    if (pending !== undefined) {
      onShared();
      return pending.then(copyOf);
    }
    const sent = fetcher(url, { ...init, headers });
    inFlight.set(key, sent);
    const settled = (): void => {
      inFlight.delete(key);
    };
    sent.then(settled, settled);
    return sent.then(copyOf);
  };
}
