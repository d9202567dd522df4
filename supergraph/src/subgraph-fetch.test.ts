import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { keepAliveFetcher } from './subgraph-fetch';

describe('keepAliveFetcher', () => {
  let server: http.Server;
  let url: string;
  let connections = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url === '/hang') return;
        res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'x-seen': 'a' });
        res.end(JSON.stringify({ echoed: body, header: req.headers['x-request-id'] ?? null }));
      });
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the body and headers and reuses one connection for requests one after another', async () => {
    const fetcher = keepAliveFetcher(2000);
    connections = 0;
    for (let i = 0; i < 3; i += 1) {
      const res = await fetcher(`${url}/graphql`, { method: 'POST', headers: { 'x-request-id': `r${i}` }, body: `{"n":${i}}` });
      expect(res.ok).toBe(true);
      expect(res.headers.get('X-Seen')).toBe('a');
      expect(await res.json()).toEqual({ echoed: `{"n":${i}}`, header: `r${i}` });
    }
    expect(connections).toBe(1);
  });

  it('answers a failed status as a response, not an error', async () => {
    const res = await keepAliveFetcher(2000)(`${url}/missing`, { body: '{}' });
    expect({ ok: res.ok, status: res.status, statusText: res.statusText }).toEqual({ ok: false, status: 404, statusText: 'Not Found' });
  });

  it('fails as fetch does: TimeoutError past the timeout, TypeError "fetch failed" when nothing listens', async () => {
    await expect(keepAliveFetcher(100)(`${url}/hang`, { body: '{}' })).rejects.toMatchObject({ name: 'TimeoutError' });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(keepAliveFetcher(2000)(`http://127.0.0.1:${port}/graphql`, { body: '{}' })).rejects.toMatchObject({
      name: 'TypeError',
      message: 'fetch failed',
      cause: { code: 'ECONNREFUSED' },
    });
  });
});
