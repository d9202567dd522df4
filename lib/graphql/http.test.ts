import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

import { ApolloServer } from '@apollo/server';

import { graphqlHandler } from './http';

const MAX_BODY_BYTES = 256;

describe('graphqlHandler body limit', () => {
  let apollo: ApolloServer;
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    apollo = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });
    await apollo.start();
    const handle = graphqlHandler(apollo, { maxBodyBytes: MAX_BODY_BYTES, context: () => ({}) });
    server = http.createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await apollo.stop();
  });

  /** A JSON body of exactly `bytes` bytes asking for hello. */
  const bodyOf = (bytes: number): string => {
    const json = JSON.stringify({ query: '{ hello }' });
    return json.slice(0, -1) + ' '.repeat(bytes - json.length) + '}';
  };

  it('answers a body of exactly MAX_BODY_BYTES', async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyOf(MAX_BODY_BYTES) });
    expect(await res.json()).toEqual({ data: { hello: 'world' } });
  });

  it('answers 413 BAD_REQUEST to one byte more, and to a body far larger, without a reset', async () => {
    for (const bytes of [MAX_BODY_BYTES + 1, 4 * 1024 * 1024]) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyOf(bytes) });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({
        errors: [{ message: `request body is larger than ${MAX_BODY_BYTES} bytes`, extensions: { code: 'BAD_REQUEST' } }],
      });
    }
  });

  it('keeps reading what a refused client still sends for LINGER_MS (so it can read its 413), then closes', async () => {
    // allowHalfOpen: the client goes on sending after the server's FIN, as a client uploading a large body does.
    const socket = net.connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
    let answer = '';
    let answeredAt = 0;
    socket.setEncoding('latin1').on('data', (chunk: string) => {
      answer += chunk;
      answeredAt ||= performance.now();
    });
    socket.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
    socket.write('POST /graphql HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 1000000000\r\n\r\n');
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const sending = setInterval(() => socket.writable && socket.write(chunk), 5);
    const closedAt = await closed.finally(() => clearInterval(sending));
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    // Closing at once would reset the connection under the client's feet; it closes when lingering ends (2 s).
    expect(closedAt - answeredAt).toBeGreaterThanOrEqual(1500);
  });
});
