/**
 * The floor under any gateway written for Node, for bench:gateway: a process
 * that forwards each POST to one upstream URL and its answer back, with
 * node:http on both sides (a keep-alive agent out, as the supergraph's
 * subgraph fetcher has), and nothing else: no GraphQL, no auth, no logs.
 * What it costs per request is what the supergraph pays before any GraphQL
 * work. Listens on 127.0.0.1 only, on a port the OS picks, and prints
 * `{"msg":"forwarder listening","port":N}`.
 *
 *   tsx bench/forwarder.ts http://127.0.0.1:4001/graphql
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A bench tool still refuses what no GraphQL request of the benches comes near. */
const MAX_BODY_BYTES = 1_048_576;

const target = new URL(process.argv[2] ?? '');
const agent = new http.Agent({ keepAlive: true });

/** Reads a body whole; one over MAX_BODY_BYTES is destroyed with an error, which the stream's 'error' listener answers. */
function readAll(stream: http.IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) stream.destroy(new Error(`body over ${MAX_BODY_BYTES} bytes`));
    else chunks.push(chunk);
  });
  stream.on('end', () => done(Buffer.concat(chunks)));
}

const server = http.createServer((req, res) => {
  const fail = (): void => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  };
  req.on('error', fail);
  readAll(req, (body) => {
    const upstream = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json', 'content-length': body.length },
      },
      (answer) => {
        answer.on('error', fail);
        readAll(answer, (text) => {
          res.writeHead(answer.statusCode ?? 502, {
            'content-type': answer.headers['content-type'] ?? 'application/json',
            'content-length': text.length,
          });
          res.end(text);
        });
      },
    );
    upstream.on('error', fail);
    upstream.end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ msg: 'forwarder listening', port: (server.address() as AddressInfo).port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
