/**
 * The original "inference hub" design, as the baseline of bench:baseline: a
 * REST endpoint (node:http) where every POST /predict is one gRPC Predict
 * straight to inference-grpc, with no batching and no cache.
 * Prints {"msg":"baseline listening","port":N} once it listens.
 *
 *   tsx bench/baseline/server.ts --inference 127.0.0.1:50051 [--port 0]
 *   curl -d '{"model":"numeric","features":[1,2,3]}' http://127.0.0.1:PORT/predict
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

import { Metadata } from '@grpc/grpc-js';

import { createInferenceClient } from '../../lib/grpc/client';
import type { PredictResponse__Output } from '../../lib/grpc/generated/infergraph/inference/v1/PredictResponse';
import { unary } from '../../lib/grpc/unary';

const { values } = parseArgs({ options: { inference: { type: 'string' }, port: { type: 'string', default: '0' } } });
if (!values.inference) throw new Error('--inference host:port is required');
const client = createInferenceClient(values.inference);

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/predict') {
    res.writeHead(404).end();
    return;
  }
  readBody(req)
    .then((body) => {
      const { model, features } = JSON.parse(body) as { model: string; features: number[] };
      return unary<PredictResponse__Output>((cb) =>
        client.Predict({ model, input: { features: { values: features } } }, new Metadata(), { deadline: Date.now() + 600_000 }, cb),
      );
    })
    .then(
      (answer) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)),
      (err: unknown) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(err) })),
    );
});
server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(JSON.stringify({ msg: 'baseline listening', port: (server.address() as AddressInfo).port }));
});
// At once: calls still queued in inference-grpc are abandoned (cancelled), not waited for.
process.once('SIGTERM', () => {
  server.closeAllConnections();
  client.close();
  process.exit(0);
});
