/**
 * The fetcher the supergraph sends subgraph requests with: node:http over a
 * keep-alive agent, in place of Node's fetch (undici), whose per-request
 * Request/Response objects, web streams and AbortSignal.timeout cost the
 * gateway about a fifth of its CPU under cache-hit load (bench:gateway,
 * profiled with --cpu-prof). It answers the part of a fetch Response that
 * ./datasource reads, and fails as fetch fails: a TypeError "fetch failed"
 * with the cause, or an error named TimeoutError.
 */
import http from 'node:http';
import https from 'node:https';

export interface SubgraphResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export interface SubgraphRequestInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export type SubgraphFetcher = (url: string, init?: SubgraphRequestInit) => Promise<SubgraphResponse>;

/**
 * Idle sockets are closed after this long, under Node's default server
 * keepAliveTimeout (5 s), so a socket is not reused just as the subgraph closes it.
 */
const IDLE_SOCKET_MS = 4000;

function timeoutError(url: string, timeoutMs: number): Error {
  const err = new Error(`${url} did not answer within ${timeoutMs} ms`);
  err.name = 'TimeoutError';
  return err;
}

/** A fetcher whose every request, body included, must finish within `timeoutMs`. */
export function keepAliveFetcher(timeoutMs: number): SubgraphFetcher {
  const agents = {
    http: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    https: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };
  // A subgraph's URL is parsed once, not by node:http on every request.
  const targets = new Map<string, http.RequestOptions>();
  const targetOf = (url: string): http.RequestOptions => {
    let target = targets.get(url);
    if (!target) {
      const { protocol, hostname, port, pathname, search, username, password } = new URL(url);
      target = { protocol, hostname: hostname.replace(/^\[|\]$/g, ''), port, path: `${pathname}${search}` };
      if (username) target.auth = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
      targets.set(url, target);
    }
    return target;
  };
  const send = (url: string, init: SubgraphRequestInit, retried: boolean): Promise<SubgraphResponse> =>
    new Promise((resolve, reject) => {
      const body = init.body ?? '';
      const secure = url.startsWith('https:');
      const req = (secure ? https : http).request({
        ...targetOf(url),
        method: init.method ?? 'POST',
        headers: { ...init.headers, 'content-length': Buffer.byteLength(body) },
        agent: secure ? agents.https : agents.http,
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(timeoutError(url, timeoutMs));
      }, timeoutMs);
      req.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (timedOut) reject(err);
        // A kept-alive socket the subgraph closed as the request went out: nothing reached it, so send once more.
        else if (!retried && req.reusedSocket && err.code === 'ECONNRESET') send(url, init, true).then(resolve, reject);
        else reject(new TypeError('fetch failed', { cause: err }));
      });
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', (err) => req.destroy(err));
        res.once('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          resolve({
            ok: status >= 200 && status < 300,
            status,
            statusText: res.statusMessage ?? '',
            url,
            headers: {
              get: (name) => {
                const value = res.headers[name.toLowerCase()];
                return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
              },
            },
            text: () => Promise.resolve(text),
            json: () => Promise.resolve(JSON.parse(text) as unknown),
          });
        });
      });
      req.end(body);
    });
  return (url, init = {}) => send(url, init, false);
}
