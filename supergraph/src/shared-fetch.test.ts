import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { until } from '../../lib/until';
import { SHARE_SCOPE_HEADER, sharedFetcher } from './shared-fetch';
import { keepAliveFetcher } from './subgraph-fetch';

/** A subgraph stand-in over a real socket that answers each request only when the test releases it. */
describe('sharedFetcher', () => {
  let server: http.Server;
  let url: string;
  const waiting: (() => void)[] = [];
  const seen: http.IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push(req.headers);
        waiting.push(() =>
          res
            .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=10, public' })
            .end(JSON.stringify({ data: { echoed: body } })),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Starts the calls, waits until `requests` reached the server, answers them, and returns the parsed answers. */
  async function answered(calls: Promise<{ json(): Promise<unknown> }>[], requests: number): Promise<unknown[]> {
    await until(() => waiting.length === requests, `${requests} requests at the server`);
    waiting.splice(0).forEach((answer) => answer());
    return Promise.all(calls.map(async (call) => (await call).json()));
  }

  it('shares a request among callers of the same scope, whatever their request ids, and gives each its own object', async () => {
    let shared = 0;
    const fetch = sharedFetcher(keepAliveFetcher(2000), () => (shared += 1));
    seen.length = 0;
    const call = (requestId: string) =>
      fetch(url, { method: 'POST', headers: { [SHARE_SCOPE_HEADER]: 'dash', 'x-request-id': requestId }, body: '{"query":"{a}"}' });
    const answers = await answered([call('r1'), call('r2'), call('r3')], 1);
    expect(shared).toBe(2);
    expect(answers).toEqual(Array.from({ length: 3 }, () => ({ data: { echoed: '{"query":"{a}"}' } })));
    expect(new Set(answers).size).toBe(3);
    expect(seen[0]?.[SHARE_SCOPE_HEADER]).toBeUndefined();
    expect(seen[0]?.['x-request-id']).toBe('r1');
  });

  it("gives every sharer the answer's headers, which Apollo Gateway reads Cache-Control from", async () => {
    const fetch = sharedFetcher(keepAliveFetcher(2000), () => undefined);
    const calls = Array.from({ length: 3 }, () =>
      fetch(url, { method: 'POST', headers: { [SHARE_SCOPE_HEADER]: 'dash' }, body: '{"query":"{headers}"}' }),
    );
    await answered(calls, 1);
    const responses = await Promise.all(calls);
    expect(responses.map((r) => r.headers.get('cache-control'))).toEqual(Array.from({ length: 3 }, () => 'max-age=10, public'));
  });

  it('never shares across scopes, bodies or other headers, nor a request without a scope', async () => {
    let shared = 0;
    const fetch = sharedFetcher(keepAliveFetcher(2000), () => (shared += 1));
    const call = (scope: string | undefined, body: string, extra: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { ...(scope === undefined ? {} : { [SHARE_SCOPE_HEADER]: scope }), ...extra }, body });
    await answered(
      [
        call('dash', '{}'),
        call('board', '{}'),
        call('dash', '{"x":1}'),
        call('dash', '{}', { 'x-infergraph-identity': 'other' }),
        call(undefined, '{}'),
        call(undefined, '{}'),
      ],
      6,
    );
    expect(shared).toBe(0);
  });

  it('starts a new request once the shared one has answered', async () => {
    let shared = 0;
    const fetch = sharedFetcher(keepAliveFetcher(2000), () => (shared += 1));
    const call = () => fetch(url, { method: 'POST', headers: { [SHARE_SCOPE_HEADER]: 'dash' }, body: '{}' });
    await answered([call()], 1);
    await answered([call()], 1);
    expect(shared).toBe(0);
  });
});
