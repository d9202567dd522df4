/**
 * bench/forwarder.ts, the bare Node forwarder bench:gateway measures as the
 * floor under any Node gateway: it forwards a body and its answer, and a body
 * or an answer over its 1 MiB limit ends that request at once (no caller left
 * waiting) while the next ones are still forwarded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { spawnService } from '../stack/process';
import type { ServiceProcess } from '../stack/process';

const LIMIT = 1_048_576;

describe('bench/forwarder.ts', () => {
  let upstream: http.Server;
  let forwarder: ServiceProcess;
  let url: string;

  beforeAll(async () => {
    // Answers how many bytes it received, or, asked `answer:N`, N bytes.
    upstream = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const asked = /^answer:(\d+)$/.exec(body.toString());
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(asked ? 'y'.repeat(Number(asked[1])) : JSON.stringify({ received: body.length }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    forwarder = spawnService('bench/forwarder.ts', {}, [`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/graphql`]);
    const { port } = await forwarder.waitForLog('forwarder listening');
    url = `http://127.0.0.1:${String(port)}/graphql`;
  });

  afterAll(async () => {
    forwarder.kill();
    await forwarder.exited;
    await new Promise((resolve) => upstream.close(resolve));
  });

  const send = async (body: string): Promise<{ status: number; body: string }> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: res.status, body: await res.text() };
  };
  const post = (bytes: number): Promise<{ status: number; body: string }> => send('x'.repeat(bytes));

  it('forwards a body up to its limit and the answer back', async () => {
    await expect(post(10)).resolves.toEqual({ status: 200, body: JSON.stringify({ received: 10 }) });
    await expect(post(LIMIT)).resolves.toEqual({ status: 200, body: JSON.stringify({ received: LIMIT }) });
  });

  it('ends a request whose body is over the limit at once, and goes on forwarding', async () => {
    // Answered 502, or the connection closed before an answer: either way the caller is not left waiting.
    const over = await post(LIMIT + 1).then(
      (r) => r.status,
      () => 'closed',
    );
    expect([502, 'closed']).toContain(over);
    await expect(post(10)).resolves.toEqual({ status: 200, body: JSON.stringify({ received: 10 }) });
  });

  it('answers 502 when the upstream answer is over the limit, and goes on forwarding', async () => {
    await expect(send(`answer:${LIMIT}`)).resolves.toEqual({ status: 200, body: 'y'.repeat(LIMIT) });
    await expect(send(`answer:${LIMIT + 1}`)).resolves.toEqual({ status: 502, body: '' });
    await expect(post(10)).resolves.toEqual({ status: 200, body: JSON.stringify({ received: 10 }) });
  });
});
